import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  DynamoDBDocumentClient,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';

/**
 * The one DynamoDB document client of a Lambda instance. The endpoint comes from the
 * environment (AWS_ENDPOINT_URL_DYNAMODB locally), so handlers never know where they run.
 */
export const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});

/** True when a conditional write or a transaction was refused because a condition failed. */
export function isConditionFailure(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name;
  return name === 'ConditionalCheckFailedException' || name === 'TransactionCanceledException';
}

/** The cancellation reasons of a failed transaction, in the order of its items. */
export function cancellationCodes(error: unknown): string[] {
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.map((reason) => reason.Code ?? 'None');
}

/** One item of a transaction: changes that must land together are built as these. */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** An item without the attributes that are storage detail (keys, index attributes): the entity itself. */
export function entityOf<T>(item: Record<string, unknown>, storageAttributes: ReadonlySet<string>): T {
  return Object.fromEntries(Object.entries(item).filter(([name]) => !storageAttributes.has(name))) as T;
}

/**
 * A transaction was refused on a write that had to land with the others (a request's status
 * and version, say): what it was based on changed meanwhile. The caller reads again.
 */
export class ChangedMeanwhileError extends Error {
  constructor(what: string) {
    super(`${what} changed meanwhile`);
    this.name = 'ChangedMeanwhileError';
  }
}

/** Writes the items in one transaction; ChangedMeanwhileError naming `what` when a condition refused it. */
export async function transactOrChangedMeanwhile(items: TransactItem[], what: string): Promise<void> {
  try {
    await documentClient.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    if (isConditionFailure(error)) throw new ChangedMeanwhileError(what);
    throw error;
  }
}

/**
 * Creates or replaces a versioned record in one transaction with `alongside` (its audit event):
 * create-only when `basedOn` is undefined, else only over that version. ChangedMeanwhileError
 * naming `what` when it moved.
 */
export async function putVersioned(
  tableName: string,
  item: Record<string, unknown> & { version: number },
  basedOn: number | undefined,
  alongside: TransactItem,
  what: string,
): Promise<void> {
  const condition =
    basedOn === undefined
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : { ConditionExpression: 'version = :basedOn', ExpressionAttributeValues: { ':basedOn': basedOn } };
  await transactOrChangedMeanwhile(
    [{ Put: { TableName: tableName, Item: item, ...condition } }, alongside],
    what,
  );
}

/** The items with these keys (missing ones left out), in batches of 100 as BatchGetItem allows. */
export async function batchGetItems(
  tableName: string,
  keys: readonly Record<string, unknown>[],
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (let start = 0; start < keys.length; start += 100) {
    let batch: Record<string, unknown>[] | undefined = keys.slice(start, start + 100);
    while (batch && batch.length > 0) {
      const result: BatchGetCommandOutput = await documentClient.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: batch } } }),
      );
      items.push(...(result.Responses?.[tableName] ?? []));
      batch = result.UnprocessedKeys?.[tableName]?.Keys;
    }
  }
  return items;
}
