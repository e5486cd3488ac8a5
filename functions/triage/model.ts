import * as z from 'zod';
import { REQUEST_CATEGORIES } from '../reference-data/schemas.js';
import { PaginationQuery } from '../shared/pagination.js';
import { ContactResource, MultiLineText, PersonResource, SingleLineText } from '../shared/schemas.js';

/**
 * Internal capabilities: in-house teams that can do some categories of work themselves. Triage
 * reference data: the assessment suggests the teams covering a request's category, so the
 * triager can redirect the work inside. Schemas only (no environment), for CDK and unit tests.
 */

export const InternalCapabilityId = z
  .string()
  .regex(
    /^[A-Z][A-Z0-9_]{1,39}$/,
    'Must be an internal capability id in upper snake case such as "CQV_TEAM".',
  );

export const InternalCapabilityPath = z.strictObject({ id: InternalCapabilityId });

export const ListInternalCapabilitiesQuery = z.strictObject({ ...PaginationQuery });

/** PUT /internal-capabilities/{id}: the whole record, replaced. */
export const InternalCapabilityBody = z
  .strictObject({
    name: SingleLineText.min(1).max(200),
    owner: z
      .strictObject({ name: SingleLineText.min(1).max(200), email: z.email('Must be an email address.') })
      .describe('Who leads the team: told when work is redirected to it.'),
    categories: z
      .array(z.enum(REQUEST_CATEGORIES))
      .min(1, 'Name at least one category.')
      .refine((list) => new Set(list).size === list.length, 'Name each category once.')
      .describe('The request categories the team can take on.'),
    note: MultiLineText.min(1).max(2_000).optional().describe('Capacity, lead times, how to engage them.'),
  })
  .meta({ id: 'InternalCapabilityBody' });
export type InternalCapabilityBodyType = z.output<typeof InternalCapabilityBody>;

export const InternalCapabilityResource = z
  .object({
    id: z.string(),
    name: z.string(),
    owner: ContactResource,
    categories: z.array(z.enum(REQUEST_CATEGORIES)),
    note: z.string().optional(),
    version: z.number().int().min(1),
    updatedAt: z.string().describe('ISO 8601 UTC timestamp.'),
    updatedBy: PersonResource,
  })
  .meta({ id: 'InternalCapability' });
export type InternalCapability = z.infer<typeof InternalCapabilityResource>;
