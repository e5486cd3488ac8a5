import type * as z from 'zod';
import {
  type BudgetOutcome as BudgetOutcomeSchema,
  CommitBudgetTask,
} from '../../workflows/approval-contracts.js';
import { commitApprovedRequest } from '../budgets/commitments.js';
import { BudgetCurrencyMismatchError, InsufficientBudgetError } from '../budgets/errors.js';
import { allows } from '../requests/lifecycle.js';
import { applyRequestTransition, StaleRequestError } from '../requests/request-commands.js';
import { getRequestById } from '../requests/request-queries.js';
import { putRequestTransition, transitionOf } from '../requests/request-transitions.js';
import { chainApproved, currentStepOf } from '../shared/approval-summary.js';
import { appendAuditEvent } from '../shared/audit.js';
import { newAuditEvent, WORKFLOW_ACTOR } from '../shared/audit-event.js';
import { ChangedMeanwhileError } from '../shared/db.js';
import { TaskInputError, taskHandler } from '../shared/task.js';
import { getApprovals } from './approval-store.js';
import { ConcurrentChangeError } from './errors.js';

type BudgetOutcome = z.infer<typeof BudgetOutcomeSchema>;

/**
 * Approval consumes budget: once every step of the chain has approved, the request's amount is committed
 * on its business function's line, only if that much is available (the hard stop), and the
 * request becomes APPROVED in the same transaction. A refusal is an answer, not a failure: the
 * request then settles as BUDGET_EXCEEDED. Idempotent per request, so a retried task never
 * commits twice; nothing is committed for any other decision, nor for a request withdrawn
 * meanwhile.
 */
export async function commitBudget(requestId: string, now = new Date()): Promise<BudgetOutcome> {
  const request = await getRequestById(requestId);
  if (!request) throw new TaskInputError(`No request ${requestId}.`);
  const chain = request.approvalChain;
  // Only once every step approved (the last one too); nothing for a rejection or a timeout.
  if (!chain || !chainApproved(chain)) return { committed: false, refusal: null };
  // A retried task: the commitment and APPROVED landed together already.
  if (request.status === 'APPROVED') return { committed: true, refusal: null };
  if (!allows(request.status, 'COMMIT_BUDGET')) return { committed: false, refusal: null };
  // The commitment is recorded as approved by whoever approved the chain's last step.
  const last = currentStepOf(chain);
  const approval = (await getApprovals(last.approvalIds ?? [])).find(
    (candidate) => candidate.decision?.outcome === 'APPROVED',
  );
  const decision = approval?.decision;
  if (!approval || !decision)
    throw new TaskInputError(`Request ${requestId}: step ${last.step} has no approval.`);

  const at = now.toISOString();
  const after = transitionOf(request, 'COMMIT_BUDGET', {}, at);
  const event = newAuditEvent(WORKFLOW_ACTOR, {
    entityType: 'REQUEST',
    entityId: request.id,
    action: 'REQUEST_APPROVED',
    at,
    before: { status: request.status, version: request.version },
    after: { status: after.status, version: after.version, approvalId: approval.id, step: last.step },
  });
  try {
    const result = await commitApprovedRequest(request, decision.decidedBy, decision.decidedAt, now, [
      putRequestTransition(request, after),
      appendAuditEvent(event),
    ]);
    // Committed before commitments and APPROVED landed together (stored by an earlier release):
    // the request still has to become APPROVED.
    if (result.outcome === 'ALREADY_COMMITTED') await applyRequestTransition(request, after, event);
    return { committed: true, refusal: null };
  } catch (error) {
    if (error instanceof InsufficientBudgetError || error instanceof BudgetCurrencyMismatchError) {
      return { committed: false, refusal: { reason: error.message, figures: error.extensions } };
    }
    // Withdrawn (or otherwise changed) meanwhile: the retry reads it afresh.
    if (error instanceof ChangedMeanwhileError || error instanceof StaleRequestError)
      throw new ConcurrentChangeError(error.message);
    throw error;
  }
}

export const handler = taskHandler(CommitBudgetTask, ({ requestId }) => commitBudget(requestId));
