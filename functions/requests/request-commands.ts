import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { appendAuditEvent } from '../shared/audit.js';
import type { AuditEvent } from '../shared/audit-event.js';
import { requireEnv } from '../shared/config.js';
import { cancellationCodes, documentClient, isConditionFailure, type TransactItem } from '../shared/db.js';
import { IDEMPOTENCY_TTL_SECONDS } from '../shared/fingerprint.js';
import type { ConsultancyRequest } from './model.js';
import { requestKey } from './request-queries.js';
import { putRequestTransition } from './request-transitions.js';

/**
 * Writes to requests. Every change lands in one transaction with its audit event, and is
 * conditional: creation never overwrites, updates only apply to the version they were based on.
 */
const requestsTableName = requireEnv('REQUESTS_TABLE_NAME');

export interface IdempotentResponse {
  statusCode: number;
  body: unknown;
}

export interface IdempotencyClaim {
  callerSub: string;
  key: string;
  fingerprint: string;
}

const idempotencyKey = (claim: Pick<IdempotencyClaim, 'callerSub' | 'key'>) => ({
  pk: `IDEMPOTENCY#${claim.callerSub}#${claim.key}`,
  sk: 'IDEMPOTENCY',
});

export { fingerprintOf } from '../shared/fingerprint.js';

export async function findIdempotentResponse(
  claim: Pick<IdempotencyClaim, 'callerSub' | 'key'>,
): Promise<{ fingerprint: string; response: IdempotentResponse } | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: requestsTableName, Key: idempotencyKey(claim), ConsistentRead: true }),
  );
  if (!Item || Number(Item.expiresAt) * 1000 < Date.now()) return undefined;
  return { fingerprint: String(Item.fingerprint), response: Item.response as IdempotentResponse };
}

export class IdempotencyRaceError extends Error {
  constructor() {
    super('Another call with the same Idempotency-Key completed first');
    this.name = 'IdempotencyRaceError';
  }
}

/**
 * Stores a new request with its audit event and, when the caller sent an Idempotency-Key,
 * the response to replay: all or nothing.
 */
export async function insertRequest(
  request: ConsultancyRequest,
  event: AuditEvent,
  idempotency?: { claim: IdempotencyClaim; response: IdempotentResponse },
): Promise<void> {
  const transactItems: TransactItem[] = [
    {
      Put: {
        TableName: requestsTableName,
        Item: { ...requestKey(request.id), entity: 'REQUEST', ...request },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    appendAuditEvent(event),
  ];
  if (idempotency) {
    transactItems.push({
      Put: {
        TableName: requestsTableName,
        Item: {
          ...idempotencyKey(idempotency.claim),
          fingerprint: idempotency.claim.fingerprint,
          requestId: request.id,
          response: idempotency.response,
          expiresAt: Math.floor(Date.now() / 1000) + IDEMPOTENCY_TTL_SECONDS,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
  }
  try {
    await documentClient.send(new TransactWriteCommand({ TransactItems: transactItems }));
  } catch (error) {
    if (
      idempotency &&
      isConditionFailure(error) &&
      cancellationCodes(error)[2] === 'ConditionalCheckFailed'
    ) {
      throw new IdempotencyRaceError();
    }
    throw error;
  }
}

export class StaleRequestError extends Error {
  constructor() {
    super('The request changed since it was read');
    this.name = 'StaleRequestError';
  }
}

/**
 * Applies a transition with its audit event and whatever must change with it (its approval),
 * all or nothing.
 *
 * @throws StaleRequestError when the request changed since `before` was read.
 */
export async function applyRequestTransition(
  before: ConsultancyRequest,
  after: ConsultancyRequest,
  event: AuditEvent,
  alongside: TransactItem[] = [],
): Promise<void> {
  try {
    await documentClient.send(
      new TransactWriteCommand({
        TransactItems: [putRequestTransition(before, after), appendAuditEvent(event), ...alongside],
      }),
    );
  } catch (error) {
    if (isConditionFailure(error)) throw new StaleRequestError();
    throw error;
  }
}
