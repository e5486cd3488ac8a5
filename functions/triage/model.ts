import * as z from 'zod';
import { REQUEST_CATEGORIES } from '../reference-data/schemas.js';
import { PaginationQuery } from '../shared/pagination.js';
import { TRIAGE_PRIORITIES } from '../shared/request-triage.js';
import {
  ContactResource,
  MultiLineText,
  PersonResource,
  RequestId,
  SingleLineText,
} from '../shared/schemas.js';

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

const TriageNote = MultiLineText.min(1)
  .max(2_000)
  .describe("The triager's note: the approvers and the requester read it (for DECLINE, the reason).");

/** POST /requests/{id}/triage: the triage decision, by outcome. */
export const TriageDecisionBody = z
  .discriminatedUnion('outcome', [
    z.strictObject({
      outcome: z.literal('ACCEPT'),
      note: TriageNote,
      category: z.enum(REQUEST_CATEGORIES).optional().describe("Corrects the requester's category."),
      priority: z.enum(TRIAGE_PRIORITIES).optional(),
    }),
    z.strictObject({
      outcome: z.literal('REDIRECT_INTERNAL'),
      note: TriageNote,
      internalCapabilityId: InternalCapabilityId,
    }),
    z.strictObject({
      outcome: z.literal('NEEDS_INFO'),
      note: TriageNote,
      questions: z
        .array(MultiLineText.min(1).max(1_000))
        .min(1)
        .max(10)
        .describe('What the requester should answer.'),
    }),
    z.strictObject({
      outcome: z.literal('DECLINE'),
      note: TriageNote,
      duplicateOf: RequestId.optional().describe(
        'The request of the same business function this one duplicates.',
      ),
    }),
  ])
  .meta({ id: 'TriageDecision' });
export type TriageDecisionType = z.output<typeof TriageDecisionBody>;

export const TRIAGE_QUEUES = ['PENDING', 'NEEDS_INFO'] as const;

export const TriageQueueQuery = z.strictObject({
  status: z
    .enum(TRIAGE_QUEUES)
    .default('PENDING')
    .describe('PENDING: waiting for a triager (IN_TRIAGE); NEEDS_INFO: waiting for the requester.'),
});

export const TriageQueueItem = z
  .object({
    id: z.string(),
    title: z.string(),
    businessFunction: z.string(),
    category: z.enum(REQUEST_CATEGORIES),
    estimatedCost: z.object({ amount: z.string(), currency: z.string() }),
    urgency: z.string(),
    status: z.string(),
    requester: PersonResource,
    round: z.number().int(),
    askedAt: z.string().optional(),
    ageSeconds: z
      .number()
      .int()
      .describe('Since the triagers were asked (PENDING) or since the questions (NEEDS_INFO).'),
    flags: z.array(z.string()).describe("The assessment's flag codes."),
  })
  .meta({ id: 'TriageQueueItem' });

export const TriageQueue = z
  .object({ status: z.enum(TRIAGE_QUEUES), count: z.number().int(), items: z.array(TriageQueueItem) })
  .meta({ id: 'TriageQueue' });
