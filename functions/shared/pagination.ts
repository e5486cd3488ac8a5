import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { documentClient } from './db.js';
import { ValidationError } from './errors.js';

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;
/** A filtered list reads at most this many DynamoDB pages per call, then hands back a cursor. */
const MAX_PAGES_PER_CALL = 5;

export const PaginationQuery = {
  limit: z.coerce
    .number()
    .int('Must be a whole number.')
    .min(1)
    .max(MAX_PAGE_SIZE)
    .default(DEFAULT_PAGE_SIZE)
    .describe(`Page size, 1-${MAX_PAGE_SIZE}.`),
  cursor: z.string().max(2048).optional().describe('The nextCursor of the previous page.'),
};

/** The wire schema of a page of items, for the OpenAPI document. */
export const pageSchemaOf = (item: z.ZodType) =>
  z.object({ items: z.array(item), nextCursor: z.string().optional() });

export interface Page<T> {
  items: T[];
  /** Opaque; present while more items may follow. */
  nextCursor?: string;
}

/** Every item of a paginated list, page after page of the largest size: for small lists read whole. */
export async function everyPage<T>(
  list: (page: { limit: number; cursor?: string | undefined }) => Promise<Page<T>>,
): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await list({ limit: MAX_PAGE_SIZE, cursor });
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

export interface PagedQuery {
  input: Omit<QueryCommandInput, 'Limit' | 'ExclusiveStartKey'>;
  /** The key attributes of the table and, for an index, of the index: they make up a cursor. */
  keyAttributes: string[];
  /** The partition the query reads: a cursor from any other partition is refused. */
  partition: { attribute: string; value: string };
  limit: number;
  cursor?: string | undefined;
}

type Key = Record<string, string>;

function encodeCursor(key: Key): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodeCursor(cursor: string, query: PagedQuery): Key {
  const invalid = new ValidationError([{ field: 'cursor', message: 'Not a cursor from this list.' }]);
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  if (typeof key !== 'object' || key === null || Array.isArray(key)) throw invalid;
  const entries = Object.entries(key);
  const wellFormed =
    entries.length === query.keyAttributes.length &&
    entries.every(([name, value]) => query.keyAttributes.includes(name) && typeof value === 'string');
  if (!wellFormed || (key as Key)[query.partition.attribute] !== query.partition.value) throw invalid;
  return key as Key;
}

function keyOf(item: Record<string, unknown>, keyAttributes: string[]): Key {
  return Object.fromEntries(keyAttributes.map((name) => [name, String(item[name])]));
}

/**
 * One page of a key or index Query. With a FilterExpression DynamoDB may return short pages,
 * so it reads on (a bounded number of times) until the page is full; the cursor then points
 * just after the last item returned, never past an item the caller has not seen.
 */
export async function queryPage(query: PagedQuery): Promise<Page<Record<string, unknown>>> {
  const items: Record<string, unknown>[] = [];
  let startKey: Key | undefined = query.cursor ? decodeCursor(query.cursor, query) : undefined;
  const filtered = query.input.FilterExpression !== undefined;
  for (let pages = 0; pages < MAX_PAGES_PER_CALL; pages++) {
    const wanted = query.limit - items.length;
    const page = await documentClient.send(
      new QueryCommand({
        ...query.input,
        Limit: filtered ? Math.max(wanted, DEFAULT_PAGE_SIZE) : wanted,
        ExclusiveStartKey: startKey,
      }),
    );
    const pageItems = page.Items ?? [];
    const taken = pageItems.slice(0, wanted);
    items.push(...taken);
    if (taken.length < pageItems.length) {
      return { items, nextCursor: encodeCursor(keyOf(taken[taken.length - 1]!, query.keyAttributes)) };
    }
    startKey = page.LastEvaluatedKey as Key | undefined;
    if (startKey === undefined) return { items };
    if (items.length === query.limit) break;
  }
  return startKey === undefined ? { items } : { items, nextCursor: encodeCursor(startKey) };
}
