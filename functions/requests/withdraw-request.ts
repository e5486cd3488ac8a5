import middy from '@middy/core';
import { newAuditEvent } from '../shared/audit-event.js';
import type { Caller } from '../shared/auth.js';
import { assertIfMatch } from '../shared/concurrency.js';
import { ConflictError, PreconditionFailedError } from '../shared/errors.js';
import { type ApiEvent, apiMiddlewares, callerOf, json, parseJsonBody, validate } from '../shared/http.js';
import {
  type ConsultancyRequest,
  etagOf,
  personOf,
  RequestIdPath,
  toResource,
  UNDECIDED_STATUSES,
  WithdrawRequestBody,
} from './model.js';
import { assertMayWithdraw } from './policy.js';
import { StaleRequestError, updateRequest } from './request-commands.js';
import { getRequestVisibleTo } from './request-queries.js';

function assertUndecided(request: ConsultancyRequest): void {
  if (!UNDECIDED_STATUSES.includes(request.status)) {
    throw new ConflictError(`The request is ${request.status} and can no longer be withdrawn.`, {
      currentStatus: request.status,
    });
  }
}

/** The requester takes back a request that is not yet decided. */
export async function withdrawRequest(
  caller: Caller,
  id: string,
  reason: string,
  ifMatch: string | undefined,
  now = new Date(),
): Promise<ConsultancyRequest> {
  const before = await getRequestVisibleTo(caller, id);
  assertMayWithdraw(caller, before);
  assertUndecided(before);
  assertIfMatch(ifMatch, before, 'request');
  const at = now.toISOString();
  const after: ConsultancyRequest = {
    ...before,
    status: 'WITHDRAWN',
    withdrawal: { at, by: personOf(caller), reason },
    updatedAt: at,
    version: before.version + 1,
  };
  const event = newAuditEvent(caller, {
    entityType: 'REQUEST',
    entityId: id,
    action: 'REQUEST_WITHDRAWN',
    at,
    before: { status: before.status, version: before.version },
    after: { status: after.status, version: after.version },
    reason,
  });
  try {
    await updateRequest(before, after, UNDECIDED_STATUSES, event);
  } catch (error) {
    if (!(error instanceof StaleRequestError)) throw error;
    // Someone else changed it first: say what it is now.
    assertUndecided(await getRequestVisibleTo(caller, id));
    throw new PreconditionFailedError(
      'The request changed while you were withdrawing it; read it and try again.',
    );
  }
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
