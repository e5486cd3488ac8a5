import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { appendAuditEvent } from '../shared/audit.js';
import type { AuditEvent } from '../shared/audit-event.js';
import { requireEnv } from '../shared/config.js';
import { cancellationCodes, documentClient, isConditionFailure, type TransactItem } from '../shared/db.js';
import { throwIfRaceLost } from '../shared/idempotency.js';
import type { ConsultancyRequest } from './model.js';
import { requestItem } from './request-keys.js';
import { putRequestTransition } from './request-transitions.js';

/**
 * Writes to requests. Every change lands in one transaction with its audit event, and is
 * conditional: creation never overwrites, updates only apply to the version they were based on.
 */
const requestsTableName = requireEnv('REQUESTS_TABLE_NAME');

/**
 * Stores a new request with its audit event and whatever must land with it (the Idempotency-Key's
 * record): all or nothing.
 */
export async function insertRequest(
  request: ConsultancyRequest,
  event: AuditEvent,
  alongside: TransactItem[] = [],
): Promise<void> {
  const transactItems: TransactItem[] = [
    {
      Put: {
        TableName: requestsTableName,
        Item: requestItem(request),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    appendAuditEvent(event),
    ...alongside,
  ];
  try {
    await documentClient.send(new TransactWriteCommand({ TransactItems: transactItems }));
  } catch (error) {
    if (isConditionFailure(error)) throwIfRaceLost(transactItems, cancellationCodes(error));
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
