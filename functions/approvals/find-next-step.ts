import type * as z from 'zod';
import { FindNextStepTask, type NextStep } from '../../workflows/approval-contracts.js';
import { getRequestById } from '../requests/request-queries.js';
import { nextStepToAsk } from '../shared/approval-summary.js';
import { TaskInputError, taskHandler } from '../shared/task.js';

/**
 * After a step's wait ends (its decision, or its timeout): the step to ask next when the current
 * one approved and a later one waits, else null (the chain is done: commit and settle); and
 * whether its approver sent it back to its requester (this round ends there). Read from
 * the request, where the decision landed with the chain, so a decision that never reached the
 * waiting task (it timed out a moment earlier) still moves the chain on.
 */
export async function findNextStep(requestId: string): Promise<z.output<typeof NextStep>> {
  const request = await getRequestById(requestId);
  if (!request) throw new TaskInputError(`No request ${requestId}.`);
  const chain = request.status === 'IN_APPROVAL' ? request.approvalChain : undefined;
  return { step: (chain && nextStepToAsk(chain)) ?? null, sentBack: request.status === 'CHANGES_REQUESTED' };
}

export const handler = taskHandler(FindNextStepTask, ({ requestId }) => findNextStep(requestId));
