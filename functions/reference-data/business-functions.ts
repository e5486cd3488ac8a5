import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { requireEnv } from '../shared/config.js';
import {
  ChangedMeanwhileError,
  documentClient,
  isConditionFailure,
  type TransactItem,
} from '../shared/db.js';
import { everyPage, type Page, queryPage } from '../shared/pagination.js';
import { BUSINESS_FUNCTION_PARTITION, type BusinessFunction, businessFunctionItem } from './schemas.js';

/** Business functions are reference data: code, name and head (the default approver). */
const referenceTableName = requireEnv('REFERENCE_TABLE_NAME');

function fromItem(item: Record<string, unknown>): BusinessFunction {
  const { code, name, head } = item as BusinessFunction;
  return { code, name, head };
}

export async function getBusinessFunction(code: string): Promise<BusinessFunction | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: referenceTableName, Key: { pk: BUSINESS_FUNCTION_PARTITION, sk: code } }),
  );
  return Item ? fromItem(Item) : undefined;
}

export async function listBusinessFunctions(page: {
  limit: number;
  cursor?: string | undefined;
}): Promise<Page<BusinessFunction>> {
  const result = await queryPage({
    input: {
      TableName: referenceTableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': BUSINESS_FUNCTION_PARTITION },
    },
    keyAttributes: ['pk', 'sk'],
    partition: { attribute: 'pk', value: BUSINESS_FUNCTION_PARTITION },
    ...page,
  });
  return { ...result, items: result.items.map(fromItem) };
}

/** Every business function (a few dozen at most: one or two pages), for checks and lookups of many. */
export function listAllBusinessFunctions(): Promise<BusinessFunction[]> {
  return everyPage(listBusinessFunctions);
}

type PutCondition = Pick<
  NonNullable<TransactItem['Put']>,
  'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
>;

/** Puts a business function on a condition, with `alongside`; false, and nothing written, when the condition fails. */
async function putBusinessFunctionIf(
  businessFunction: BusinessFunction,
  condition: PutCondition,
  alongside: TransactItem,
): Promise<boolean> {
  const put = { TableName: referenceTableName, Item: businessFunctionItem(businessFunction), ...condition };
  try {
    await documentClient.send(new TransactWriteCommand({ TransactItems: [{ Put: put }, alongside] }));
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/**
 * Writes a new business function together with `alongside` (its audit event); false, and
 * nothing written, when the code exists.
 */
export async function insertBusinessFunction(
  businessFunction: BusinessFunction,
  alongside: TransactItem,
): Promise<boolean> {
  return putBusinessFunctionIf(
    businessFunction,
    { ConditionExpression: 'attribute_not_exists(pk)' },
    alongside,
  );
}

/**
 * Replaces a business function that is still exactly `current` with `next`, together with
 * `alongside` (its audit event); ChangedMeanwhileError, and nothing written, when it is not.
 */
export async function replaceBusinessFunction(
  current: BusinessFunction,
  next: BusinessFunction,
  alongside: TransactItem,
): Promise<void> {
  const unchanged = {
    ConditionExpression: '#name = :name AND head = :head',
    ExpressionAttributeNames: { '#name': 'name' },
    ExpressionAttributeValues: { ':name': current.name, ':head': current.head },
  };
  if (!(await putBusinessFunctionIf(next, unchanged, alongside))) {
    throw new ChangedMeanwhileError(`Business function ${current.code}`);
  }
}
