import type * as z from 'zod';
import { RequestApprovalTask } from '../../workflows/approval-contracts.js';
import { getBusinessFunction } from '../reference-data/business-functions.js';
import { allows } from '../requests/lifecycle.js';
import type { ConsultancyRequest } from '../requests/model.js';
import { applyRequestTransition, StaleRequestError } from '../requests/request-commands.js';
import { getRequestById } from '../requests/request-queries.js';
import { transitionOf } from '../requests/request-transitions.js';
import { newAuditEvent, WORKFLOW_ACTOR } from '../shared/audit-event.js';
import { requireEnv } from '../shared/config.js';
import { sendEmail } from '../shared/email.js';
import { newId } from '../shared/ids.js';
import { taskHandler } from '../shared/task.js';
import { getApproval, putApproval } from './approval-store.js';
import { approvalRequestEmail } from './emails.js';
import { ConcurrentChangeError, RequestClosedError } from './errors.js';
import { type Approval, type ApprovalSubject, hashLinkSecret, linkTokenOf, newLinkSecret } from './model.js';

const publicBaseUrl = requireEnv('PUBLIC_BASE_URL');
/** The link expires when the workflow stops waiting. */
const approvalTimeoutSeconds = Number(requireEnv('APPROVAL_TIMEOUT_SECONDS'));

function subjectOf(request: ConsultancyRequest, businessFunctionName: string): ApprovalSubject {
  return {
    requestId: request.id,
    title: request.title,
    businessFunction: request.businessFunction,
    businessFunctionName,
    category: request.category,
    description: request.description,
    justification: request.justification,
    estimatedCost: request.estimatedCost,
    startDate: request.startDate,
    endDate: request.endDate,
    urgency: request.urgency,
    fiscalYear: request.fiscalYear,
    ...(request.preferredVendorId ? { preferredVendorId: request.preferredVendorId } : {}),
    ...(request.preferredVendorName ? { preferredVendorName: request.preferredVendorName } : {}),
    requester: request.requester,
  };
}

/**
 * Asks the approver for a decision: stores the pending approval with the workflow's task token
 * and the hash of a fresh link secret, moves the request to IN_APPROVAL (all in one
 * transaction), then emails the link. A retry of this task (new token) replaces the pending
 * approval's token and link, so only the newest email's link works.
 */
export async function requestApproval(
  input: z.output<typeof RequestApprovalTask>,
  now = new Date(),
): Promise<void> {
  const request = await getRequestById(input.requestId);
  if (!request) throw new ConcurrentChangeError(`Request ${input.requestId} is not readable yet.`);
  if (!allows(request.status, 'ASK_APPROVAL')) throw new RequestClosedError(request);
  // Delivered again (at least once) after the approver decided: the decision stands, and the
  // workflow's expiry path applies it if its answer never reaches the waiting task.
  if (request.approval && request.approval.status !== 'PENDING') return;
  const [businessFunction, earlier] = await Promise.all([
    getBusinessFunction(request.businessFunction),
    request.approval?.status === 'PENDING' ? getApproval(request.approval.id) : undefined,
  ]);
  const at = now.toISOString();
  const secret = newLinkSecret();
  const { approver } = input.assignment;
  const reassignedFrom = input.assignment.reassignedFrom ?? undefined;
  const approval: Approval = {
    id: earlier?.id ?? newId('approval', now.getTime()),
    requestId: request.id,
    approver,
    ...(reassignedFrom ? { reassignedFrom } : {}),
    status: 'PENDING',
    subject: subjectOf(request, businessFunction?.name ?? request.businessFunction),
    taskToken: input.taskToken,
    linkSecretHash: hashLinkSecret(secret),
    linkExpiresAt: new Date(now.getTime() + approvalTimeoutSeconds * 1000).toISOString(),
    requestedAt: earlier?.requestedAt ?? at,
    updatedAt: at,
    version: (earlier?.version ?? 0) + 1,
  };
  const after = transitionOf(
    request,
    'ASK_APPROVAL',
    {
      approval: {
        id: approval.id,
        approver,
        status: 'PENDING',
        requestedAt: approval.requestedAt,
        ...(reassignedFrom ? { reassignedFrom } : {}),
      },
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
      approvalId: approval.id,
      approver,
      ...(reassignedFrom ? { reassignedFrom } : {}),
      linkExpiresAt: approval.linkExpiresAt,
    },
    ...(reassignedFrom
      ? {
          reason: `${reassignedFrom.name} heads ${request.businessFunction} and is the requester (segregation of duties).`,
        }
      : {}),
  });
  try {
    await applyRequestTransition(request, after, event, [putApproval(approval, earlier)]);
  } catch (error) {
    if (error instanceof StaleRequestError) throw new ConcurrentChangeError(error.message);
    throw error;
  }
  const link = `${publicBaseUrl}/approvals/${linkTokenOf(approval.id, secret)}`;
  await sendEmail(
    approvalRequestEmail(approver, approval.subject, link, approval.linkExpiresAt, reassignedFrom),
  );
}

export const handler = taskHandler(RequestApprovalTask, (input) => requestApproval(input));
