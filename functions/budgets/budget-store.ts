import { setTimeout as sleep } from 'node:timers/promises';
import {
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { requireEnv } from '../shared/config.js';
import { cancellationCodes, documentClient, isConditionFailure, type TransactItem } from '../shared/db.js';
import { NotFoundError } from '../shared/errors.js';
import { throwIfRaceLost } from '../shared/idempotency.js';
import { type Page, queryPage } from '../shared/pagination.js';
import {
  budgetKeys,
  envelopeFromItem,
  LINE_TOTAL_ATTRIBUTES,
  ledgerEntryFromItem,
  ledgerEntryItem,
  lineFromItem,
  positionFromItem,
  positionItem,
  type StoredPosition,
} from './budget-items.js';
import { IncompleteLedgerError } from './errors.js';
import { availableChangeOf, type LineEffect } from './ledger.js';
import type { ActualResourceType, StoredEnvelope, StoredLedgerEntry, StoredLine } from './model.js';

/** Reads and transactional writes of the Budgets table (layout in budget-items.ts). */
export const budgetsTableName = requireEnv('BUDGETS_TABLE_NAME');

/** One item, read consistently: decisions on money are made on what was last written. */
async function getItem(key: Record<string, string>): Promise<Record<string, unknown> | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: budgetsTableName, Key: key, ConsistentRead: true }),
  );
  return Item;
}

export async function getEnvelope(fiscalYear: string): Promise<StoredEnvelope | undefined> {
  const item = await getItem(budgetKeys.envelope(fiscalYear));
  return item ? envelopeFromItem(item) : undefined;
}

/** The fiscal year's envelope, or 404: a budget that is not set has nothing to act on. */
export async function requireEnvelope(fiscalYear: string): Promise<StoredEnvelope> {
  const envelope = await getEnvelope(fiscalYear);
  if (!envelope) throw new NotFoundError(`No budget envelope is set for ${fiscalYear}.`);
  return envelope;
}

export async function getLine(fiscalYear: string, businessFunction: string): Promise<StoredLine | undefined> {
  const item = await getItem(budgetKeys.line(fiscalYear, businessFunction));
  return item ? lineFromItem(item) : undefined;
}

/** The actual recorded for a vendor's invoice number, if any: one invoice is one actual. */
export async function getInvoice(
  vendorId: string,
  invoiceNumber: string,
): Promise<ActualResourceType | undefined> {
  const item = await getItem(budgetKeys.invoice(vendorId, invoiceNumber));
  return item ? (item.actual as ActualResourceType) : undefined;
}

