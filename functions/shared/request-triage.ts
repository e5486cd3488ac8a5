import * as z from 'zod';
import { REQUEST_CATEGORIES } from '../reference-data/schemas.js';
import { ContactResource, PersonResource } from './schemas.js';

/**
 * What a request shows of its triage: who was asked, what they decided and why. Triage writes
 * it and requests carry it, so it lives here (as the approval chain does): the requests
 * capability never imports triage.
 */

/** What a triager (or an auto-triage rule, which only accepts) decides. */
export const TRIAGE_OUTCOMES = ['ACCEPT', 'REDIRECT_INTERNAL', 'NEEDS_INFO', 'DECLINE'] as const;
export type TriageOutcome = (typeof TRIAGE_OUTCOMES)[number];

/** The priority a triager may give an accepted request (its urgency stays the requester's). */
export const TRIAGE_PRIORITIES = ['P1', 'P2', 'P3'] as const;

export const RequestTriage = z
  .object({
    round: z
      .number()
      .int()
      .min(1)
      .describe('1 for the first submission, one more for each resubmission after NEEDS_INFO.'),
    askedAt: z.string().optional().describe('When the triagers were asked (this round).'),
    triagers: z.array(ContactResource).optional().describe('Who was asked to triage (this round).'),
    outcome: z.enum(TRIAGE_OUTCOMES).optional(),
    decidedAt: z.string().optional(),
    decidedBy: PersonResource.optional().describe('The triager; absent when an auto-triage rule accepted.'),
    autoRule: z.string().optional().describe('The auto-triage rule of the approval policy that accepted it.'),
    why: z
      .array(z.string())
      .optional()
      .describe('Why the auto-triage rule matched, one phrase per condition.'),
    note: z.string().optional().describe("The triager's note: what the approvers and the requester read."),
    priority: z.enum(TRIAGE_PRIORITIES).optional(),
    categoryCorrectedFrom: z
      .enum(REQUEST_CATEGORIES)
      .optional()
      .describe('The category the requester gave, when the triager corrected it.'),
    internalCapability: z
      .object({ id: z.string(), name: z.string(), owner: ContactResource })
      .optional()
      .describe('Where a REDIRECT_INTERNAL sent the work.'),
    questions: z
      .array(z.string())
      .optional()
      .describe('What NEEDS_INFO asks the requester (after a resubmission: what the last round asked).'),
    response: z.string().optional().describe("The requester's answer, given when resubmitting."),
    duplicateOf: z.string().optional().describe('The request a DECLINE names as the one this duplicates.'),
    secondsInTriage: z
      .number()
      .int()
      .optional()
      .describe('From askedAt to the decision, or to now while undecided.'),
  })
  .meta({ id: 'RequestTriage' });
export type RequestTriageType = z.infer<typeof RequestTriage>;

/** Seconds from the ask to the decision (or to `now` while it waits); undefined before the ask. */
export function secondsInTriage(triage: RequestTriageType, now: Date): number | undefined {
  if (!triage.askedAt) return undefined;
  const until = triage.decidedAt ? Date.parse(triage.decidedAt) : now.getTime();
  return Math.max(0, Math.floor((until - Date.parse(triage.askedAt)) / 1000));
}
