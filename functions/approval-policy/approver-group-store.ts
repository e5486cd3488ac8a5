import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { requireEnv } from '../shared/config.js';
import type { Contact } from '../shared/contacts.js';
import {
  batchGetItems,
  documentClient,
  type TransactItem,
  transactOrChangedMeanwhile,
} from '../shared/db.js';

/** Approver groups are reference data: a named list of people, any one of whom decides a group step. */
const referenceTableName = requireEnv('REFERENCE_TABLE_NAME');

export const APPROVER_GROUP_PARTITION = 'APPROVER_GROUP';
export const approverGroupKey = (name: string) => ({ pk: APPROVER_GROUP_PARTITION, sk: name });

export interface ApproverGroup {
  name: string;
  description?: string;
  members: Contact[];
  version: number;
  updatedAt: string;
  updatedBy: { sub: string; name: string; email: string };
}

function fromItem(item: Record<string, unknown>): ApproverGroup {
  const { name, description, members, version, updatedAt, updatedBy } = item as unknown as ApproverGroup;
  return { name, ...(description ? { description } : {}), members, version, updatedAt, updatedBy };
}

export async function getApproverGroup(name: string): Promise<ApproverGroup | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: referenceTableName, Key: approverGroupKey(name), ConsistentRead: true }),
  );
  return Item ? fromItem(Item) : undefined;
}

/** The named groups that exist (missing ones left out). */
export async function getApproverGroups(names: readonly string[]): Promise<ApproverGroup[]> {
  const items = await batchGetItems(referenceTableName, [...new Set(names)].map(approverGroupKey));
  return items.map(fromItem);
}

/**
 * Creates or replaces a group in one transaction with `alongside` (its audit event): create-only
 * when `basedOn` is undefined, else only over that version. ChangedMeanwhileError when it moved.
 */
export async function saveApproverGroup(
  group: ApproverGroup,
  basedOn: number | undefined,
  alongside: TransactItem,
): Promise<void> {
  const condition =
    basedOn === undefined
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : { ConditionExpression: 'version = :basedOn', ExpressionAttributeValues: { ':basedOn': basedOn } };
  await transactOrChangedMeanwhile(
    [
      {
        Put: {
          TableName: referenceTableName,
          Item: { ...approverGroupKey(group.name), ...group },
          ...condition,
        },
      },
      alongside,
    ],
    `Approver group ${group.name}`,
  );
}
