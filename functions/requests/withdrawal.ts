import { releaseCommitment } from '../budgets/commitments.js';
import type { RequestApprovalChainType } from '../shared/approval-summary.js';
import { appendAuditEvent } from '../shared/audit.js';
import { newAuditEvent } from '../shared/audit-event.js';
import { type Caller, personOf } from '../shared/auth.js';
import { assertIfMatch } from '../shared/concurrency.js';
import type { Contact } from '../shared/contacts.js';
import { ChangedMeanwhileError, type TransactItem } from '../shared/db.js';
import { ConflictError, PreconditionFailedError } from '../shared/errors.js';
import { logger } from '../shared/logger.js';
import { formatMoney } from '../shared/money.js';
import { nextStatus } from './lifecycle.js';
import type { ConsultancyRequest } from './model.js';
import { assertMayWithdraw } from './policy.js';
import { applyRequestTransition, StaleRequestError } from './request-commands.js';
import { getRequestVisibleTo } from './request-queries.js';
import { putRequestTransition, transitionOf } from './request-transitions.js';

/**
 * What a withdrawal does to the request's approval. The approvals capability provides it
 * (approvals builds on requests, so requests reaches it only through this port).
 */
export interface WithdrawalApprovals {
  /**
   * Voids the request's pending approval step as of `at`: the chain the withdrawn request shows
   * and the conditional writes (one per approver of the step) that go into the withdrawal's
   * transaction. Undefined when no step is pending.
   */
  voidPending(
    request: ConsultancyRequest,
    at: string,
  ): Promise<
    { approvalChain: RequestApprovalChainType; writes: TransactItem[]; approvers: Contact[] } | undefined
  >;
  /** Stops the request's workflow execution; one that already ended is fine. */
  stopWorkflow(executionArn: string, cause: string): Promise<void>;
  /** Tells the approvers whose links the withdrawal voided that they are no longer needed. */
  tellNoLongerNeeded(request: ConsultancyRequest, approvers: Contact[]): Promise<void>;
}

const notWithdrawable = (request: ConsultancyRequest) =>
  `The request is ${request.status} and can no longer be withdrawn.`;

/** How often a withdrawal without If-Match reads again after the workflow moved the request meanwhile. */
const ATTEMPTS_WITHOUT_IF_MATCH = 3;

/**
 * The requester takes back a request that is not yet decided, or approved (what was not
 * invoiced of its commitment is released, in the same transaction). Without If-Match the
 * caller means "whatever its version": a change by the workflow meanwhile (say, a decision) is
 * read again and withdrawn, rather than refused.
 */
export async function withdrawRequest(
  caller: Caller,
  id: string,
  reason: string,
  ifMatch: string | undefined,
  approvals: WithdrawalApprovals,
  now = new Date(),
): Promise<ConsultancyRequest> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await withdrawOnce(caller, id, reason, ifMatch, approvals, now);
    } catch (error) {
      if (!(error instanceof PreconditionFailedError) || ifMatch !== undefined) throw error;
      // No precondition was sent, so none failed: it kept changing under us.
      if (attempt >= ATTEMPTS_WITHOUT_IF_MATCH) {
        throw new ConflictError('The request kept changing while you were withdrawing it; try again.');
      }
    }
  }
}

async function withdrawOnce(
  caller: Caller,
  id: string,
  reason: string,
  ifMatch: string | undefined,
  approvals: WithdrawalApprovals,
  now: Date,
): Promise<ConsultancyRequest> {
  const before = await getRequestVisibleTo(caller, id);
  assertMayWithdraw(caller, before);
  nextStatus(before, 'WITHDRAW', notWithdrawable(before));
  assertIfMatch(ifMatch, before, 'request');
  const at = now.toISOString();
  // A pending step's approvals are voided in the same transaction: their links stop working at once.
  const voided = await approvals.voidPending(before, at);
  const after = transitionOf(
    before,
    'WITHDRAW',
    {
      withdrawal: { at, by: personOf(caller), reason },
      ...(voided ? { approvalChain: voided.approvalChain } : {}),
    },
    at,
  );
  const event = (releasedMinor?: number) =>
    newAuditEvent(caller, {
      entityType: 'REQUEST',
      entityId: id,
      action: 'REQUEST_WITHDRAWN',
      at,
      before: { status: before.status, version: before.version },
      after: {
        status: after.status,
        version: after.version,
        ...(releasedMinor !== undefined
          ? { released: formatMoney({ minor: releasedMinor, currency: before.estimatedCost.currency }) }
          : {}),
      },
      reason,
    });
  const alongside = voided ? voided.writes : [];
  try {
    // An approved request gives back what was not invoiced, in the withdrawal's own transaction.
    const release =
      before.status === 'APPROVED'
        ? await releaseCommitment(
            before,
            personOf(caller),
            `Request withdrawn: ${reason}`,
            now,
            (released) => [
              putRequestTransition(before, after),
              appendAuditEvent(event(released)),
              ...alongside,
            ],
          )
        : undefined;
    if (release?.outcome !== 'RELEASED') await applyRequestTransition(before, after, event(), alongside);
  } catch (error) {
    if (!(error instanceof StaleRequestError || error instanceof ChangedMeanwhileError)) throw error;
    // Someone else changed it first (the approver decided, an invoice landed): say what it is now.
    const current = await getRequestVisibleTo(caller, id);
    nextStatus(current, 'WITHDRAW', notWithdrawable(current));
    throw new PreconditionFailedError(
      'The request changed while you were withdrawing it; read it and try again.',
    );
  }
  // Only a workflow that waits on the request: after NEEDS_INFO or a send-back its round has ended.
  if (before.executionArn && (before.status === 'IN_TRIAGE' || before.status === 'IN_APPROVAL'))
    await approvals.stopWorkflow(before.executionArn, `Withdrawn by ${caller.name}: ${reason}`);
  if (voided && voided.approvers.length > 0) {
    // The withdrawal is recorded: an email that cannot be sent is logged, never a failed withdrawal.
    await approvals
      .tellNoLongerNeeded(after, voided.approvers)
      .catch((error: Error) =>
        logger.error('Could not tell the approvers the request was withdrawn', { requestId: id, error }),
      );
  }
  return after;
}
