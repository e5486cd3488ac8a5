import { beforeAll, describe, expect, it } from 'vitest';
import { expectLedgersMatchLines, ledgerOfLine } from './budget-support.js';
import { addBusinessFunctions } from './business-function-support.js';
import {
  approveSteps,
  call,
  createVendor,
  fundBudget,
  requestInStatus,
  tokenFor,
  triaged,
  validRequestBody,
} from './support.js';

// This file works on fiscal years FY2091-FY2095 (nobody else budgets them), on MFG's lines, and
// on FY2027-FY2028 of a business function of its own (PHASED_LAB);
// the local cloud's fiscal years start in January (cdk.json).
let admin: string;
let finance: string;
let requester: string;
let vendorId: string;

beforeAll(async () => {
  [admin, finance, requester, vendorId] = await Promise.all([
    tokenFor({ sub: 'claire-strategy', name: 'Claire Dubois', groups: ['admin'] }),
    tokenFor({ sub: 'sam-finance', name: 'Samuel Adeyemi', groups: ['finance'] }),
    tokenFor({ groups: ['requester'], businessFunction: 'MFG' }),
    createVendor('Multi-Year Engineering'),
  ]);
  await fundBudget('FY2092', { MFG: '1000000.00' });
  await fundBudget('FY2093', { MFG: '1000000.00' });
});

const usd = (amount: string) => ({ amount, currency: 'USD' });

const submit = (overrides: Record<string, unknown>) =>
  call('POST', '/requests', {
    token: requester,
    body: validRequestBody({
      businessFunction: 'MFG',
      category: 'PROCESS_ENGINEERING',
      title: `Multi-year ${Date.now()}`,
      estimatedCost: usd('120000.00'),
      startDate: '2092-11-01',
      endDate: '2093-02-28',
      ...overrides,
    }),
  });

/** The request's entries of one kind on a line. */
async function entriesOf(fiscalYear: string, requestId: string, kind: string) {
  const ledger = await ledgerOfLine(admin, fiscalYear, 'MFG');
  return ledger
    .filter((entry) => entry.requestId === requestId && entry.kind === kind)
    .map((entry) => entry.amount.amount);
}

/** The request's entries of one kind on each year's line. */
async function entriesByYear(requestId: string, kind: string, years = ['FY2092', 'FY2093']) {
  return Object.fromEntries(
    await Promise.all(years.map(async (year) => [year, await entriesOf(year, requestId, kind)])),
  );
}

/** The invariant after every scenario: each year's MFG line totals are its ledger's sums. */
async function expectLinesMatchLedgers(...years: string[]) {
  for (const year of years) await expectLedgersMatchLines(admin, year, ['MFG']);
}

async function approved(requestId: string) {
  await approveSteps(requester, requestId);
  return (await requestInStatus(requester, requestId, 'APPROVED')).body;
}

