import type * as z from 'zod';
import { AddBudgetExceptionTask } from '../../workflows/approval-contracts.js';
import { loadApproverDirectory } from '../approval-policy/approver-directory.js';
import { currentApprovalPolicy } from '../approval-policy/policy-store.js';
import { factsOfRequest } from '../approval-policy/request-facts.js';
import { resolveBudgetExceptionStep } from '../approval-policy/resolve-chain.js';
import { exceptionRouteOpen } from '../budgets/exception-figures.js';
import { allows } from '../requests/lifecycle.js';
import { getRequestById } from '../requests/request-queries.js';
import { transitionOf } from '../requests/request-transitions.js';
import { chainApproved } from '../shared/approval-summary.js';
import { newAuditEvent, WORKFLOW_ACTOR } from '../shared/audit-event.js';
import { TaskInputError, taskHandler } from '../shared/task.js';
import { applyTaskTransition } from './task-transitions.js';

/**
 * The over-budget exception route: when the approved amount did not fit its line, the chain
 * gets one more step, for the approval policy's budget-exception approver, asked like any step
 * next. Not when the year is closed, has no envelope or keeps another currency (no transfer can
 * help), nor a second time (an exception step asked already): then the request settles
 * BUDGET_EXCEEDED. A retried task finds the step it added and answers it again.
 */
export async function addBudgetException(
  input: z.output<typeof AddBudgetExceptionTask>,
  now = new Date(),
): Promise<{ step: number | null }> {
  const request = await getRequestById(input.requestId);
  if (!request) throw new TaskInputError(`No request ${input.requestId}.`);
  const chain = request.approvalChain;
  const refusal = input.budget.refusal;
  if (!chain || !refusal || !allows(request.status, 'ADD_BUDGET_EXCEPTION')) return { step: null };
  const added = chain.steps.find((step) => step.kind === 'BUDGET_EXCEPTION');
  if (added) return { step: added.status === 'WAITING' ? added.step : null };
  if (!chainApproved(chain) || !(await exceptionRouteOpen(request))) return { step: null };

  const policy = await currentApprovalPolicy();
  const [directory, facts] = await Promise.all([
    loadApproverDirectory(policy.document),
    factsOfRequest(request),
  ]);
  const resolved = resolveBudgetExceptionStep(policy, facts, directory, chain.steps.length + 1);
  const step = {
    ...resolved,
    status: 'WAITING' as const,
    kind: 'BUDGET_EXCEPTION' as const,
    budgetRefusal: refusal,
  };
  const at = now.toISOString();
  const after = transitionOf(
    request,
    'ADD_BUDGET_EXCEPTION',
    { approvalChain: { ...chain, steps: [...chain.steps, step] } },
    at,
  );
  await applyTaskTransition(
    request,
    after,
    newAuditEvent(WORKFLOW_ACTOR, {
      entityType: 'REQUEST',
      entityId: request.id,
      action: 'BUDGET_EXCEPTION_ADDED',
      at,
      before: { status: request.status, version: request.version },
      after: {
        status: after.status,
        version: after.version,
        step: step.step,
        approvers: step.approvers,
        policyVersion: policy.version,
        figures: refusal.figures,
      },
      reason: refusal.reason,
    }),
  );
  return { step: step.step };
}

export const handler = taskHandler(AddBudgetExceptionTask, (input) => addBudgetException(input));
