import * as z from 'zod';
import { idPattern } from './ids.js';

/** Schemas every capability shares: dates, people, and the ids of requests and vendors. */

export const IsoDate = z.iso.date('Must be a date in the form YYYY-MM-DD.');

/** A person in a resource: who requested, decided, reviewed. */
export const PersonResource = z.object({ sub: z.string(), name: z.string(), email: z.string() });

export const RequestId = z.string().regex(idPattern('request'), 'Must be a request id such as "req_01j...".');

export const VendorId = z.string().regex(idPattern('vendor'), 'Must be a vendor id such as "ven_01j...".');
