import { describe, expect, it } from 'vitest';
import { IdempotencyKeyReusedError, ValidationError } from '../../functions/shared/errors.js';
import type { ApiEvent } from '../../functions/shared/http.js';
import {
  type FirstResponse,
  headersOf,
  IDEMPOTENCY_TTL_SECONDS,
  IdempotencyRaceError,
  type IdempotencyRecord,
  idempotencyClaimOf,
  recordItem,
  recordKeyOf,
  replayOf,
  throwIfRaceLost,
} from '../../functions/shared/idempotency.js';

const now = new Date('2027-03-01T12:00:00.000Z');
const nowSeconds = now.getTime() / 1000;
const first: FirstResponse = {
  statusCode: 201,
  body: { id: 'ven_1' },
  headers: { location: '/vendors/ven_1' },
};

const recordOf = (fields: Partial<IdempotencyRecord> = {}): IdempotencyRecord => ({
  fingerprint: 'same-body',
  response: first,
  expiresAt: nowSeconds + 60,
  ...fields,
});

function eventOf(fields: {
  key?: string;
  routeKey?: string;
  pathParameters?: Record<string, string>;
}): ApiEvent {
  return {
    headers: fields.key === undefined ? {} : { 'idempotency-key': fields.key },
    routeKey: fields.routeKey ?? 'POST /vendors/{id}/contracts',
    pathParameters: fields.pathParameters ?? { id: 'ven_1' },
  } as unknown as ApiEvent;
}

const claimOf = (fields: Parameters<typeof eventOf>[0], body: unknown = { type: 'MSA' }, sub = 'u-1') =>
  idempotencyClaimOf(eventOf({ key: 'k-1', ...fields }), { sub }, 'Vendors', body);

describe('the replay rule', () => {
  it('lets a call go ahead when its key has no record', () => {
    expect(replayOf(undefined, 'same-body', now)).toBeUndefined();
  });

  it('answers the first response again for the same key and the same body', () => {
    expect(replayOf(recordOf(), 'same-body', now)).toEqual(first);
  });

  it('refuses the same key with another body as a reused key (422)', () => {
    const replay = () => replayOf(recordOf(), 'other-body', now);

    expect(replay).toThrow(IdempotencyKeyReusedError);
    expect(replay).toThrow(expect.objectContaining({ status: 422 }));
  });

  it('forgets a record once it expired, even before TTL removes it', () => {
    const expired = recordOf({ expiresAt: nowSeconds });

    expect(replayOf(expired, 'same-body', now)).toBeUndefined();
    expect(replayOf(expired, 'other-body', now)).toBeUndefined();
  });

  it('marks a replayed answer and leaves a first answer as it was', () => {
    expect(headersOf({ ...first, replayed: true })).toEqual({
      location: '/vendors/ven_1',
      'idempotent-replayed': 'true',
    });
    expect(headersOf({ ...first, replayed: false })).toEqual({ location: '/vendors/ven_1' });
  });
});

describe('the claim on a key', () => {
  it('is nothing when the call sent no Idempotency-Key', () => {
    expect(idempotencyClaimOf(eventOf({}), { sub: 'u-1' }, 'Vendors', {})).toBeUndefined();
  });

  it.each([
    ['empty', ''],
    ['too long', 'k'.repeat(256)],
    ['with a space', 'two words'],
    ['with a control character', 'key\u0007'],
  ])('refuses a malformed key (%s) with 400 naming the header', (_what, key) => {
    const claim = () => idempotencyClaimOf(eventOf({ key }), { sub: 'u-1' }, 'Vendors', {});

    expect(claim).toThrow(ValidationError);
    expect(claim).toThrow(
      expect.objectContaining({ issues: [expect.objectContaining({ field: 'idempotency-key' })] }),
    );
  });

  it('fingerprints the body regardless of the order of its members', () => {
    const one = claimOf({}, { type: 'MSA', reference: 'MSA-1' });
    const other = claimOf({}, { reference: 'MSA-1', type: 'MSA' });

    expect(one?.fingerprint).toBe(other?.fingerprint);
  });

  it('tells apart the same body sent to another path (another vendor)', () => {
    const one = claimOf({ pathParameters: { id: 'ven_1' } });
    const other = claimOf({ pathParameters: { id: 'ven_2' } });

    expect(one?.key).toEqual(other?.key);
    expect(one?.fingerprint).not.toBe(other?.fingerprint);
  });

  it('scopes the key to the route: the same key on two routes is two records', () => {
    const contracts = claimOf({ routeKey: 'POST /vendors/{id}/contracts' });
    const rates = claimOf({ routeKey: 'POST /vendors/{id}/rates' });

    expect(contracts?.key).not.toEqual(rates?.key);
  });

  it('scopes the key to the caller: two callers never share a record', () => {
    expect(claimOf({}, {}, 'u-1')?.key).not.toEqual(claimOf({}, {}, 'u-2')?.key);
  });

  it('cannot be made to collide by a # in the caller or the key', () => {
    const route = 'POST /actuals';

    expect(recordKeyOf('a#b', route, 'c')).not.toEqual(recordKeyOf('a', route, 'b#c'));
    expect(recordKeyOf('a', route, 'POST /requests#k')).not.toEqual(recordKeyOf('a', 'POST /requests', 'k'));
  });
});

describe('the record', () => {
  const claim = claimOf({})!;

  it('holds the first response for 24 hours', () => {
    const item = recordItem(claim, first, now).Put?.Item;

    expect(item).toMatchObject({ ...claim.key, fingerprint: claim.fingerprint, response: first });
    expect(item?.expiresAt).toBe(nowSeconds + IDEMPOTENCY_TTL_SECONDS);
  });

  it('is only written where no live record of the key is (an expired one may be replaced)', () => {
    const put = recordItem(claim, first, now).Put;

    expect(put?.ConditionExpression).toBe('attribute_not_exists(pk) OR expiresAt <= :now');
    expect(put?.ExpressionAttributeValues).toEqual({ ':now': nowSeconds });
  });

  it('tells a store that lost the race for a key from any other refusal', () => {
    const items = [
      { Put: { TableName: 'Vendors', Item: { pk: 'VENDOR#1', sk: 'VENDOR' } } },
      recordItem(claim, first),
    ];

    expect(() => throwIfRaceLost(items, ['None', 'ConditionalCheckFailed'])).toThrow(IdempotencyRaceError);
    expect(() => throwIfRaceLost(items, ['ConditionalCheckFailed', 'ConditionalCheckFailed'])).toThrow(
      IdempotencyRaceError,
    );
    expect(() => throwIfRaceLost(items, ['ConditionalCheckFailed', 'None'])).not.toThrow();
  });
});
