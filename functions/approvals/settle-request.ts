import type * as z from 'zod';
import { SettleRequestTask } from '../../workflows/approval-contracts.js';
import { allows, type RequestEvent } from '../requests/lifecycle.js';
import type { RequestStatus } from '../requests/model.js';
import { getRequestById } from '../requests/request-queries.js';
import { transitionOf } from '../requests/request-transitions.js';
import { chainApproved, currentStepOf, withStep } from '../shared/approval-summary.js';
import { newAuditEvent, WORKFLOW_ACTOR } from '../shared/audit-event.js';
import { taskHandler } from '../shared/task.js';
import { getApprovals, putApproval } from './approval-store.js';
import type { Approval } from './model.js';
import { applyTaskTransition } from './task-transitions.js';

/** The workflow resumed without a decision and without a timeout: a bug, never retried. */
export class NoDecisionError extends Error {
  constructor(requestId: string, step: number | undefined, problem = 'has no decision to record') {
    super(`Request ${requestId}, approval step ${step ?? '(none)'} ${problem}.`);
    this.name = 'NoDecisionError';
  }
}

/** The events that settle a request; one that allows none is settled (or withdrawn) already. */
const SETTLING_EVENTS: readonly RequestEvent[] = ['FAIL', 'REFUSE_BUDGET', 'REJECT', 'EXPIRE'];

const ACTIONS: Partial<Record<RequestStatus, string>> = {
  APPROVED: 'REQUEST_APPROVED',
  REJECTED: 'REQUEST_REJECTED',
  EXPIRED: 'REQUEST_EXPIRED',
  BUDGET_EXCEEDED: 'REQUEST_BUDGET_EXCEEDED',
  ERROR: 'REQUEST_FAILED',
};

/** A short, safe reason for ERROR: the error's name, never a stack or a token. */
function failureReason(failure: { Error: string; Cause?: string | undefined }): string {
  let message = '';
  try {
    message = String((JSON.parse(failure.Cause ?? '{}') as { errorMessage?: string }).errorMessage ?? '');
  } catch {
    message = '';
  }
  return message ? `${failure.Error}: ${message.slice(0, 300)}` : failure.Error;
}

/**
 * Settles a request from its approval chain, whatever woke the workflow: a failure (ERROR),
 * else the current step's recorded decision (APPROVED was settled with its commitment by the
 * commit step; BUDGET_EXCEEDED when the line had too little available and no exception step
 * was added, or its approver rejected it; REJECTED at any other step),
 * else the step is still pending, which only its timeout leaves it (EXPIRED). The chain moves
 * in the same transaction as each decision, so a decision that raced the timeout still wins.
 * A request that was already withdrawn or settled is left alone, and nobody is told twice.
 */
export async function settleRequest(
  input: z.output<typeof SettleRequestTask>,
  now = new Date(),
): Promise<{ outcome: string; notify: boolean }> {
  const request = await getRequestById(input.requestId);
  if (!request) return { outcome: 'UNKNOWN', notify: false };
  if (request.status === 'APPROVED' && input.budget?.committed) return { outcome: 'APPROVED', notify: true };
  if (!SETTLING_EVENTS.some((event) => allows(request.status, event)))
    return { outcome: request.status, notify: false };
  const chain = request.approvalChain;
  const step = chain && currentStepOf(chain);
  const at = now.toISOString();

  let event: RequestEvent;
  if (input.failure) {
    // A step failed after its retries (even after a decision, e.g. committing the budget): say so.
    event = 'FAIL';
  } else if (step?.status === 'APPROVED' && chain) {
    // Approval consumes budget: approved, but without the money committed, it is not APPROVED.
    if (!chainApproved(chain) || !input.budget || input.budget.committed)
      throw new NoDecisionError(request.id, step.step, 'was approved, but its commitment did not settle it');
    event = 'REFUSE_BUDGET';
  } else if (step?.status === 'REJECTED') {
    // The budget exception's approver rejected funding it: over budget, as without the route.
    event = step.kind === 'BUDGET_EXCEPTION' ? 'REFUSE_BUDGET' : 'REJECT';
  } else if (step?.status === 'PENDING') {
    event = 'EXPIRE';
  } else {
    throw new NoDecisionError(request.id, step?.step);
  }
  // A pending step ends with its request: its approvals expire on timeout, are voided on failure.
  const ended = event === 'EXPIRE' ? 'EXPIRED' : 'VOIDED';
  const pending =
    step?.status === 'PENDING'
      ? (await getApprovals(step.approvalIds ?? [])).filter((approval) => approval.status === 'PENDING')
      : [];
  const endedApprovals = pending.map((approval) => ({
    before: approval,
    after: { ...approval, status: ended, updatedAt: at, version: approval.version + 1 } satisfies Approval,
  }));
  const refusal = input.budget?.refusal ?? step?.budgetRefusal;
  const after = transitionOf(
    request,
    event,
    {
      ...(chain && step?.status === 'PENDING'
        ? { approvalChain: withStep(chain, step.step, { status: ended }) }
        : {}),
      ...(event === 'FAIL' && input.failure ? { failure: { at, reason: failureReason(input.failure) } } : {}),
      ...(event === 'REFUSE_BUDGET' && refusal ? { budgetRefusal: { at, ...refusal } } : {}),
    },
    at,
  );
  const auditEvent = newAuditEvent(WORKFLOW_ACTOR, {
    entityType: 'REQUEST',
    entityId: request.id,
    action: ACTIONS[after.status] ?? `REQUEST_${after.status}`,
    at,
    before: { status: request.status, version: request.version },
    after: { status: after.status, version: after.version, ...(step ? { step: step.step } : {}) },
    ...(after.failure ? { reason: after.failure.reason } : {}),
    ...(after.budgetRefusal ? { reason: after.budgetRefusal.reason } : {}),
  });
  await applyTaskTransition(
    request,
    after,
    auditEvent,
    endedApprovals.map(({ after: ended, before }) => putApproval(ended, before)),
  );
  return { outcome: after.status, notify: true };
}

export const handler = taskHandler(SettleRequestTask, (input) => settleRequest(input));
