import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { requireEnv } from '../shared/config.js';
import { normalizedEmail } from '../shared/contacts.js';
import { documentClient, entityOf, type TransactItem } from '../shared/db.js';
import { type Page, queryPage } from '../shared/pagination.js';
import type { Delegation } from './delegation-model.js';

/**
 * Delegations live in the approvals table, three items each, written together: one under
 * `DELEGATIONS` (every delegation, newest first: the admin's list and reads by id) and one in
 * each person's partition `DELEGATIONS_OF#<email>` (what they delegate and what they receive).
 * Each person's partition also holds a `HEAD` item whose version every delegation write of that
 * person moves: two delegations racing over a common person cannot both pass the rules.
 */
const approvalsTableName = requireEnv('APPROVALS_TABLE_NAME');

const ALL = 'DELEGATIONS';
const personPartition = (email: string) => `DELEGATIONS_OF#${normalizedEmail(email)}`;
const sortKey = (id: string) => `DELEGATION#${id}`;
const HEAD = 'HEAD';
const STORAGE_ATTRIBUTES = new Set(['pk', 'sk']);

const delegationOf = (item: Record<string, unknown>) => entityOf<Delegation>(item, STORAGE_ATTRIBUTES);

/** A person's delegation writes so far: the version their next write must find. */
export async function delegationHeadOf(email: string): Promise<number> {
  const { Item } = await documentClient.send(
    new GetCommand({
      TableName: approvalsTableName,
      Key: { pk: personPartition(email), sk: HEAD },
      ConsistentRead: true,
    }),
  );
  return (Item?.version as number | undefined) ?? 0;
}

export async function getDelegation(id: string): Promise<Delegation | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({
      TableName: approvalsTableName,
      Key: { pk: ALL, sk: sortKey(id) },
      ConsistentRead: true,
    }),
  );
  return Item ? delegationOf(Item) : undefined;
}

/** Every delegation, newest first (admin). */
export async function listDelegations(page: {
  limit: number;
  cursor?: string | undefined;
}): Promise<Page<Delegation>> {
  const result = await queryPage({
    input: {
      TableName: approvalsTableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': ALL },
      ScanIndexForward: false,
    },
    keyAttributes: ['pk', 'sk'],
    partition: { attribute: 'pk', value: ALL },
    ...page,
  });
  return { ...result, items: result.items.map(delegationOf) };
}

/** A person's delegations, as delegator and as delegate, newest first. */
export async function listDelegationsOf(
  email: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<Delegation>> {
  const pk = personPartition(email);
  const result = await queryPage({
    input: {
      TableName: approvalsTableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :delegation)',
      ExpressionAttributeValues: { ':pk': pk, ':delegation': 'DELEGATION#' },
      ScanIndexForward: false,
    },
    keyAttributes: ['pk', 'sk'],
    partition: { attribute: 'pk', value: pk },
    ...page,
  });
  return { ...result, items: result.items.map(delegationOf) };
}

/**
 * A person's delegations that have not ended by `after`, read consistently: what the rules and
 * the routing of a step look at. Ended ones are skipped on the server.
 */
export async function delegationsOfEndingAfter(email: string, after: string): Promise<Delegation[]> {
  const items: Delegation[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient.send(
      new QueryCommand({
        TableName: approvalsTableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :delegation)',
        FilterExpression: 'endsAt > :after',
        ExpressionAttributeValues: {
          ':pk': personPartition(email),
          ':delegation': 'DELEGATION#',
          ':after': after,
        },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(page.Items ?? []).map(delegationOf));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** Moves a person's HEAD from the version read: a write racing over the same person fails. */
function moveHead(email: string, from: number): TransactItem {
  return {
    Put: {
      TableName: approvalsTableName,
      Item: { pk: personPartition(email), sk: HEAD, version: from + 1 },
      ...(from === 0
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : { ConditionExpression: 'version = :version', ExpressionAttributeValues: { ':version': from } }),
    },
  };
}

/**
 * The delegation's three items, and both people's HEAD moved from the versions read before the
 * rules were checked: for one transaction with its audit event. A new one must not exist; a
 * changed one must still be at the version it was read at.
 */
export function putDelegation(
  after: Delegation,
  heads: { delegator: number; delegate: number },
  before?: Delegation,
): TransactItem[] {
  const condition = before
    ? { ConditionExpression: 'version = :version', ExpressionAttributeValues: { ':version': before.version } }
    : { ConditionExpression: 'attribute_not_exists(pk)' };
  const item = (pk: string): TransactItem => ({
    Put: { TableName: approvalsTableName, Item: { pk, sk: sortKey(after.id), ...after }, ...condition },
  });
  return [
    item(ALL),
    item(personPartition(after.delegator.email)),
    item(personPartition(after.delegate.email)),
    moveHead(after.delegator.email, heads.delegator),
    moveHead(after.delegate.email, heads.delegate),
  ];
}
