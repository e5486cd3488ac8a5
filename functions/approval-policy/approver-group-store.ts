import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { requireEnv } from '../shared/config.js';
import type { Contact } from '../shared/contacts.js';
import { batchGetItems, documentClient, putVersioned, type TransactItem } from '../shared/db.js';

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

/** Creates or replaces a group with its audit event (see putVersioned). */
export async function saveApproverGroup(
  group: ApproverGroup,
  basedOn: number | undefined,
  alongside: TransactItem,
): Promise<void> {
  await putVersioned(
    referenceTableName,
    { ...approverGroupKey(group.name), ...group },
    basedOn,
    alongside,
    `Approver group ${group.name}`,
  );
}
