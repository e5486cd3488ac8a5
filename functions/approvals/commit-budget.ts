import type * as z from 'zod';
import {
  type BudgetOutcome as BudgetOutcomeSchema,
  CommitBudgetTask,
} from '../../workflows/approval-contracts.js';
import { commitApprovedRequest } from '../budgets/commitments.js';
import { BudgetCurrencyMismatchError, InsufficientBudgetError } from '../budgets/errors.js';
import { getRequestById } from '../requests/request-queries.js';
import { TaskInputError, taskHandler } from '../shared/task.js';
import { getApproval } from './approval-store.js';

type BudgetOutcome = z.infer<typeof BudgetOutcomeSchema>;

/**
 * Approval consumes budget: once the approver has approved, the request's amount is committed
 * on its business function's line, only if that much is available (the hard stop). A refusal
 * is an answer, not a failure: the request then settles as BUDGET_EXCEEDED. Idempotent per
 * request, so a retried task never commits twice. Nothing is committed for any other decision.
 */
export async function commitBudget(requestId: string): Promise<BudgetOutcome> {
  const request = await getRequestById(requestId);
  if (!request) throw new TaskInputError(`No request ${requestId}.`);
  const approval = request.approval ? await getApproval(request.approval.id) : undefined;
  const decision = approval?.decision;
  if (decision?.outcome !== 'APPROVED') return { committed: false, refusal: null };
  try {
    await commitApprovedRequest(request, decision.decidedBy, decision.decidedAt);
    return { committed: true, refusal: null };
  } catch (error) {
    if (error instanceof InsufficientBudgetError || error instanceof BudgetCurrencyMismatchError) {
      return { committed: false, refusal: { reason: error.message, figures: error.extensions } };
    }
    throw error;
  }
}

export const handler = taskHandler(CommitBudgetTask, ({ requestId }) => commitBudget(requestId));
