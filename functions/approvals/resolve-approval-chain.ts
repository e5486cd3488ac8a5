import { ResolveApprovalChainTask } from '../../workflows/approval-contracts.js';
import { loadApproverDirectory } from '../approval-policy/approver-directory.js';
import type { ResolvedChain } from '../approval-policy/model.js';
import { currentApprovalPolicy } from '../approval-policy/policy-store.js';
import { factsOfRequest } from '../approval-policy/request-facts.js';
import { resolveApprovalChain } from '../approval-policy/resolve-chain.js';
import type { ConsultancyRequest } from '../requests/model.js';
import { getRequestById } from '../requests/request-queries.js';
import { TaskInputError, taskHandler } from '../shared/task.js';

/**
 * Resolves the request's approval chain from the policy in force: the first matching rule's
 * steps, with segregation of duties and skip-repeat applied. The workflow hands it to the first
 * step, which stores it on the request: from then on a new policy never changes this chain.
 * A chain nobody may decide (NoEligibleApproverError) is a data problem, never retried.
 */
export async function resolveRequestChain(request: ConsultancyRequest): Promise<ResolvedChain> {
  const policy = await currentApprovalPolicy();
  const [directory, facts] = await Promise.all([
    loadApproverDirectory(policy.document),
    factsOfRequest(request),
  ]);
  return resolveApprovalChain(policy, facts, directory);
}

/**
 * The chain to ask and the step to begin with: step 1 of the chain resolved now, or, when a
 * resubmission after a send-back goes on with the stored chain, that chain (never resolved
 * again: no policy published since changes it) from its first step still to decide.
 */
export async function chainToAsk(
  request: ConsultancyRequest,
): Promise<{ chain: ResolvedChain; firstStep: number }> {
  const stored = request.approvalChain;
  const waiting = stored?.steps.find((step) => step.status === 'WAITING' || step.status === 'PENDING');
  if (stored && waiting) return { chain: stored, firstStep: waiting.step };
  return { chain: await resolveRequestChain(request), firstStep: 1 };
}

export const handler = taskHandler(ResolveApprovalChainTask, async ({ requestId }) => {
  const request = await getRequestById(requestId);
  if (!request) throw new TaskInputError(`No request ${requestId}.`);
  return chainToAsk(request);
});
