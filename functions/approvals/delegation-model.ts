import * as z from 'zod';
import { type Contact, sameEmail } from '../shared/contacts.js';
import type { FieldIssue } from '../shared/errors.js';
import { idPattern } from '../shared/ids.js';
import { PaginationQuery } from '../shared/pagination.js';
import { ContactResource, MultiLineText, SingleLineText } from '../shared/schemas.js';

/**
 * Delegation: an approver's time-limited hand-over of their approval steps to a delegate, who
 * then decides "on behalf of" them. One hop only: a delegate never delegates onwards in the
 * period, and a delegator is nobody's delegate in it.
 */

/** A delegation is for a holiday or a leave, not for ever. */
export const MAX_DELEGATION_DAYS = 90;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface Delegation {
  id: string;
  delegator: Contact;
  delegate: Contact;
  startsAt: string;
  endsAt: string;
  reason: string;
  createdAt: string;
  /** Set when it was ended before its end: `endsAt` is then the moment it ended. */
  endedEarly?: { at: string; by: Contact; plannedEndsAt: string };
  version: number;
}

/** ISO 8601 UTC date-times, as every time of the API. */
const DateTime = z.iso.datetime({
  message: 'Must be an ISO 8601 UTC date-time such as "2030-01-31T08:00:00Z".',
});

export const DelegationBody = z
  .strictObject({
    delegate: z.strictObject({ name: SingleLineText.min(1).max(200), email: z.email() }),
    startsAt: DateTime.describe('When the delegate starts deciding for you (ISO 8601 UTC).'),
    endsAt: DateTime.describe(`When it ends: after startsAt, at most ${MAX_DELEGATION_DAYS} days later.`),
    reason: MultiLineText.min(1, 'A reason is required.').max(500),
  })
  .superRefine((input, context) => {
    const starts = Date.parse(input.startsAt);
    const ends = Date.parse(input.endsAt);
    if (ends <= starts) {
      context.addIssue({ code: 'custom', path: ['endsAt'], message: 'Must be after startsAt.' });
    } else if (ends - starts > MAX_DELEGATION_DAYS * DAY_MS) {
      context.addIssue({
        code: 'custom',
        path: ['endsAt'],
        message: `A delegation lasts at most ${MAX_DELEGATION_DAYS} days.`,
      });
    }
  })
  .meta({ id: 'DelegationInput' });
export type DelegationInput = z.output<typeof DelegationBody>;

export const DelegationIdPath = z.strictObject({
  id: z.string().regex(idPattern('delegation'), 'Must be a delegation id such as "dlg_01j...".'),
});

export const ListDelegationsQuery = z.strictObject({ ...PaginationQuery });

export const DelegationResource = z
  .object({
    id: z.string(),
    delegator: ContactResource.describe('The approver whose steps the delegate decides.'),
    delegate: ContactResource,
    startsAt: z.string(),
    endsAt: z.string().describe('When it ends (or, once ended early, when it was ended).'),
    reason: z.string(),
    status: z.enum(['SCHEDULED', 'ACTIVE', 'ENDED']).describe('As of the response.'),
    createdAt: z.string(),
    endedEarly: z
      .object({ at: z.string(), by: ContactResource, plannedEndsAt: z.string() })
      .optional()
      .describe('Present when it was ended before its planned end.'),
    reassignedApprovals: z
      .number()
      .int()
      .optional()
      .describe('On creation of a delegation that has started: the pending approvals moved to the delegate.'),
    version: z.number().int(),
  })
  .meta({ id: 'Delegation' });

export const isActiveAt = (delegation: Delegation, at: Date) =>
  Date.parse(delegation.startsAt) <= at.getTime() && at.getTime() < Date.parse(delegation.endsAt);

export function toDelegationResource(
  delegation: Delegation,
  now: Date,
  reassignedApprovals?: number,
): z.infer<typeof DelegationResource> {
  const status = isActiveAt(delegation, now)
    ? 'ACTIVE'
    : now.getTime() < Date.parse(delegation.startsAt)
      ? 'SCHEDULED'
      : 'ENDED';
  return DelegationResource.parse({
    ...delegation,
    status,
    ...(reassignedApprovals === undefined ? {} : { reassignedApprovals }),
  });
}

const overlaps = (delegation: Delegation, startsAt: string, endsAt: string) =>
  Date.parse(delegation.startsAt) < Date.parse(endsAt) &&
  Date.parse(startsAt) < Date.parse(delegation.endsAt);

const period = (delegation: Delegation) => `${delegation.startsAt} to ${delegation.endsAt}`;

/** What the rules need to know: the delegations of both people, and requests pending on the delegator. */
export interface DelegationFacts {
  /** Every delegation the delegator is part of (as delegator or delegate). */
  ofDelegator: Delegation[];
  /** Every delegation the delegate is part of. */
  ofDelegate: Delegation[];
  /** Requests waiting on the delegator now, with their requesters. */
  pendingOnDelegator: { requestId: string; requester: Contact }[];
}

/**
 * Every reason the delegation may not be made, one issue each (empty: it may). Never to
 * oneself; one hop only (the delegate has no delegation of their own in the period, the
 * delegator is nobody's delegate in it); no loops; one delegation of an approver at a time;
 * never to the requester of a request waiting on the delegator (they would decide it).
 */
export function delegationProblems(
  delegator: Contact,
  input: DelegationInput,
  facts: DelegationFacts,
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const { startsAt, endsAt } = input;
  const delegate = input.delegate;
  if (sameEmail(delegate.email, delegator.email)) {
    issues.push({ field: 'delegate.email', message: 'You cannot delegate to yourself.' });
  }
  const inPeriod = (delegations: Delegation[]) =>
    delegations.filter((one) => overlaps(one, startsAt, endsAt));
  for (const other of inPeriod(facts.ofDelegator)) {
    if (sameEmail(other.delegator.email, delegator.email)) {
      issues.push({
        field: 'startsAt',
        message: `You already delegate to ${other.delegate.name} from ${period(other)} (${other.id}): end it first.`,
      });
    } else if (sameEmail(other.delegator.email, delegate.email)) {
      issues.push({
        field: 'delegate',
        message: `A delegation loop: ${delegate.name} delegates to you from ${period(other)} (${other.id}).`,
      });
    } else {
      issues.push({
        field: 'startsAt',
        message: `You are ${other.delegator.name}'s delegate from ${period(other)} (${other.id}): a delegate cannot delegate onwards.`,
      });
    }
  }
  for (const other of inPeriod(facts.ofDelegate)) {
    // Already reported above as a loop or as the caller's own delegation.
    if (
      sameEmail(other.delegate.email, delegator.email) ||
      sameEmail(other.delegator.email, delegator.email)
    ) {
      continue;
    }
    issues.push({
      field: 'delegate',
      message: sameEmail(other.delegator.email, delegate.email)
        ? `${delegate.name} delegates to ${other.delegate.name} from ${period(other)} (${other.id}): delegation goes one hop only.`
        : `${delegate.name} is ${other.delegator.name}'s delegate from ${period(other)} (${other.id}): delegation goes one hop only.`,
    });
  }
  for (const pending of facts.pendingOnDelegator) {
    if (sameEmail(pending.requester.email, delegate.email)) {
      issues.push({
        field: 'delegate',
        message: `${delegate.name} requested ${pending.requestId}, which waits on you: nobody decides their own request.`,
      });
    }
  }
  return issues;
}
