import { requireEnv } from '../shared/config.js';
import type { TransactItem } from '../shared/db.js';
import { nextStatus, type RequestEvent } from './lifecycle.js';
import type { ConsultancyRequest } from './model.js';
import { requestItem, requestKey } from './request-keys.js';

/**
 * The writes of the request lifecycle (lifecycle.ts) as transaction items, for the capabilities
 * whose changes must land with a request's (a commitment, an invoice). Needs only the Requests
 * table.
 */
const requestsTableName = requireEnv('REQUESTS_TABLE_NAME');

/**
 * A request after one event of its life (lifecycle.ts): the new status, the changes, the next
 * version. Throws RequestTransitionError (409) when its status does not allow the event.
 */
export function transitionOf(
  before: ConsultancyRequest,
  event: RequestEvent,
  changes: Partial<ConsultancyRequest>,
  at: string,
): ConsultancyRequest {
  return {
    ...before,
    ...changes,
    status: nextStatus(before, event),
    updatedAt: at,
    version: before.version + 1,
  };
}

const stillAt = (before: ConsultancyRequest) => ({
  ConditionExpression: 'version = :version AND #status = :status',
  ExpressionAttributeNames: { '#status': 'status' },
  ExpressionAttributeValues: { ':version': before.version, ':status': before.status },
});

/**
 * The write of a transition, for a transaction: the request as `after`, only if it is still at
 * the status and version it was read at.
 */
export function putRequestTransition(before: ConsultancyRequest, after: ConsultancyRequest): TransactItem {
  return {
    Put: {
      TableName: requestsTableName,
      Item: requestItem(after),
      ...stillAt(before),
    },
  };
}

/** For changes beside a request that need it unchanged (an invoice needs it still APPROVED). */
export function checkRequestUnchanged(
  request: ConsultancyRequest,
  event: RequestEvent,
  refusal?: string,
): TransactItem {
  nextStatus(request, event, refusal);
  return {
    ConditionCheck: { TableName: requestsTableName, Key: requestKey(request.id), ...stillAt(request) },
  };
}
