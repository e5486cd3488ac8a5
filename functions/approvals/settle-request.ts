import type * as z from 'zod';
import { SettleRequestTask } from '../../workflows/approval-contracts.js';
import { type ConsultancyRequest, type RequestStatus, UNDECIDED_STATUSES } from '../requests/model.js';
import { StaleRequestError, updateRequest } from '../requests/request-commands.js';
import { getRequestById } from '../requests/request-queries.js';
import { newAuditEvent, WORKFLOW_ACTOR } from '../shared/audit-event.js';
import { taskHandler } from '../shared/task.js';
import { getApproval, putApproval } from './approval-store.js';
import { ConcurrentChangeError } from './errors.js';
import type { Approval } from './model.js';

/** The workflow resumed without a decision and without a timeout: a bug, never retried. */
export class NoDecisionError extends Error {
  constructor(approvalId: string) {
    super(`Approval ${approvalId} has no decision to record.`);
    this.name = 'NoDecisionError';
  }
}

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
 * else the recorded decision (APPROVED when its amount was committed, BUDGET_EXCEEDED when
 * the line had too little available, REJECTED), else the timeout (EXPIRED). The approval item
 * is the source of truth, so a decision that raced the timeout still wins. A request that was
 * already withdrawn or settled is left alone, and nobody is told twice.
 */
export async function settleRequest(
  input: z.output<typeof SettleRequestTask>,
  now = new Date(),
): Promise<{ outcome: string; notify: boolean }> {
  const request = await getRequestById(input.requestId);
  if (!request) return { outcome: 'UNKNOWN', notify: false };
  if (!UNDECIDED_STATUSES.includes(request.status)) return { outcome: request.status, notify: false };
  const approval = request.approval ? await getApproval(request.approval.id) : undefined;
  const at = now.toISOString();

  let outcome: RequestStatus;
  let approvalAfter: Approval | undefined;
  if (input.failure) {
    // A step failed after its retries (even after a decision, e.g. committing the budget): say so.
    outcome = 'ERROR';
  } else if (approval?.decision?.outcome === 'APPROVED') {
    // Approval consumes budget: approved, but without the money committed, it is not APPROVED.
    if (!input.budget) throw new NoDecisionError(`${approval.id} (approved, but no budget outcome)`);
    outcome = input.budget.committed ? 'APPROVED' : 'BUDGET_EXCEEDED';
  } else if (approval?.decision?.outcome === 'REJECTED') {
    outcome = 'REJECTED';
  } else if (input.timedOut && approval?.status === 'PENDING') {
    outcome = 'EXPIRED';
  } else {
    throw new NoDecisionError(approval?.id ?? 'none');
  }
  // A pending approval ends with its request: expired on timeout, voided on failure.
  if (approval?.status === 'PENDING') {
    approvalAfter = {
      ...approval,
      status: outcome === 'EXPIRED' ? 'EXPIRED' : 'VOIDED',
      updatedAt: at,
      version: approval.version + 1,
    };
  }
  const decision = approval?.decision;
  const after: ConsultancyRequest = {
    ...request,
    status: outcome,
    ...(request.approval
      ? {
          approval: {
            ...request.approval,
            status: approvalAfter?.status ?? approval?.status ?? request.approval.status,
            ...(decision
              ? {
                  decidedAt: decision.decidedAt,
                  decidedBy: { name: decision.decidedBy.name, email: decision.decidedBy.email },
                  ...(decision.comment ? { comment: decision.comment } : {}),
                }
              : {}),
          },
        }
      : {}),
    ...(outcome === 'ERROR' && input.failure
      ? { failure: { at, reason: failureReason(input.failure) } }
      : {}),
    ...(outcome === 'BUDGET_EXCEEDED' && input.budget?.refusal
      ? { budgetRefusal: { at, ...input.budget.refusal } }
      : {}),
    updatedAt: at,
    version: request.version + 1,
  };
  const event = newAuditEvent(WORKFLOW_ACTOR, {
    entityType: 'REQUEST',
    entityId: request.id,
    action: ACTIONS[outcome] ?? `REQUEST_${outcome}`,
    at,
    before: { status: request.status, version: request.version },
    after: { status: outcome, version: after.version, ...(approval ? { approvalId: approval.id } : {}) },
    ...(after.failure ? { reason: after.failure.reason } : {}),
    ...(after.budgetRefusal ? { reason: after.budgetRefusal.reason } : {}),
  });
  try {
    await updateRequest(
      request,
      after,
      UNDECIDED_STATUSES,
      event,
      approvalAfter ? [putApproval(approvalAfter, approval)] : [],
    );
  } catch (error) {
    // A decision or a withdrawal landed meanwhile: read again and settle from that.
    if (error instanceof StaleRequestError) throw new ConcurrentChangeError(error.message);
    throw error;
  }
  return { outcome, notify: true };
}

export const handler = taskHandler(SettleRequestTask, (input) => settleRequest(input));
