import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { type AuditEvent, AuditEventResource, type AuditedEntity } from './audit-event.js';
import { requireEnv } from './config.js';
import { documentClient, type TransactItem } from './db.js';
import { type Page, queryPage } from './pagination.js';

/**
 * The append-only audit trail: every change to a request, approval, budget or vendor
 * appends one event. Events are written with a create-only condition and never updated.
 */
const auditTableName = requireEnv('AUDIT_TABLE_NAME');

const partitionOf = (entityType: AuditedEntity, entityId: string) => `${entityType}#${entityId}`;

/** The transaction item that appends an event, so that it lands with the change it describes. */
export function appendAuditEvent(event: AuditEvent): TransactItem {
  return {
    Put: {
      TableName: auditTableName,
      Item: { pk: partitionOf(event.entityType, event.entityId), sk: event.eventId, ...event },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** Appends an event on its own: for an attempt that is refused and so changes nothing else. */
export async function recordAuditEvent(event: AuditEvent): Promise<void> {
  await documentClient.send(new PutCommand(appendAuditEvent(event).Put!));
}

/** An entity's events, oldest first. */
export async function listAuditEventsOfEntity(
  entityType: AuditedEntity,
  entityId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<AuditEvent>> {
  const pk = partitionOf(entityType, entityId);
  const result = await queryPage({
    input: {
      TableName: auditTableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ScanIndexForward: true,
    },
    keyAttributes: ['pk', 'sk'],
    partition: { attribute: 'pk', value: pk },
    ...page,
  });
  return {
    ...result,
    // Parsing drops storage keys and gives every event the same field order.
    items: result.items.map((item) => AuditEventResource.parse(item) as AuditEvent),
  };
}
