import { beforeAll, describe, expect, it } from 'vitest';
import { approver, insertApprovedRequest, localBudgetsDomain } from './budget-support.js';
import { call, createVendor, tokenFor } from './support.js';

// This file works on fiscal years FY2050-FY2059, with requests of business functions no other file
// lists (MFG, STRATEGY, FINANCE, DIGITAL). Commitments are the approval workflow's step,
// not a route: the tests call the domain function against the local cloud's DynamoDB.
let admin: string;
let domain: Awaited<ReturnType<typeof localBudgetsDomain>>;

beforeAll(async () => {
  admin = await tokenFor({ groups: ['admin'] });
  domain = await localBudgetsDomain();
});

const usd = (amount: string) => ({ amount, currency: 'USD' });

/** An envelope with room to spare, and the given allocations. */
async function budget(fiscalYear: string, lines: Record<string, string>) {
  const envelope = await call('PUT', `/budgets/${fiscalYear}`, { token: admin, body: usd('1000000.00') });
  expect(envelope.status).toBe(201);
  for (const [businessFunction, amount] of Object.entries(lines)) {
    const response = await call('PUT', `/budgets/${fiscalYear}/allocations/${businessFunction}`, {
      token: admin,
      body: usd(amount),
    });
    expect(response.status).toBe(200);
  }
}

async function lineOf(fiscalYear: string, businessFunction: string) {
  const view = await call('GET', `/budgets/${fiscalYear}`, { token: admin });
  return view.body.lines.find(
    (line: { businessFunction: string }) => line.businessFunction === businessFunction,
  );
}

