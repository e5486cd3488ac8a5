import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { requireEnv } from '../shared/config.js';
import { documentClient, entityOf, putVersioned, type TransactItem } from '../shared/db.js';
import { everyPage, type Page, queryPage } from '../shared/pagination.js';
import type { InternalCapability } from './model.js';

/** Internal capabilities are reference data: one partition of the reference table, sorted by id. */
const referenceTableName = requireEnv('REFERENCE_TABLE_NAME');

export const INTERNAL_CAPABILITY_PARTITION = 'INTERNAL_CAPABILITY';
const internalCapabilityKey = (id: string) => ({ pk: INTERNAL_CAPABILITY_PARTITION, sk: id });

const STORAGE_ATTRIBUTES = new Set(['pk', 'sk']);
const fromItem = (item: Record<string, unknown>) => entityOf<InternalCapability>(item, STORAGE_ATTRIBUTES);

export async function getInternalCapability(id: string): Promise<InternalCapability | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: referenceTableName, Key: internalCapabilityKey(id), ConsistentRead: true }),
  );
  return Item ? fromItem(Item) : undefined;
}

export async function listInternalCapabilities(page: {
  limit: number;
  cursor?: string | undefined;
}): Promise<Page<InternalCapability>> {
  const result = await queryPage({
    input: {
      TableName: referenceTableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': INTERNAL_CAPABILITY_PARTITION },
    },
    keyAttributes: ['pk', 'sk'],
    partition: { attribute: 'pk', value: INTERNAL_CAPABILITY_PARTITION },
    ...page,
  });
  return { ...result, items: result.items.map(fromItem) };
}

/**
 * Every internal capability (a few dozen teams at most: one page, one round trip), for the
 * assessment, which picks those covering a request's category.
 */
export function listAllInternalCapabilities(): Promise<InternalCapability[]> {
  return everyPage(listInternalCapabilities);
}

/** Creates or replaces an internal capability with its audit event (see putVersioned). */
export async function saveInternalCapability(
  capability: InternalCapability,
  basedOn: number | undefined,
  alongside: TransactItem,
): Promise<void> {
  await putVersioned(
    referenceTableName,
    { ...internalCapabilityKey(capability.id), ...capability },
    basedOn,
    alongside,
    `Internal capability ${capability.id}`,
  );
}
