import { GetCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { Caller } from './auth.js';
import { documentClient, type TransactItem } from './db.js';
import { IdempotencyKeyReusedError, ValidationError } from './errors.js';
import { fingerprintOf } from './fingerprint.js';
import type { ApiEvent } from './http.js';

/**
 * Idempotency-Key on every creating POST: one header, one fingerprint, one replay rule.
 *
 * - Scope: a key belongs to one caller (the token's `sub`) and one route (API Gateway's route
 *   key, e.g. `POST /vendors/{id}/contracts`). Another caller's key, or the same key on another
 *   route, is a different key: it neither replays nor collides.
 * - Fingerprint: the path parameters and the JSON body as sent (members in any order), so the
 *   same key on another vendor's contracts, or with another body, is told apart.
 * - Record: the first response, stored in the same transaction as what the call creates (in the
 *   table of the capability that creates it, so no route needs another grant), and only if no
 *   live record of the key exists. A crash cannot separate the two, and of calls racing with one
 *   key exactly one creates; the others find its record and answer with it.
 * - Replay rule: a live record with the same fingerprint answers its response again, marked
 *   `Idempotent-Replayed: true`; with another fingerprint the call is refused (422); no record
 *   (or an expired one) lets the call go ahead.
 * - Kept 24 hours: `expiresAt` is the tables' TTL attribute; a record past it counts as absent
 *   even before DynamoDB removes it.
 */

export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

/** The response header that marks a replayed answer (as Stripe and the IETF draft name it). */
export const REPLAYED_HEADER = 'idempotent-replayed';

export const IdempotencyKey = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, 'Idempotency-Key must be 1-255 visible ASCII characters.');

/** For a creating route's declaration: the header and the 422 (spread into `headers` and `responses`). */
export const idempotencyKeyHeader = {
  'Idempotency-Key': {
    schema: IdempotencyKey,
    description:
      'Makes a retry answer the first response again (with `Idempotent-Replayed: true`) and create nothing new. Scoped to the caller and this route; kept 24 hours.',
  },
};
export const idempotencyKeyReused = {
  422: { description: 'The Idempotency-Key was used before on this route with another body or path.' },
};

/** A response as first answered: what a retry with the same key gets again. */
export interface FirstResponse {
  statusCode: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface IdempotencyClaim {
  tableName: string;
  key: { pk: string; sk: string };
  fingerprint: string;
}

export interface IdempotencyRecord {
  fingerprint: string;
  response: FirstResponse;
  /** Epoch seconds (the TTL attribute). */
  expiresAt: number;
}

/** Items to write in the same transaction as what is created, given what is created. */
export type Alongside<T> = (created: T) => TransactItem[];
export const nothingAlongside = (): TransactItem[] => [];

const RECORD_PREFIX = 'IDEMPOTENCY#';

/**
 * The record's key. The partition is the caller's; the sort key starts with the route key, which
 * never holds a `#`, so no (route, key) pair can be read as another.
 */
export function recordKeyOf(callerSub: string, routeKey: string, key: string): { pk: string; sk: string } {
  return { pk: `${RECORD_PREFIX}${callerSub}`, sk: `${routeKey}#${key}` };
}

/**
 * The caller's claim on an Idempotency-Key, or undefined when the call sent none. The header is
 * validated (400 when malformed); `body` is the parsed JSON body as sent.
 */
export function idempotencyClaimOf(
  event: ApiEvent,
  caller: Pick<Caller, 'sub'>,
  tableName: string,
  body: unknown,
): IdempotencyClaim | undefined {
  const header = event.headers?.['idempotency-key'];
  if (header === undefined) return undefined;
  const parsed = IdempotencyKey.safeParse(header);
  if (!parsed.success) {
    const message = parsed.error.issues[0]?.message ?? 'Invalid Idempotency-Key.';
    throw new ValidationError([{ field: 'idempotency-key', message }]);
  }
  const key = parsed.data;
  return {
    tableName,
    key: recordKeyOf(caller.sub, event.routeKey, key),
    fingerprint: fingerprintOf({ path: event.pathParameters ?? {}, body }),
  };
}

/** The replay rule: what the call answers instead of creating, or undefined to go ahead. */
export function replayOf(
  record: IdempotencyRecord | undefined,
  fingerprint: string,
  now = new Date(),
): FirstResponse | undefined {
  if (!record || record.expiresAt * 1000 <= now.getTime()) return undefined;
  if (record.fingerprint !== fingerprint) throw new IdempotencyKeyReusedError();
  return record.response;
}

async function findRecord(claim: IdempotencyClaim): Promise<IdempotencyRecord | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: claim.tableName, Key: claim.key, ConsistentRead: true }),
  );
  if (!Item) return undefined;
  return {
    fingerprint: String(Item.fingerprint),
    response: Item.response as FirstResponse,
    expiresAt: Number(Item.expiresAt),
  };
}

