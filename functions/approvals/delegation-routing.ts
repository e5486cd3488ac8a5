import type { ApprovalChainStepType } from '../shared/approval-summary.js';
import { type Contact, sameEmail } from '../shared/contacts.js';
import { isActiveAt } from './delegation-model.js';
import { delegationsOfEndingAfter } from './delegation-store.js';

type Routed = Pick<ApprovalChainStepType, 'approvers' | 'delegations'>;

/** The approver's delegation active at `now`, if any (one hop: a delegate never delegates onwards). */
async function activeDelegationOf(approver: Contact, now: Date) {
  const delegations = await delegationsOfEndingAfter(approver.email, now.toISOString());
  return delegations.find(
    (delegation) => sameEmail(delegation.delegator.email, approver.email) && isActiveAt(delegation, now),
  );
}

/**
 * Whom a step asked for the first time goes to: each approver, or their delegate while a
 * delegation of theirs is active. Never to the request's requester: an approver whose delegate
 * requested it keeps the step (segregation of duties, as the chain was resolved). A delegate who
 * is already one of the step's approvers (a group) is asked once.
 */
export async function routeToDelegates(
  step: Pick<ApprovalChainStepType, 'approvers'>,
  requester: Contact,
  now: Date,
): Promise<Routed> {
  const active = await Promise.all(step.approvers.map((approver) => activeDelegationOf(approver, now)));
  const approvers: Contact[] = [];
  const delegations: NonNullable<Routed['delegations']> = [];
  step.approvers.forEach((approver, index) => {
    const delegation = active[index];
    const to = delegation && !sameEmail(delegation.delegate.email, requester.email) ? delegation : undefined;
    if (to) {
      delegations.push({ from: approver, to: to.delegate, delegationId: to.id, reason: to.reason });
    }
    const chosen = to?.delegate ?? approver;
    if (!approvers.some((person) => sameEmail(person.email, chosen.email))) approvers.push(chosen);
  });
  return { approvers, ...(delegations.length > 0 ? { delegations } : {}) };
}
