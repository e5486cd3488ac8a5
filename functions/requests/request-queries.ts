import { BatchGetCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Caller } from '../shared/auth.js';
import { requireEnv } from '../shared/config.js';
import { documentClient, entityOf } from '../shared/db.js';
import { NotFoundError } from '../shared/errors.js';
import { type Page, queryPage } from '../shared/pagination.js';
import type { ConsultancyRequest, RequestStatus } from './model.js';
import { assertMaySee } from './policy.js';
import { type RequestIndexName, requestKey } from './request-keys.js';

/**
 * Read access to requests, one function per access pattern. Every list is a Query on an
 * index whose sort key is the (time-ordered) request id, so newest first is a reverse read.
 */
export const requestsTableName = requireEnv('REQUESTS_TABLE_NAME');

/** Item attributes that are storage detail, not part of the request. */
const STORAGE_ATTRIBUTES = new Set(['pk', 'sk', 'entity', 'undecidedIn']);

export const requestFromItem = (item: Record<string, unknown>) =>
  entityOf<ConsultancyRequest>(item, STORAGE_ATTRIBUTES);

export async function getRequestById(id: string): Promise<ConsultancyRequest | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: requestsTableName, Key: requestKey(id), ConsistentRead: true }),
  );
  return Item ? requestFromItem(Item) : undefined;
}

export interface RequestFilter {
  businessFunction?: string | undefined;
  status?: RequestStatus | undefined;
  fiscalYear?: string | undefined;
}

interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

/** The index each filter is served by, most selective first; the rest become filter expressions. */
const INDEXES = [
  { filter: 'businessFunction', indexName: 'byBusinessFunction' },
  { filter: 'status', indexName: 'byStatus' },
  { filter: 'fiscalYear', indexName: 'byFiscalYear' },
] as const satisfies { filter: keyof RequestFilter; indexName: RequestIndexName }[];

async function listRequests(
  index: { indexName: RequestIndexName; attribute: string; value: string },
  otherFilters: [string, string][],
  page: PageRequest,
): Promise<Page<ConsultancyRequest>> {
  const names: Record<string, string> = { '#partition': index.attribute };
  const values: Record<string, string> = { ':partition': index.value };
  for (const [attribute, value] of otherFilters) {
    names[`#${attribute}`] = attribute;
    values[`:${attribute}`] = value;
  }
  const result = await queryPage({
    input: {
      TableName: requestsTableName,
      IndexName: index.indexName,
      KeyConditionExpression: '#partition = :partition',
      ...(otherFilters.length > 0
        ? {
            FilterExpression: otherFilters
              .map(([attribute]) => `#${attribute} = :${attribute}`)
              .join(' AND '),
          }
        : {}),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ScanIndexForward: false,
    },
    keyAttributes: ['pk', 'sk', index.attribute, 'id'],
    partition: { attribute: index.attribute, value: index.value },
    ...page,
  });
  return { ...result, items: result.items.map(requestFromItem) };
}

/** Requests matching every given filter, newest first. */
export function listRequestsMatching(
  filter: RequestFilter,
  page: PageRequest,
): Promise<Page<ConsultancyRequest>> {
  const given = Object.entries(filter).filter((entry): entry is [string, string] => entry[1] !== undefined);
  const served = INDEXES.find((index) => filter[index.filter] !== undefined);
  if (served === undefined) {
    return listRequests({ indexName: 'byEntity', attribute: 'entity', value: 'REQUEST' }, [], page);
  }
  const rest = given.filter(([attribute]) => attribute !== served.filter);
  return listRequests(
    { indexName: served.indexName, attribute: served.filter, value: filter[served.filter]! },
    rest,
    page,
  );
}

/** The request, if it exists (404) and the caller may see it (403). */
export async function getRequestVisibleTo(caller: Caller, id: string): Promise<ConsultancyRequest> {
  const request = await getRequestById(id);
  if (request === undefined) throw new NotFoundError(`No request ${id}.`);
  assertMaySee(caller, request);
  return request;
}

/** Up to 100 requests by id in one BatchGet (missing ids are left out); unprocessed keys are read again. */
export async function getRequestsByIds(ids: string[]): Promise<Map<string, ConsultancyRequest>> {
  const found = new Map<string, ConsultancyRequest>();
  let keys = [...new Set(ids)].map(requestKey);
  for (let attempt = 0; keys.length > 0 && attempt < 5; attempt++) {
    const { Responses, UnprocessedKeys } = await documentClient.send(
      new BatchGetCommand({ RequestItems: { [requestsTableName]: { Keys: keys } } }),
    );
    for (const item of Responses?.[requestsTableName] ?? []) {
      const request = requestFromItem(item);
      found.set(request.id, request);
    }
    keys = (UnprocessedKeys?.[requestsTableName]?.Keys ?? []) as typeof keys;
  }
  if (keys.length > 0)
    throw new Error(`Could not read ${keys.length} requests: DynamoDB kept them unprocessed`);
  return found;
}

/** What the triage assessment needs of another request: enough to sum the pipeline and spot duplicates. */
export type UndecidedRequest = Pick<
  ConsultancyRequest,
  | 'id'
  | 'title'
  | 'status'
  | 'fiscalYear'
  | 'category'
  | 'estimatedCost'
  | 'startDate'
  | 'endDate'
  | 'preferredVendorId'
>;

const UNDECIDED_REQUEST_ATTRIBUTES = [
  'id',
  'title',
  'status',
  'fiscalYear',
  'category',
  'estimatedCost',
  'startDate',
  'endDate',
  'preferredVendorId',
] as const satisfies readonly (keyof UndecidedRequest)[];

/**
 * The undecided requests of a business function (every fiscal year), newest first: one Query
 * of the sparse index that holds only undecided requests, so the read grows with the work in
 * flight, not with the business function's history (nor with other business functions').
 */
export async function listUndecidedRequestsOf(businessFunction: string): Promise<UndecidedRequest[]> {
  const names = Object.fromEntries(UNDECIDED_REQUEST_ATTRIBUTES.map((name) => [`#${name}`, name]));
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient.send(
      new QueryCommand({
        TableName: requestsTableName,
        IndexName: 'undecidedByBusinessFunction' satisfies RequestIndexName,
        KeyConditionExpression: '#undecidedIn = :businessFunction',
        ProjectionExpression: Object.keys(names).join(', '),
        ExpressionAttributeNames: { ...names, '#undecidedIn': 'undecidedIn' },
        ExpressionAttributeValues: { ':businessFunction': businessFunction },
        ScanIndexForward: false,
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items as UndecidedRequest[];
}