/** The record as a transaction item: created only where no live record of the key is. */
export function recordItem(claim: IdempotencyClaim, response: FirstResponse, now = new Date()): TransactItem {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  return {
    Put: {
      TableName: claim.tableName,
      Item: {
        ...claim.key,
        fingerprint: claim.fingerprint,
        response,
        createdAt: now.toISOString(),
        expiresAt: nowSeconds + IDEMPOTENCY_TTL_SECONDS,
      },
      // An expired record may linger until TTL removes it: it no longer holds the key.
      ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
      ExpressionAttributeValues: { ':now': nowSeconds },
    },
  };
}

export class IdempotencyRaceError extends Error {
  constructor() {
    super('Another call with the same Idempotency-Key stored its response first');
    this.name = 'IdempotencyRaceError';
  }
}

/**
 * For the stores: when a refused transaction's idempotency record was among the refused items,
 * another call with the same key won, and nothing else about the refusal matters.
 */
export function throwIfRaceLost(items: TransactItem[], codes: string[]): void {
  const lost = items.some(
    (item, index) =>
      codes[index] === 'ConditionalCheckFailed' && String(item.Put?.Item?.pk).startsWith(RECORD_PREFIX),
  );
  if (lost) throw new IdempotencyRaceError();
}

export type Answer = FirstResponse & { replayed: boolean };

/** The replay rule applied to the key's record as it is now. */
async function replayFor(claim: IdempotencyClaim): Promise<Answer | undefined> {
  const first = replayOf(await findRecord(claim), claim.fingerprint);
  return first && { ...first, replayed: true };
}

/**
 * Runs a creating call at most once per key: replays the key's live record if there is one,
 * else creates, handing `create` the record to write alongside (nothing without a key).
 * `respond` maps what was created to the response and must be pure. A call that failed, or
 * that stored nothing (an actual whose invoice was recorded already, say), may have lost to a
 * concurrent call with the same key: if the key's record exists by then, it is the answer.
 */
export async function createOnce<T>(
  claim: IdempotencyClaim | undefined,
  create: (alongside: Alongside<T>) => Promise<T>,
  respond: (created: T) => FirstResponse,
): Promise<Answer> {
  if (!claim) return { ...respond(await create(nothingAlongside)), replayed: false };
  const first = await replayFor(claim);
  if (first) return first;
  let recorded: string | undefined;
  let response: FirstResponse;
  try {
    response = respond(
      await create((created) => {
        const answer = respond(created);
        recorded = JSON.stringify(answer);
        return [recordItem(claim, answer)];
      }),
    );
  } catch (error) {
    const winner = await replayFor(claim);
    if (winner) return winner;
    throw error;
  }
  const storedNothing = JSON.stringify(response) !== recorded;
  return (storedNothing && (await replayFor(claim))) || { ...response, replayed: false };
}

/** The answer's headers: as first answered, and a replay marked as one. */
export function headersOf(answer: Answer): Record<string, string> {
  return { ...answer.headers, ...(answer.replayed ? { [REPLAYED_HEADER]: 'true' } : {}) };
}