describe('a request spanning fiscal years', () => {
  it('from 2092-11-01 to 2093-02-28 commits to FY2092 and FY2093 pro rata by days (61 and 59 days)', async () => {
    const submitted = await submit({});
    expect(submitted.status, submitted.text).toBe(201);
    expect(submitted.body.phasing).toEqual({
      basis: 'PRO_RATA_BY_DAYS',
      parts: [
        { fiscalYear: 'FY2092', amount: usd('61000.00'), days: 61 },
        { fiscalYear: 'FY2093', amount: usd('59000.00'), days: 59 },
      ],
    });
    expect(
      submitted.body.assessment.budgetByYear.map((year: { fiscalYear: string; requested: unknown }) => [
        year.fiscalYear,
        year.requested,
      ]),
    ).toEqual([
      ['FY2092', usd('61000.00')],
      ['FY2093', usd('59000.00')],
    ]);

    await approved(submitted.body.id);

    expect(await entriesByYear(submitted.body.id, 'COMMITMENT')).toEqual({
      FY2092: ['61000.00'],
      FY2093: ['59000.00'],
    });
    await expectLinesMatchLedgers('FY2092', 'FY2093');
  });

  it('commits the stated parts, posts an invoice to its date’s year and releases each year’s rest on withdrawal', async () => {
    const submitted = await submit({
      phasing: [
        { fiscalYear: 'FY2093', amount: usd('20000.00') },
        { fiscalYear: 'FY2092', amount: usd('100000.00') },
      ],
    });
    expect(submitted.status, submitted.text).toBe(201);
    const id = submitted.body.id;
    expect(submitted.body.phasing.basis).toBe('STATED');
    await approved(id);
    const invoice = await call('POST', '/actuals', {
      token: finance,
      body: {
        requestId: id,
        vendorId,
        invoiceNumber: `MY-${id}`,
        invoiceDate: '2093-01-15',
        amount: usd('5000.00'),
      },
    });
    expect(invoice.status, invoice.text).toBe(201);
    expect(invoice.body.fiscalYear).toBe('FY2093');

    const withdrawn = await call('POST', `/requests/${id}/withdraw`, {
      token: requester,
      body: { reason: 'Plant shutdown moved' },
    });

    expect(withdrawn.status, withdrawn.text).toBe(200);
    expect(await entriesByYear(id, 'COMMITMENT')).toEqual({ FY2092: ['100000.00'], FY2093: ['20000.00'] });
    expect(await entriesByYear(id, 'RELEASE')).toEqual({ FY2092: ['100000.00'], FY2093: ['15000.00'] });
    expect(await entriesByYear(id, 'ACTUAL')).toEqual({ FY2092: [], FY2093: ['5000.00'] });
    await expectLinesMatchLedgers('FY2092', 'FY2093');
  });

  it('refuses a stated phasing that does not fit the dates and cost, listing every problem, and stores nothing', async () => {
    const response = await submit({
      phasing: [
        { fiscalYear: 'FY2092', amount: usd('1000.00') },
        { fiscalYear: 'FY2095', amount: usd('1000.00') },
        { fiscalYear: 'FY2092', amount: { amount: '0', currency: 'EUR' } },
      ],
    });

    expect(response.status, response.text).toBe(400);
    expect(response.body.errors.map((error: { field: string }) => error.field)).toEqual(
      expect.arrayContaining(['phasing.2.amount.amount']),
    );
    const fixable = await submit({
      phasing: [
        { fiscalYear: 'FY2092', amount: usd('1000.00') },
        { fiscalYear: 'FY2095', amount: usd('1000.00') },
      ],
    });
    expect(fixable.status).toBe(400);
    expect(fixable.body.errors).toEqual([
      {
        field: 'phasing.1.fiscalYear',
        message: 'FY2095 is not among the fiscal years the dates touch (FY2092, FY2093).',
      },
      {
        field: 'phasing',
        message: 'Missing FY2093: give one entry per fiscal year the dates touch (FY2092, FY2093).',
      },
      {
        field: 'phasing',
        message: 'The parts sum to 2000.00 USD; they must sum exactly to the estimated cost, 120000.00 USD.',
      },
    ]);
  });

  it('commits no year when one year does not fit, refusing with that year’s figures', async () => {
    await fundBudget('FY2094', { MFG: '1000.00' });
    const submitted = await submit({
      estimatedCost: usd('10000.00'),
      startDate: '2093-12-01',
      endDate: '2094-01-31',
    });
    expect(submitted.status, submitted.text).toBe(201);
    expect(submitted.body.assessment.flags.map((flag: { code: string }) => flag.code)).toContain(
      'OVER_HEADROOM',
    );

    await approveSteps(requester, submitted.body.id);
    const refused = await requestInStatus(requester, submitted.body.id, 'BUDGET_EXCEEDED');

    expect(refused.body.budgetRefusal.figures).toMatchObject({
      fiscalYear: 'FY2094',
      businessFunction: 'MFG',
      available: usd('1000.00'),
      requested: usd('5000.00'),
    });
    expect(await entriesByYear(submitted.body.id, 'COMMITMENT', ['FY2093', 'FY2094'])).toEqual({
      FY2093: [],
      FY2094: [],
    });
    await expectLinesMatchLedgers('FY2093', 'FY2094');
  });

  it('flags a year without an envelope under WARN, and is refused naming the year under STOP', async () => {
    // FY2091 has no envelope: the start year's mode is WARN by default.
    const warned = await submit({
      estimatedCost: usd('2000.00'),
      startDate: '2091-12-01',
      endDate: '2092-01-31',
    });
    expect(warned.status, warned.text).toBe(201);
    expect(warned.body.assessment.flags.map((flag: { code: string }) => flag.code)).toContain(
      'NO_BUDGET_LINE',
    );
    expect(warned.body.assessment.budgetByYear[0]).toMatchObject({ fiscalYear: 'FY2091', fits: false });
    await call('POST', `/requests/${warned.body.id}/withdraw`, {
      token: requester,
      body: { reason: 'Test done' },
    });
    await fundBudget('FY2095', { MFG: '100000.00' });
    const stop = await call('PUT', '/budgets/FY2095', {
      token: admin,
      body: { ...usd('900000000.00'), controls: { atSubmission: 'STOP' } },
    });
    expect(stop.status, stop.text).toBeLessThan(300);

    const stopped = await submit({
      estimatedCost: usd('2000.00'),
      startDate: '2095-12-01',
      endDate: '2096-01-31',
    });

    expect(stopped.status, stopped.text).toBe(409);
    expect(stopped.body).toMatchObject({
      fiscalYear: 'FY2096',
      businessFunction: 'MFG',
      requested: usd('1000.00'),
    });
    expect(stopped.body.detail).toContain('FY2096 has no budget envelope');
  });

  it('takes a stated phasing in an edit, keeps it until changed, and goes back to pro rata when it is removed', async () => {
    const submitted = await submit({});
    expect(submitted.status, submitted.text).toBe(201);
    const id = submitted.body.id;
    const asked = await triaged(id, {
      outcome: 'NEEDS_INFO',
      note: 'Before approval:',
      questions: ['How does the cost fall by year?'],
    });
    const patch = (body: Record<string, unknown>, etag: string) =>
      call('PATCH', `/requests/${id}`, { token: requester, headers: { 'If-Match': etag }, body });

    const stated = await patch(
      {
        phasing: [
          { fiscalYear: 'FY2092', amount: usd('90000.00') },
          { fiscalYear: 'FY2093', amount: usd('30000.00') },
        ],
      },
      asked.headers.get('etag') ?? '',
    );
    const etag = stated.headers.get('etag') ?? '';
    const longer = await patch({ endDate: '2094-01-31' }, etag);
    const proRata = await patch({ endDate: '2093-01-31', phasing: null }, etag);

    expect(stated.status, stated.text).toBe(200);
    expect(stated.body.phasing.basis).toBe('STATED');
    expect(longer.status, longer.text).toBe(400);
    expect(longer.body.errors).toEqual([
      {
        field: 'phasing',
        message: 'Missing FY2094: give one entry per fiscal year the dates touch (FY2092, FY2093, FY2094).',
      },
    ]);
    expect(proRata.status, proRata.text).toBe(200);
    // 61 days in FY2092, 31 in FY2093: 120,000.00 x 61 / 92 = 79,565.21 (rounded down), the rest to FY2093.
    expect(proRata.body.phasing).toEqual({
      basis: 'PRO_RATA_BY_DAYS',
      parts: [
        { fiscalYear: 'FY2092', amount: usd('79565.21'), days: 61 },
        { fiscalYear: 'FY2093', amount: usd('40434.79'), days: 31 },
      ],
    });
    await call('POST', `/requests/${id}/withdraw`, { token: requester, body: { reason: 'Test done' } });
  });
});