async function allLedgerEntries(fiscalYear: string, businessFunction: string) {
  const entries: { kind: string; effect: Record<string, { amount: string }>; requestId?: string }[] = [];
  let cursor: string | undefined;
  do {
    const page = await call(
      'GET',
      `/budgets/${fiscalYear}/${businessFunction}/ledger?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
      { token: admin },
    );
    entries.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return entries;
}

/** Exact sum of decimal strings with two decimals, in cents. */
const cents = (values: string[]) => values.reduce((sum, value) => sum + BigInt(value.replace('.', '')), 0n);

describe('commitApprovedRequest', () => {
  it('lets exactly 10 of 60 simultaneous commitments through on a line with room for 10', async () => {
    await budget('FY2050', { FINANCE: '100000.00' });
    const requests = await Promise.all(
      Array.from({ length: 60 }, () =>
        insertApprovedRequest(domain, {
          businessFunction: 'FINANCE',
          fiscalYear: 'FY2050',
          amount: '10000.00',
        }),
      ),
    );

    const outcomes = await Promise.allSettled(
      requests.map((request) => domain.commitApprovedRequest(request, approver, new Date().toISOString())),
    );

    const committed = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(committed).toHaveLength(10);
    expect(refused).toHaveLength(50);
    for (const outcome of refused) {
      expect((outcome as PromiseRejectedResult).reason.name).toBe('InsufficientBudgetError');
    }
    const line = await lineOf('FY2050', 'FINANCE');
    expect(line).toMatchObject({
      allocated: usd('100000.00'),
      committed: usd('100000.00'),
      available: usd('0.00'),
    });
    const entries = await allLedgerEntries('FY2050', 'FINANCE');
    expect(entries.filter((entry) => entry.kind === 'COMMITMENT')).toHaveLength(10);
    for (const total of ['allocated', 'committed', 'actual', 'consumed'] as const) {
      expect(cents(entries.map((entry) => entry.effect[total]!.amount)), total).toBe(
        BigInt(line[total].amount.replace('.', '')),
      );
    }
  });

  it('is idempotent per request: a retried task commits once', async () => {
    await budget('FY2051', { MFG: '50000.00' });
    const request = await insertApprovedRequest(domain, {
      businessFunction: 'MFG',
      fiscalYear: 'FY2051',
      amount: '20000.00',
    });

    const results = await Promise.all([
      domain.commitApprovedRequest(request, approver, '2051-03-01T10:00:00.000Z'),
      domain.commitApprovedRequest(request, approver, '2051-03-01T10:00:00.000Z'),
    ]);
    const later = await domain.commitApprovedRequest(request, approver, '2051-03-01T10:00:00.000Z');

    expect(results.map((result) => result.outcome).sort()).toEqual(['ALREADY_COMMITTED', 'COMMITTED']);
    expect(later).toEqual({ outcome: 'ALREADY_COMMITTED', entryId: results[0]!.entryId });
    expect(await lineOf('FY2051', 'MFG')).toMatchObject({
      committed: usd('20000.00'),
      available: usd('30000.00'),
    });
  });

  it('refuses with the figures when the line has too little, storing nothing', async () => {
    await budget('FY2052', { STRATEGY: '5000.00' });
    const request = await insertApprovedRequest(domain, {
      businessFunction: 'STRATEGY',
      fiscalYear: 'FY2052',
      amount: '5000.01',
    });

    const refusal = await domain
      .commitApprovedRequest(request, approver, new Date().toISOString())
      .catch((error: unknown) => error);

    expect(refusal).toMatchObject({
      name: 'InsufficientBudgetError',
      extensions: { available: usd('5000.00'), requested: usd('5000.01'), businessFunction: 'STRATEGY' },
    });
    expect(await allLedgerEntries('FY2052', 'STRATEGY')).toHaveLength(1);
  });

  it('refuses a commitment on a function without allocation, and in a year without envelope', async () => {
    await budget('FY2053', { STRATEGY: '5000.00' });
    const [unallocated, noYear] = await Promise.all([
      insertApprovedRequest(domain, { businessFunction: 'DIGITAL', fiscalYear: 'FY2053', amount: '1.00' }),
      insertApprovedRequest(domain, { businessFunction: 'DIGITAL', fiscalYear: 'FY2059', amount: '1.00' }),
    ]);

    const refusals = await Promise.all(
      [unallocated, noYear].map((request) =>
        domain
          .commitApprovedRequest(request, approver, new Date().toISOString())
          .catch((error: unknown) => error),
      ),
    );

    expect(refusals.map((refusal) => (refusal as Error).name)).toEqual([
      'InsufficientBudgetError',
      'InsufficientBudgetError',
    ]);
  });
});

describe('releaseCommitment', () => {
  it('gives back the uninvoiced part once, however often it is retried', async () => {
    await budget('FY2054', { DIGITAL: '80000.00' });
    const finance = await tokenFor({ groups: ['finance'] });
    const vendorId = await createVendor('Closing Consultants');
    const request = await insertApprovedRequest(domain, {
      businessFunction: 'DIGITAL',
      fiscalYear: 'FY2054',
      amount: '30000.00',
    });
    await domain.commitApprovedRequest(request, approver, new Date().toISOString());
    const actual = await call('POST', '/actuals', {
      token: finance,
      body: {
        requestId: request.id,
        vendorId,
        invoiceNumber: 'D-1',
        invoiceDate: '2054-05-01',
        amount: usd('12000.00'),
      },
    });
    expect(actual.status).toBe(201);

    const [first, second] = await Promise.all([
      domain.releaseCommitment(request, approver, 'Engagement closed'),
      domain.releaseCommitment(request, approver, 'Engagement closed'),
    ]);

    expect([first.outcome, second.outcome].sort()).toEqual(['ALREADY_RELEASED', 'RELEASED']);
    expect(Math.max(first.releasedMinor, second.releasedMinor)).toBe(1_800_000);
    expect(await lineOf('FY2054', 'DIGITAL')).toMatchObject({
      committed: usd('12000.00'),
      actual: usd('12000.00'),
      consumed: usd('12000.00'),
      available: usd('68000.00'),
    });
    const kinds = (await allLedgerEntries('FY2054', 'DIGITAL')).map((entry) => entry.kind);
    expect(kinds).toEqual(['RELEASE', 'ACTUAL', 'COMMITMENT', 'ALLOCATION']);
  });

  it('has nothing to release for a request that was never committed', async () => {
    const request = await insertApprovedRequest(domain, {
      businessFunction: 'DIGITAL',
      fiscalYear: 'FY2054',
      amount: '1.00',
    });

    expect(await domain.releaseCommitment(request, approver, 'Withdrawn')).toEqual({
      outcome: 'NOTHING_COMMITTED',
      releasedMinor: 0,
    });
  });
});