/** A create-only Put of an invoice's actual, for a transaction: the same invoice twice is refused. */
export function putInvoice(actual: ActualResourceType): TransactItem {
  return {
    Put: {
      TableName: budgetsTableName,
      Item: { ...budgetKeys.invoice(actual.vendorId, actual.invoiceNumber), entity: 'INVOICE', actual },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

export async function getPosition(
  fiscalYear: string,
  businessFunction: string,
  requestId: string,
): Promise<StoredPosition | undefined> {
  const item = await getItem(budgetKeys.position(fiscalYear, businessFunction, requestId));
  return item ? positionFromItem(item) : undefined;
}

/** Every page of a Query, read to the end (DynamoDB's pages of up to 1 MB). */
async function* queryPages(input: QueryCommandInput): AsyncGenerator<Record<string, unknown>[]> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    yield page.Items ?? [];
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

/** A fiscal year's envelope and every line: one Query of a small partition (read to the end). */
export async function getFiscalYear(
  fiscalYear: string,
): Promise<{ envelope: StoredEnvelope; lines: StoredLine[] } | undefined> {
  const items: Record<string, unknown>[] = [];
  const pages = queryPages({
    TableName: budgetsTableName,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': budgetKeys.fiscalYearPartition(fiscalYear) },
    ConsistentRead: true,
  });
  for await (const page of pages) items.push(...page);
  const envelope = items.find((item) => item.sk === 'ENVELOPE');
  if (!envelope) return undefined;
  return {
    envelope: envelopeFromItem(envelope),
    lines: items.filter((item) => String(item.sk).startsWith('LINE#')).map(lineFromItem),
  };
}

/** A line's ledger, newest first. */
export async function listLedgerEntries(
  fiscalYear: string,
  businessFunction: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<StoredLedgerEntry>> {
  const pk = budgetKeys.ledgerPartition(fiscalYear, businessFunction);
  const result = await queryPage({
    input: {
      TableName: budgetsTableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ScanIndexForward: false,
    },
    keyAttributes: ['pk', 'sk'],
    partition: { attribute: 'pk', value: pk },
    ...page,
  });
  return { ...result, items: result.items.map(ledgerEntryFromItem) };
}

/** A line's request positions (of one vendor, if given), in request id order, page by page (for the spend export). */
export async function listPositions(
  fiscalYear: string,
  businessFunction: string,
  page: { limit: number; cursor?: string | undefined },
  vendorId?: string,
): Promise<Page<StoredPosition>> {
  const pk = budgetKeys.positionsPartition(fiscalYear, businessFunction);
  const result = await queryPage({
    input: {
      TableName: budgetsTableName,
      KeyConditionExpression: 'pk = :pk',
      ...(vendorId ? { FilterExpression: 'vendorId = :vendorId' } : {}),
      ExpressionAttributeValues: { ':pk': pk, ...(vendorId ? { ':vendorId': vendorId } : {}) },
    },
    keyAttributes: ['pk', 'sk'],
    partition: { attribute: 'pk', value: pk },
    ...page,
  });
  return { ...result, items: result.items.map(positionFromItem) };
}

/**
 * Entries a ledger page holds at most. A reader holds a few pages, so this bounds its memory
 * whatever the line's size; DynamoDB's 1 MB pages would hold about 2,500.
 */
export const LEDGER_PAGE_ENTRIES = 500;

/**
 * One line's ledger entries numbered after..through, a page (at most LEDGER_PAGE_ENTRIES
 * entries) at a time, in entry id order; IncompleteLedgerError at the end when any is missing. A consistent Query of the line's partition: every
 * entry numbered up to a version read consistently from the line is there
 * (budget-items.ts ledgerEntry).
 */
export async function* ledgerEntriesBetween(
  fiscalYear: string,
  businessFunction: string,
  after: number,
  through: number,
): AsyncGenerator<StoredLedgerEntry[]> {
  if (through <= after) return;
  const pages = queryPages({
    TableName: budgetsTableName,
    KeyConditionExpression: 'pk = :pk',
    FilterExpression: '#sequence BETWEEN :first AND :last',
    ExpressionAttributeNames: { '#sequence': 'sequence' },
    ExpressionAttributeValues: {
      ':pk': budgetKeys.ledgerPartition(fiscalYear, businessFunction),
      ':first': after + 1,
      ':last': through,
    },
    Limit: LEDGER_PAGE_ENTRIES,
    ConsistentRead: true,
  });
  let found = 0;
  for await (const items of pages) {
    found += items.length;
    yield items.map(ledgerEntryFromItem);
  }
  // Numbered without gaps: fewer means entries without a sequence, and the range would not add up.
  if (found !== through - after) {
    throw new IncompleteLedgerError(fiscalYear, businessFunction, through - after, found);
  }
}

export function putLedgerEntry(entry: StoredLedgerEntry): TransactItem {
  return {
    Put: {
      TableName: budgetsTableName,
      Item: ledgerEntryItem(entry),
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** Creates a position, or replaces it only at the version it was read at. */
export function putPosition(
  position: StoredPosition,
  readVersion: number | undefined,
  at: string,
): TransactItem {
  return {
    Put: {
      TableName: budgetsTableName,
      Item: positionItem(position, at),
      ...(readVersion === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: 'version = :version',
            ExpressionAttributeValues: { ':version': readVersion },
          }),
    },
  };
}

export interface LineGuard {
  /** The hard stop: the line must have at least this available. */
  availableAtLeast?: number | undefined;
  /** The line's fiscal year must not be closed (a new commitment): the close marks every line. */
  openYear?: boolean;
  /** How many ledger entries of the line the transaction writes (each moves the version by one). */
  entries?: number;
}

/**
 * Applies an entry's effect to a line's running totals, creating the line if needed, under the
 * entry's guard and only at the version the line was read at (0: it must not exist yet). The
 * version moves by one with each entry, so it is also the entry's export sequence (ledgerEntry
 * in budget-items.ts): entries of a line commit one after the other, in sequence order.
 */
export function updateLine(
  line: { fiscalYear: string; businessFunction: string; currency: string; version: number },
  effect: LineEffect,
  at: string,
  guard: LineGuard = {},
): TransactItem {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {
    ':fiscalYear': line.fiscalYear,
    ':businessFunction': line.businessFunction,
    ':currency': line.currency,
    ':entity': 'BUDGET_LINE',
    ':at': at,
    ':entries': guard.entries ?? 1,
  };
  const changes = { ...effect, available: availableChangeOf(effect) };
  for (const attribute of LINE_TOTAL_ATTRIBUTES) {
    names[`#${attribute}`] = attribute;
    values[`:${attribute}`] = changes[attribute];
  }
  const conditions: string[] = [];
  if (guard.availableAtLeast !== undefined) {
    conditions.push('#available >= :need');
    values[':need'] = guard.availableAtLeast;
  }
  if (guard.openYear) conditions.push('attribute_not_exists(closedAt)');
  if (line.version === 0) conditions.push('attribute_not_exists(pk)');
  else {
    names['#version'] = 'version';
    values[':version'] = line.version;
    conditions.push('#version = :version');
  }
  return {
    Update: {
      TableName: budgetsTableName,
      Key: budgetKeys.line(line.fiscalYear, line.businessFunction),
      UpdateExpression: `SET fiscalYear = :fiscalYear, businessFunction = :businessFunction, currency = :currency, entity = :entity, updatedAt = :at ADD ${LINE_TOTAL_ATTRIBUTES.map((attribute) => `#${attribute} :${attribute}`).join(', ')}, version :entries`,
      ...(conditions.length > 0 ? { ConditionExpression: conditions.join(' AND ') } : {}),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}

const MAX_CONFLICT_RETRIES = 12;

/**
 * Runs a transaction. Returns undefined when it committed, or the cancellation codes (one per
 * item, in order) when a condition refused it; throws IdempotencyRaceError when the refusal
 * included an Idempotency-Key's record (another call with the key won). Transactions that
 * collided with another on the same item (TransactionConflict) are retried after a jittered,
 * growing pause.
 */
export async function transact(items: TransactItem[]): Promise<string[] | undefined> {
  for (let attempt = 0; ; attempt++) {
    try {
      await documentClient.send(new TransactWriteCommand({ TransactItems: items }));
      return undefined;
    } catch (error) {
      const name = (error as { name?: string }).name;
      const codes = isConditionFailure(error) ? cancellationCodes(error) : [];
      const collided =
        name === 'TransactionConflictException' ||
        (codes.includes('TransactionConflict') && !codes.includes('ConditionalCheckFailed'));
      if (collided && attempt < MAX_CONFLICT_RETRIES) {
        await sleep(Math.random() * Math.min(1_000, 20 * 2 ** attempt));
        continue;
      }
      if (codes.includes('ConditionalCheckFailed')) {
        throwIfRaceLost(items, codes);
        return codes;
      }
      throw error;
    }
  }
}

export const refusedAt = (codes: string[] | undefined, index: number) =>
  codes?.[index] === 'ConditionalCheckFailed';

/**
 * How often a command re-reads and tries again when another entry landed on its line first
 * (the line's version moved): entries of one line are written one at a time.
 */
export const LINE_RACE_ATTEMPTS = 30;

/** A jittered, growing pause before trying again after losing a line race. */
export const afterLostRace = (attempt: number) => sleep(Math.random() * Math.min(500, 10 * 2 ** attempt));

/**
 * The year-end close begins: the envelope carries closedAt (set once; the first close's time
 * stays). Allocations and transfers check it in their transactions.
 */
export function closeEnvelope(fiscalYear: string, at: string): TransactItem {
  return {
    Update: {
      TableName: budgetsTableName,
      Key: budgetKeys.envelope(fiscalYear),
      UpdateExpression: 'SET closedAt = :at',
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(closedAt)',
      ExpressionAttributeValues: { ':at': at },
    },
  };
}

/**
 * Marks a line of a closing year: a commitment's transaction is refused on it from then on
 * (updateLine's openYear guard). Not an entry: the line's version (its entries' sequence) stays.
 */
export async function closeLine(
  fiscalYear: string,
  businessFunction: string,
  closedAt: string,
): Promise<void> {
  await documentClient.send(
    new UpdateCommand({
      TableName: budgetsTableName,
      Key: budgetKeys.line(fiscalYear, businessFunction),
      UpdateExpression: 'SET closedAt = if_not_exists(closedAt, :at)',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':at': closedAt },
    }),
  );
}

/** The finished close's summary, if the close has finished. */
export async function getCloseSummary<T>(fiscalYear: string): Promise<T | undefined> {
  const item = await getItem(budgetKeys.close(fiscalYear));
  return item ? (item.summary as T) : undefined;
}

/** Stores the close's summary once: a second close (or one racing it) finds it and answers it. */
export function putCloseSummary(fiscalYear: string, summary: unknown): TransactItem {
  return {
    Put: {
      TableName: budgetsTableName,
      Item: { ...budgetKeys.close(fiscalYear), entity: 'BUDGET_CLOSE', summary },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}