describe("the issue's own example, on a business function of this file's", () => {
  it('commits a request from 2027-11-01 to 2028-02-28 to FY2027 and FY2028 in stated and in pro-rata parts', async () => {
    const LAB = 'PHASED_LAB';
    await addBusinessFunctions([LAB], 'Multi-year');
    await fundBudget('FY2027', { [LAB]: '500000.00' });
    await fundBudget('FY2028', { [LAB]: '500000.00' });
    const labRequester = await tokenFor({ groups: ['requester'], businessFunction: LAB });
    const submitLab = (phasing?: unknown) =>
      call('POST', '/requests', {
        token: labRequester,
        body: validRequestBody({
          businessFunction: LAB,
          title: `Phased ${Date.now()}`,
          estimatedCost: usd('120000.00'),
          startDate: '2027-11-01',
          endDate: '2028-02-28',
          ...(phasing ? { phasing } : {}),
        }),
      });
    const labEntries = async (id: string) =>
      Object.fromEntries(
        await Promise.all(
          ['FY2027', 'FY2028'].map(async (year) => [
            year,
            (await ledgerOfLine(admin, year, LAB))
              .filter((entry) => entry.requestId === id && entry.kind === 'COMMITMENT')
              .map((entry) => entry.amount.amount),
          ]),
        ),
      );

    const proRata = await submitLab();
    const stated = await submitLab([
      { fiscalYear: 'FY2027', amount: usd('30000.00') },
      { fiscalYear: 'FY2028', amount: usd('90000.00') },
    ]);
    for (const { body } of [proRata, stated]) {
      await approveSteps(labRequester, body.id);
      await requestInStatus(labRequester, body.id, 'APPROVED');
    }

    expect(await labEntries(proRata.body.id)).toEqual({ FY2027: ['61000.00'], FY2028: ['59000.00'] });
    expect(await labEntries(stated.body.id)).toEqual({ FY2027: ['30000.00'], FY2028: ['90000.00'] });
    for (const year of ['FY2027', 'FY2028']) await expectLedgersMatchLines(admin, year, [LAB]);
  });
});
