import { appendAuditEvent } from '../shared/audit.js';
import { newAuditEvent } from '../shared/audit-event.js';
import { type Caller, hasRole, requireRole } from '../shared/auth.js';
import { sameEmail } from '../shared/contacts.js';
import { ChangedMeanwhileError, transactOrChangedMeanwhile } from '../shared/db.js';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { everyPage } from '../shared/pagination.js';
import { listPendingApprovalsFor } from './approval-store.js';
import { type Delegation, type DelegationInput, delegationProblems, isActiveAt } from './delegation-model.js';
import {
  delegationHeadOf,
  delegationsOfEndingAfter,
  getDelegation,
  putDelegation,
} from './delegation-store.js';

/** What becomes of the approvals pending on a delegator whose delegation has started: the count moved. */
export type ReassignPending = (delegation: Delegation, actor: Caller, now: Date) => Promise<number>;

/** How often a delegation write is tried again when another one of the same people landed meanwhile. */
const WRITE_ATTEMPTS = 3;

const contactOf = (person: { name: string; email: string }) => ({ name: person.name, email: person.email });
const sameInstant = (a: string, b: string) => Date.parse(a) === Date.parse(b);

/** The same delegation made again (a retried PUT): not ended early, same delegate, period and reason. */
const sameDelegation = (delegation: Delegation, delegator: string, input: DelegationInput) =>
  !delegation.endedEarly &&
  sameEmail(delegation.delegator.email, delegator) &&
  sameEmail(delegation.delegate.email, input.delegate.email) &&
  sameInstant(delegation.startsAt, input.startsAt) &&
  sameInstant(delegation.endsAt, input.endsAt) &&
  delegation.reason === input.reason;

/**
 * PUT /me/delegations: the caller (an approver, or an admin for themselves) hands their steps to
 * a delegate for a period. The rules (delegation-model.ts) are checked against both people's
 * delegations as read together with their HEADs, and the write moves both HEADs, so two
 * delegations racing over a common person cannot both pass. Putting the same delegation again
 * answers it (created false). One that has started moves the approvals pending on the caller now.
 */
export async function createDelegation(
  caller: Caller,
  input: DelegationInput,
  reassign: ReassignPending,
  now = new Date(),
): Promise<{ delegation: Delegation; created: boolean; reassignedApprovals?: number }> {
  requireRole(caller, 'approver', 'admin');
  const delegator = contactOf(caller);
  const startsAt = new Date(input.startsAt).toISOString();
  const endsAt = new Date(input.endsAt).toISOString();
  if (Date.parse(endsAt) <= now.getTime()) {
    throw new ValidationError([{ field: 'endsAt', message: 'Must be in the future.' }]);
  }
  for (let attempt = 1; ; attempt++) {
    const [delegatorHead, delegateHead] = await Promise.all([
      delegationHeadOf(delegator.email),
      delegationHeadOf(input.delegate.email),
    ]);
    const [ofDelegator, ofDelegate, pending] = await Promise.all([
      delegationsOfEndingAfter(delegator.email, startsAt),
      delegationsOfEndingAfter(input.delegate.email, startsAt),
      everyPage((page) => listPendingApprovalsFor(delegator.email, page)),
    ]);
    const again = ofDelegator.find((delegation) => sameDelegation(delegation, delegator.email, input));
    if (again) return { delegation: again, created: false };
    const issues = delegationProblems(delegator, input, {
      ofDelegator,
      ofDelegate,
      pendingOnDelegator: pending.map((approval) => ({
        requestId: approval.requestId,
        requester: approval.subject.requester,
      })),
    });
    if (issues.length > 0) throw new ValidationError(issues);

    const at = now.toISOString();
    const delegation: Delegation = {
      id: newId('delegation', now.getTime()),
      delegator,
      delegate: contactOf(input.delegate),
      startsAt,
      endsAt,
      reason: input.reason,
      createdAt: at,
      version: 1,
    };
    const event = newAuditEvent(caller, {
      entityType: 'DELEGATION',
      entityId: delegation.id,
      action: 'DELEGATION_CREATED',
      at,
      after: { ...delegation },
      reason: input.reason,
    });
    try {
      await transactOrChangedMeanwhile(
        [
          ...putDelegation(delegation, { delegator: delegatorHead, delegate: delegateHead }),
          appendAuditEvent(event),
        ],
        `The delegations of ${delegator.name} or ${delegation.delegate.name}`,
      );
    } catch (error) {
      if (!(error instanceof ChangedMeanwhileError)) throw error;
      if (attempt >= WRITE_ATTEMPTS) throw new ConflictError(`${error.message}: try again.`);
      continue;
    }
    if (!isActiveAt(delegation, now)) return { delegation, created: true };
    return { delegation, created: true, reassignedApprovals: await reassign(delegation, caller, now) };
  }
}

/**
 * Ends a delegation now (its delegator, or an admin): new steps go to the delegator again.
 * Approvals already moved to the delegate stay with them until decided.
 */
export async function endDelegation(caller: Caller, id: string, now = new Date()): Promise<Delegation> {
  const before = await getDelegation(id);
  const own = before && sameEmail(before.delegator.email, caller.email);
  // Someone else's delegation is not shown to them: only its delegator or an admin ends one.
  if (!before || !(own || hasRole(caller, 'admin'))) throw new NotFoundError(`No delegation ${id} of yours.`);
  const at = now.toISOString();
  if (before.endedEarly || before.endsAt <= at) {
    throw new ConflictError(`Delegation ${id} has ended (${before.endedEarly?.at ?? before.endsAt}).`);
  }
  const [delegatorHead, delegateHead] = await Promise.all([
    delegationHeadOf(before.delegator.email),
    delegationHeadOf(before.delegate.email),
  ]);
  const started = before.startsAt <= at;
  const after: Delegation = {
    ...before,
    // Ended before it started: it never runs.
    endsAt: started ? at : before.startsAt,
    endedEarly: { at, by: contactOf(caller), plannedEndsAt: before.endsAt },
    version: before.version + 1,
  };
  const event = newAuditEvent(caller, {
    entityType: 'DELEGATION',
    entityId: id,
    action: 'DELEGATION_ENDED',
    at,
    before: { endsAt: before.endsAt, version: before.version },
    after: { endsAt: after.endsAt, version: after.version },
  });
  try {
    await transactOrChangedMeanwhile(
      [
        ...putDelegation(after, { delegator: delegatorHead, delegate: delegateHead }, before),
        appendAuditEvent(event),
      ],
      `Delegation ${id}`,
    );
  } catch (error) {
    if (error instanceof ChangedMeanwhileError) throw new ConflictError(`${error.message}: read it again.`);
    throw error;
  }
  return after;
}
