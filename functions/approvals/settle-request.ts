import type * as z from 'zod';
import { SettleRequestTask } from '../../workflows/approval-contracts.js';
import { allows, type RequestEvent } from '../requests/lifecycle.js';
import type { RequestStatus } from '../requests/model.js';
import { applyRequestTransition, StaleRequestError } from '../requests/request-commands.js';
import { getRequestById } from '../requests/request-queries.js';
import { transitionOf } from '../requests/request-transitions.js';
import { newAuditEvent, WORKFLOW_ACTOR } from '../shared/audit-event.js';
import { taskHandler } from '../shared/task.js';
import { getApproval, putApproval } from './approval-store.js';
import { ConcurrentChangeError } from './errors.js';
import { type Approval, summaryOf } from './model.js';

/** The workflow resumed without a decision and without a timeout: a bug, never retried. */
export class NoDecisionError extends Error {
  constructor(approvalId: string | undefined, problem = 'has no decision to record') {
    super(`Approval ${approvalId ?? '(none)'} ${problem}.`);
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
 * Settles a request from its approval record, whatever woke the workflow: a failure (ERROR),
 * else the recorded decision (APPROVED was settled with its commitment by the commit step;
 * BUDGET_EXCEEDED when the line had too little available; REJECTED), else the timeout
 * (EXPIRED). The approval item is the source of truth, so a decision that raced the timeout
 * still wins. A request that was already withdrawn or settled is left alone, and nobody is
 * told twice.
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
  const approval = request.approval ? await getApproval(request.approval.id) : undefined;
  const at = now.toISOString();

  let event: RequestEvent;
  if (input.failure) {
    // A step failed after its retries (even after a decision, e.g. committing the budget): say so.
    event = 'FAIL';
  } else if (approval?.decision?.outcome === 'APPROVED') {
    // Approval consumes budget: approved, but without the money committed, it is not APPROVED.
    if (!input.budget || input.budget.committed)
      throw new NoDecisionError(approval.id, 'was approved, but its commitment did not settle it');
    event = 'REFUSE_BUDGET';
  } else if (approval?.decision?.outcome === 'REJECTED') {
    event = 'REJECT';
  } else if (input.timedOut && approval?.status === 'PENDING') {
    event = 'EXPIRE';
  } else {
    throw new NoDecisionError(approval?.id);
  }
  // A pending approval ends with its request: expired on timeout, voided on failure.
  const approvalAfter: Approval | undefined =
    approval?.status === 'PENDING'
      ? {
          ...approval,
          status: event === 'EXPIRE' ? 'EXPIRED' : 'VOIDED',
          updatedAt: at,
          version: approval.version + 1,
        }
      : undefined;
  const settledApproval = approvalAfter ?? approval;
  const after = transitionOf(
    request,
    event,
    {
      ...(settledApproval ? { approval: summaryOf(settledApproval) } : {}),
      ...(event === 'FAIL' && input.failure ? { failure: { at, reason: failureReason(input.failure) } } : {}),
      ...(event === 'REFUSE_BUDGET' && input.budget?.refusal
        ? { budgetRefusal: { at, ...input.budget.refusal } }
        : {}),
    },
    at,
  );
  const auditEvent = newAuditEvent(WORKFLOW_ACTOR, {
    entityType: 'REQUEST',
    entityId: request.id,
    action: ACTIONS[after.status] ?? `REQUEST_${after.status}`,
    at,
    before: { status: request.status, version: request.version },
    after: { status: after.status, version: after.version, ...(approval ? { approvalId: approval.id } : {}) },
    ...(after.failure ? { reason: after.failure.reason } : {}),
    ...(after.budgetRefusal ? { reason: after.budgetRefusal.reason } : {}),
  });
  try {
    await applyRequestTransition(
      request,
      after,
      auditEvent,
      approvalAfter ? [putApproval(approvalAfter, approval)] : [],
    );
  } catch (error) {
    // A decision or a withdrawal landed meanwhile: read again and settle from that.
    if (error instanceof StaleRequestError) throw new ConcurrentChangeError(error.message);
    throw error;
  }
  return { outcome: after.status, notify: true };
}

export const handler = taskHandler(SettleRequestTask, (input) => settleRequest(input));
