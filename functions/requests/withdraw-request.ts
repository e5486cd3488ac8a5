import middy from '@middy/core';
import { getApproval, putApproval } from '../approvals/approval-store.js';
import { type Approval, summaryOf } from '../approvals/model.js';
import { stopApprovalWorkflow } from '../approvals/workflow.js';
import { releaseCommitment } from '../budgets/commitments.js';
import { appendAuditEvent } from '../shared/audit.js';
import { newAuditEvent } from '../shared/audit-event.js';
import type { Caller } from '../shared/auth.js';
import { assertIfMatch } from '../shared/concurrency.js';
import { ChangedMeanwhileError } from '../shared/db.js';
import { ConflictError, PreconditionFailedError } from '../shared/errors.js';
import { type ApiEvent, apiMiddlewares, callerOf, json, parseJsonBody, validate } from '../shared/http.js';
import { formatMoney } from '../shared/money.js';
import { nextStatus } from './lifecycle.js';
import {
  type ConsultancyRequest,
  etagOf,
  personOf,
  RequestIdPath,
  toResource,
  WithdrawRequestBody,
} from './model.js';
import { assertMayWithdraw } from './policy.js';
import { applyRequestTransition, StaleRequestError } from './request-commands.js';
import { getRequestVisibleTo } from './request-queries.js';
import { putRequestTransition, transitionOf } from './request-transitions.js';

const notWithdrawable = (request: ConsultancyRequest) =>
  `The request is ${request.status} and can no longer be withdrawn.`;

/** How often a withdrawal without If-Match reads again after the workflow moved the request meanwhile. */
const ATTEMPTS_WITHOUT_IF_MATCH = 3;

/**
 * The requester takes back a request that is not yet decided, or approved (what was not
 * invoiced of its commitment is released, in the same transaction). Without If-Match the
 * caller means "whatever its version": a change by the workflow meanwhile (say, a decision) is
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
      if (!(error instanceof PreconditionFailedError) || ifMatch !== undefined) throw error;
      // No precondition was sent, so none failed: it kept changing under us.
      if (attempt >= ATTEMPTS_WITHOUT_IF_MATCH) {
        throw new ConflictError('The request kept changing while you were withdrawing it; try again.');
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
  nextStatus(before, 'WITHDRAW', notWithdrawable(before));
  assertIfMatch(ifMatch, before, 'request');
  const at = now.toISOString();
  // A pending approval is voided in the same transaction: its link stops working at once.
  const pending = before.approval?.status === 'PENDING' ? await getApproval(before.approval.id) : undefined;
  const voided: Approval | undefined =
    pending?.status === 'PENDING'
      ? { ...pending, status: 'VOIDED', updatedAt: at, version: pending.version + 1 }
      : undefined;
  const after = transitionOf(
    before,
    'WITHDRAW',
    { withdrawal: { at, by: personOf(caller), reason }, ...(voided ? { approval: summaryOf(voided) } : {}) },
    at,
  );
  const event = (releasedMinor?: number) =>
    newAuditEvent(caller, {
      entityType: 'REQUEST',
      entityId: id,
      action: 'REQUEST_WITHDRAWN',
      at,
      before: { status: before.status, version: before.version },
      after: {
        status: after.status,
        version: after.version,
        ...(releasedMinor !== undefined
          ? { released: formatMoney({ minor: releasedMinor, currency: before.estimatedCost.currency }) }
          : {}),
      },
      reason,
    });
  const alongside = voided ? [putApproval(voided, pending)] : [];
  try {
    // An approved request gives back what was not invoiced, in the withdrawal's own transaction.
    const release =
      before.status === 'APPROVED'
        ? await releaseCommitment(
            before,
            personOf(caller),
            `Request withdrawn: ${reason}`,
            now,
            (released) => [
              putRequestTransition(before, after),
              appendAuditEvent(event(released)),
              ...alongside,
            ],
          )
        : undefined;
    if (release?.outcome !== 'RELEASED') await applyRequestTransition(before, after, event(), alongside);
  } catch (error) {
    if (!(error instanceof StaleRequestError || error instanceof ChangedMeanwhileError)) throw error;
    // Someone else changed it first (the approver decided, an invoice landed): say what it is now.
    const current = await getRequestVisibleTo(caller, id);
    nextStatus(current, 'WITHDRAW', notWithdrawable(current));
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
