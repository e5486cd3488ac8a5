import middy from '@middy/core';
import { getApproval, putApproval } from '../approvals/approval-store.js';
import type { Approval } from '../approvals/model.js';
import { stopApprovalWorkflow } from '../approvals/workflow.js';
import { releaseCommitment } from '../budgets/commitments.js';
import { newAuditEvent } from '../shared/audit-event.js';
import type { Caller } from '../shared/auth.js';
import { assertIfMatch } from '../shared/concurrency.js';
import { ConflictError, PreconditionFailedError } from '../shared/errors.js';
import { type ApiEvent, apiMiddlewares, callerOf, json, parseJsonBody, validate } from '../shared/http.js';
import { formatMoney } from '../shared/money.js';
import {
  type ConsultancyRequest,
  etagOf,
  personOf,
  RequestIdPath,
  type RequestStatus,
  toResource,
  UNDECIDED_STATUSES,
  WithdrawRequestBody,
} from './model.js';
import { assertMayWithdraw } from './policy.js';
import { StaleRequestError, updateRequest } from './request-commands.js';
import { getRequestVisibleTo } from './request-queries.js';

/** Undecided, or approved: withdrawing an approved request gives its commitment back to the budget. */
const WITHDRAWABLE_STATUSES: readonly RequestStatus[] = [...UNDECIDED_STATUSES, 'APPROVED'];

function assertWithdrawable(request: ConsultancyRequest): void {
  if (!WITHDRAWABLE_STATUSES.includes(request.status)) {
    throw new ConflictError(`The request is ${request.status} and can no longer be withdrawn.`, {
      currentStatus: request.status,
    });
  }
}

/** How often a withdrawal without If-Match reads again after the workflow moved the request meanwhile. */
const ATTEMPTS_WITHOUT_IF_MATCH = 3;

/**
 * The requester takes back a request that is not yet decided, or approved (its commitment is
 * released). Without If-Match the caller
 * means "whatever its version": a change by the workflow meanwhile (say, to IN_APPROVAL) is
 * read again and withdrawn, rather than refused.
 */
export async function withdrawRequest(
  caller: Caller,
  id: string,
  reason: string,
  ifMatch: string | undefined,
  now = new Date(),
): Promise<ConsultancyRequest> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await withdrawOnce(caller, id, reason, ifMatch, now);
    } catch (error) {
      if (
        !(error instanceof PreconditionFailedError) ||
        ifMatch !== undefined ||
        attempt >= ATTEMPTS_WITHOUT_IF_MATCH
      ) {
        throw error;
      }
    }
  }
}

async function withdrawOnce(
  caller: Caller,
  id: string,
  reason: string,
  ifMatch: string | undefined,
  now: Date,
): Promise<ConsultancyRequest> {
  const before = await getRequestVisibleTo(caller, id);
  assertMayWithdraw(caller, before);
  assertWithdrawable(before);
  assertIfMatch(ifMatch, before, 'request');
  const at = now.toISOString();
  // A pending approval is voided in the same transaction: its link stops working at once.
  const pending = before.approval?.status === 'PENDING' ? await getApproval(before.approval.id) : undefined;
  const voided: Approval | undefined =
    pending?.status === 'PENDING'
      ? { ...pending, status: 'VOIDED', updatedAt: at, version: pending.version + 1 }
      : undefined;
  const after: ConsultancyRequest = {
    ...before,
    status: 'WITHDRAWN',
    withdrawal: { at, by: personOf(caller), reason },
    ...(before.approval && voided ? { approval: { ...before.approval, status: 'VOIDED' } } : {}),
    updatedAt: at,
    version: before.version + 1,
  };
  // The unused part of an approved request's commitment goes back first (idempotent per
  // request, so a withdrawal retried after a refused write never releases twice).
  const release =
    before.status === 'APPROVED'
      ? await releaseCommitment(before, personOf(caller), `Request withdrawn: ${reason}`, now)
      : undefined;
  const event = newAuditEvent(caller, {
    entityType: 'REQUEST',
    entityId: id,
    action: 'REQUEST_WITHDRAWN',
    at,
    before: { status: before.status, version: before.version },
    after: {
      status: after.status,
      version: after.version,
      ...(release
        ? { released: formatMoney({ minor: release.releasedMinor, currency: before.estimatedCost.currency }) }
        : {}),
    },
    reason,
  });
  try {
    await updateRequest(before, after, [before.status], event, voided ? [putApproval(voided, pending)] : []);
  } catch (error) {
    if (!(error instanceof StaleRequestError)) throw error;
    // Someone else changed it first (or the approver decided): say what it is now.
    assertWithdrawable(await getRequestVisibleTo(caller, id));
    const approval = before.approval ? await getApproval(before.approval.id) : undefined;
    if (approval?.decision) {
      throw new ConflictError(
        `${approval.decision.decidedBy.name} has just ${approval.decision.outcome.toLowerCase()} this request; read it again in a moment (an approved request can still be withdrawn).`,
        { approvalStatus: approval.status },
      );
    }
    throw new PreconditionFailedError(
      'The request changed while you were withdrawing it; read it and try again.',
    );
  }
  if (before.executionArn && before.status !== 'APPROVED')
    await stopApprovalWorkflow(before.executionArn, `Withdrawn by ${caller.name}: ${reason}`);
  return after;
}

export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    const { id } = validate(RequestIdPath, event.pathParameters);
    const { reason } = parseJsonBody(event, WithdrawRequestBody);
    const request = await withdrawRequest(caller, id, reason, event.headers['if-match']);
    return json(200, toResource(request), { etag: etagOf(request) });
  });
