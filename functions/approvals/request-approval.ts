import type * as z from 'zod';
import { RequestApprovalTask } from '../../workflows/approval-contracts.js';
import { DEFAULT_FOLLOW_UP } from '../approval-policy/model.js';
import { getBusinessFunction } from '../reference-data/business-functions.js';
import { allows } from '../requests/lifecycle.js';
import { getRequestById } from '../requests/request-queries.js';
import { transitionOf } from '../requests/request-transitions.js';
import {
  type ApprovalChainStepType,
  type RequestApprovalChainType,
  stepOf,
  withStep,
} from '../shared/approval-summary.js';
import { newAuditEvent, WORKFLOW_ACTOR } from '../shared/audit-event.js';
import { requireEnv } from '../shared/config.js';
import type { Contact } from '../shared/contacts.js';
import { sameEmail } from '../shared/contacts.js';
import { sendEmail } from '../shared/email.js';
import { newId } from '../shared/ids.js';
import { taskHandler } from '../shared/task.js';
import { getApprovals, putApproval } from './approval-store.js';
import { routeToDelegates } from './delegation-routing.js';
import { approvalRequestEmail, decidedEarlierLines } from './emails.js';
import { ChainOrderError, ConcurrentChangeError, RequestClosedError } from './errors.js';
import { newFollowUp } from './follow-up.js';
import {
  type Approval,
  type ApprovalFollowUp,
  hashLinkSecret,
  linkTokenOf,
  newLinkSecret,
  subjectOf,
} from './model.js';
import { applyTaskTransition } from './task-transitions.js';

const publicBaseUrl = requireEnv('PUBLIC_BASE_URL');
/** The link expires when the workflow stops waiting. */
const approvalTimeoutSeconds = Number(requireEnv('APPROVAL_TIMEOUT_SECONDS'));

type Input = z.output<typeof RequestApprovalTask>;

/** The resolved chain as the request keeps it: every step waiting, except those skipped. */
function chainToStore(resolved: Input['chain']): RequestApprovalChainType {
  return {
    ...resolved,
    currentStep: 1,
    steps: resolved.steps.map((step) => ({ ...step, status: step.skippedReason ? 'SKIPPED' : 'WAITING' })),
  };
}

/** The chain runs in order: the first earlier step that has not approved, if any. */
const openEarlierStep = (chain: RequestApprovalChainType, step: number) =>
  chain.steps.find(
    (candidate) => candidate.step < step && candidate.status !== 'APPROVED' && candidate.status !== 'SKIPPED',
  );

/**
 * The reminders and escalation of the step's approvals, from the chain's timings (chains
 * resolved before follow-ups existed: the defaults, without escalation). The escalation goes
 * to whoever of the step's escalation approvers is not asked already.
 */
function followUpOf(
  chain: RequestApprovalChainType,
  step: ApprovalChainStepType,
  approvers: Contact[],
  now: Date,
): Promise<ApprovalFollowUp> {
  const escalateTo = (step.escalationApprovers ?? []).filter(
    (person) => !approvers.some((approver) => sameEmail(approver.email, person.email)),
  );
  return newFollowUp(chain.followUp ?? DEFAULT_FOLLOW_UP, escalateTo, now);
}

/**
 * Asks one step of the request's approval chain: stores a pending approval for each of the
 * step's approvers (one, or every member of a group) with the workflow's task token and the
 * hash of a fresh link secret, and moves the request (IN_APPROVAL, the chain at this step), all
 * in one transaction; then emails each approver their own link. The first step also stores the
 * resolved chain, so a policy published later never changes it. A retry of this task (new
 * token) replaces the pending approvals' token and links, so only the newest emails' links work.
 */
