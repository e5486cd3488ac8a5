import * as z from 'zod';
import type { Contact } from '../shared/contacts.js';

/** Who triages requests: from the deployment's configuration (`techops:triagers`), read once. */
const Triagers = z.array(z.strictObject({ name: z.string().min(1), email: z.email() })).min(1);

export function parseTriagers(raw: string): Contact[] {
  const parsed = Triagers.safeParse(JSON.parse(raw));
  if (!parsed.success)
    throw new Error(`TRIAGERS must be a JSON list of {name, email}: ${parsed.error.message}`);
  return parsed.data;
}