export async function requestApproval(input: Input, now = new Date()): Promise<void> {
  const request = await getRequestById(input.requestId);
  if (!request) throw new ConcurrentChangeError(`Request ${input.requestId} is not readable yet.`);
  if (!allows(request.status, 'ASK_APPROVAL')) throw new RequestClosedError(request);
  const chain = request.approvalChain ?? chainToStore(input.chain);
  const step = stepOf(chain, input.step);
  // Delivered again (at least once) after the step was decided: the decision stands, and the
  // workflow's next step finds it even if its answer never reached the waiting task.
  if (step.status !== 'WAITING' && step.status !== 'PENDING') return;
  const open = openEarlierStep(chain, step.step);
  if (open) throw new ChainOrderError(request.id, step.step, open.step);

  // A step asked for the first time goes to the delegates of approvers who delegated; a re-ask keeps whom it asked.
  const [businessFunction, earlier, routed] = await Promise.all([
    getBusinessFunction(request.businessFunction),
    step.status === 'PENDING' ? getApprovals(step.approvalIds ?? []) : [],
    step.status === 'WAITING' ? routeToDelegates(step, request.requester, now) : step,
  ]);
  const at = now.toISOString();
  const subject = subjectOf(request, businessFunction?.name ?? request.businessFunction);
  const linkExpiresAt = new Date(now.getTime() + approvalTimeoutSeconds * 1000).toISOString();
  const followUp = await followUpOf(chain, step, routed.approvers, now);
  const asked = routed.approvers.map((approver) => {
    const before = earlier.find((approval) => sameEmail(approval.approver.email, approver.email));
    const delegation = routed.delegations?.find((one) => sameEmail(one.to.email, approver.email));
    const secret = newLinkSecret();
    const approval: Approval = {
      id: before?.id ?? newId('approval', now.getTime()),
      requestId: request.id,
      step: { number: step.step, of: chain.steps.length, name: step.name },
      ...(step.group ? { group: step.group } : {}),
      ...(step.kind ? { kind: step.kind } : {}),
      approver,
      ...(step.reassignedFrom ? { reassignedFrom: step.reassignedFrom } : {}),
      ...(delegation ? { onBehalfOf: delegation.from, delegationId: delegation.delegationId } : {}),
      status: 'PENDING',
      subject,
      taskToken: input.taskToken,
      linkSecretHash: hashLinkSecret(secret),
      linkExpiresAt,
      // A re-ask keeps the reminders sent and the deadline: the approver has waited since the first ask.
      followUp: before?.followUp ?? followUp,
      requestedAt: before?.requestedAt ?? at,
      updatedAt: at,
      version: (before?.version ?? 0) + 1,
    };
    return { approval, before, link: `${publicBaseUrl}/approvals/${linkTokenOf(approval.id, secret)}` };
  });
  const approvalIds = asked.map(({ approval }) => approval.id);
  const after = transitionOf(
    request,
    'ASK_APPROVAL',
    {
      approvalChain: withStep(
        chain,
        step.step,
        {
          status: 'PENDING',
          approvers: routed.approvers,
          ...(routed.delegations ? { delegations: routed.delegations } : {}),
          approvalIds,
          requestedAt: step.requestedAt ?? at,
        },
        step.step,
      ),
      executionArn: input.executionArn,
    },
    at,
  );
  const event = newAuditEvent(WORKFLOW_ACTOR, {
    entityType: 'REQUEST',
    entityId: request.id,
    action: 'APPROVAL_REQUESTED',
    at,
    before: { status: request.status, version: request.version },
    after: {
      status: after.status,
      version: after.version,
      step: step.step,
      approvalIds,
      approvers: routed.approvers,
      ...(routed.delegations ? { delegations: routed.delegations } : {}),
      ...(step.group ? { group: step.group } : {}),
      ...(step.reassignedFrom ? { reassignedFrom: step.reassignedFrom } : {}),
      ...(step.step === 1 ? { policyVersion: chain.policyVersion, rule: chain.rule } : {}),
      linkExpiresAt,
    },
    ...(step.reassignedReason ? { reason: step.reassignedReason } : {}),
  });
  await applyTaskTransition(
    request,
    after,
    event,
    asked.map(({ approval, before }) => putApproval(approval, before)),
  );
  await Promise.all(
    asked.map(({ approval, link }) =>
      sendEmail(
        approvalRequestEmail(approval, link, {
          decidedEarlier: decidedEarlierLines(chain, step.step),
          ...(step.reassignedReason ? { reassignedReason: step.reassignedReason } : {}),
          ...(step.budgetRefusal ? { budgetRefusal: step.budgetRefusal } : {}),
        }),
      ),
    ),
  );
}

export const handler = taskHandler(RequestApprovalTask, (input) => requestApproval(input));
