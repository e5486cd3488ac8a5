import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { concentrationOf } from '../../functions/reports/figures.js';
import type { Portfolio } from '../../functions/reports/model.js';
import { PROJECT_ROOT } from '../../infra/constructs/handler-function.js';
import { addBusinessFunctions } from './business-function-support.js';
import {
  acceptedAtTriage,
  approvedRequest,
  call,
  createVendor,
  eventually,
  fetchOutsideApi,
  fundBudget,
  readOutbox,
  tokenFor,
  triaged,
  validRequestBody,
  vendorOnRecord,
} from './support.js';

/**
 * The portfolio view against the local cloud, on demo data of this file's own (FY2055, three
 * business functions added here): spread over business functions, vendors, categories and
 * quarters, through the real workflow, then held to the budget view and the spend export.
 */
const YEAR = 'FY2055';
const [PQA, PMFG, PENG] = ['PORT_QA', 'PORT_MFG', 'PORT_ENG'];
const run = promisify(execFile);

type Amount = { amount: string; currency: string };
const cents = (amount: Amount | string) =>
  BigInt((typeof amount === 'string' ? amount : amount.amount).replace('.', ''));
const total = (amounts: (Amount | string)[]) => amounts.reduce((sum, amount) => sum + cents(amount), 0n);

let finance: string;
let portfolio: Portfolio;
let vendors: string[];
const redirectedAmount = '18000.00';

beforeAll(async () => {
  await addBusinessFunctions([PQA, PMFG, PENG], 'Portfolio');
  await fundBudget(YEAR, { [PQA]: '400000.00', [PMFG]: '300000.00', [PENG]: '200000.00' });
  finance = await tokenFor({ groups: ['finance'] });
  vendors = await Promise.all([
    vendorOnRecord({ status: 'APPROVED', score: 4, paperwork: false, year: 2055 }),
    createVendor('Portfolio Validation Partners'),
    createVendor('Portfolio Process Experts', undefined, 'HIGH'),
  ]);
  const [v1, v2, v3] = vendors as [string, string, string];
  // Approved requests across business functions, categories, vendors and quarters.
  const approved = await Promise.all(
    (
      [
        [PQA, 'VALIDATION_CQV', '40000.00', v1, '2055-02-01'],
        [PQA, 'REGULATORY', '12500.50', v2, '2055-05-10'],
        [PMFG, 'PROCESS_ENGINEERING', '30000.00', v3, '2055-08-01'],
        [PMFG, 'VALIDATION_CQV', '9000.00', v1, '2055-11-15'],
        [PENG, 'DIGITAL_DATA', '20000.00', undefined, '2055-04-01'],
      ] as const
    ).map(([businessFunction, category, amount, vendorId, startDate]) =>
      approvedRequest({
        businessFunction,
        category,
        estimatedCost: { amount, currency: 'USD' },
        ...(vendorId ? { preferredVendorId: vendorId } : {}),
        startDate,
        endDate: '2055-12-31',
      }),
    ),
  );
  // Invoices in three quarters, one beyond its commitment.
  const invoices: [number, string, string][] = [
    [0, '2055-03-15', '15000.00'],
    [0, '2055-07-20', '10000.00'],
    [2, '2055-09-30', '31000.00'],
    [4, '2055-12-01', '5000.25'],
  ];
  for (const [index, invoiceDate, amount] of invoices) {
    const request = approved[index]!;
    const recorded = await call('POST', '/actuals', {
      token: finance,
      headers: { 'Idempotency-Key': `portfolio-${request.id}-${invoiceDate}` },
      body: {
        requestId: request.id,
        invoiceNumber: `PF-${index}-${invoiceDate}`,
        invoiceDate,
        amount: { amount, currency: 'USD' },
        ...(request.preferredVendorId ? {} : { vendorId: v2 }),
      },
    });
    expect(recorded.status, recorded.text).toBe(201);
  }
  // Triage outcomes: redirected in-house, declined, one waiting in triage, one in approval.
  const requester = await tokenFor({ groups: ['requester'], businessFunction: PENG });
  const submit = async (overrides: Record<string, unknown>) => {
    const response = await call('POST', '/requests', {
      token: requester,
      body: validRequestBody({
        businessFunction: PENG,
        startDate: '2055-06-01',
        endDate: '2055-09-30',
        ...overrides,
      }),
    });
    expect(response.status, response.text).toBe(201);
    return response.body.id as string;
  };
  const [redirected, declined, waiting, inApproval] = await Promise.all([
    submit({ estimatedCost: { amount: redirectedAmount, currency: 'USD' } }),
    submit({ estimatedCost: { amount: '7000.00', currency: 'USD' }, category: 'OTHER' }),
    submit({ estimatedCost: { amount: '3000.00', currency: 'USD' }, category: 'SUPPLY_CHAIN' }),
    submit({ estimatedCost: { amount: '4000.00', currency: 'USD' }, category: 'SUPPLY_CHAIN' }),
  ]);
  await triaged(redirected!, {
    outcome: 'REDIRECT_INTERNAL',
    note: 'The CQV team can.',
    internalCapabilityId: 'CQV_TEAM',
  });
  await triaged(declined!, { outcome: 'DECLINE', note: 'Not needed this year.' });
  await eventually(async () => {
    const response = await call('GET', `/requests/${waiting}`, { token: requester });
    return response.body.status === 'IN_TRIAGE' || undefined;
  }, 'the waiting request in triage');
  await acceptedAtTriage(inApproval!);

  const response = await call('GET', `/reports/portfolio?fiscalYear=${YEAR}`, { token: finance });
  expect(response.status, response.text).toBe(200);
  portfolio = response.body;
}, 240_000);

describe('the portfolio view, against the budget view and the spend export', () => {
  it('has the budget view’s totals and lines', async () => {
    const budget = (await call('GET', `/budgets/${YEAR}`, { token: finance })).body;

    for (const figure of ['envelope', 'committed', 'actual', 'available', 'requested'] as const) {
      expect(portfolio.totals[figure], figure).toEqual(budget[figure]);
    }
    expect(cents(portfolio.totals.allocated)).toBe(cents(budget.allocated));
    expect(portfolio.byBusinessFunction).toEqual(
      budget.lines.map((line: Record<string, unknown>) => ({
        businessFunction: line.businessFunction,
        allocated: line.allocated,
        requested: line.requested,
        committed: line.committed,
        actual: line.actual,
        available: line.available,
        utilizationPercent: line.utilizationPercent,
      })),
    );
    expect(
      portfolio.byBusinessFunction.map((line: { businessFunction: string }) => line.businessFunction),
    ).toEqual([PENG, PMFG, PQA]);
  });

  it('adds up, by category, vendor and quarter, to the spend export’s rows and totals', async () => {
    const exported = (await call('GET', `/exports/spend?fiscalYear=${YEAR}&format=json`, { token: finance }))
      .body;
    const rows = exported.rows as { category: string; vendorId: string; committed: string; actual: string }[];

    expect(exported.totals.committed).toEqual(portfolio.totals.committed);
    expect(exported.totals.actual).toEqual(portfolio.totals.actual);
    for (const category of portfolio.byCategory) {
      const mine = rows.filter((row) => row.category === category.category);
      expect(cents(category.committed), category.category).toBe(total(mine.map((row) => row.committed)));
      expect(cents(category.actual), category.category).toBe(total(mine.map((row) => row.actual)));
    }
    for (const vendor of portfolio.byVendor.vendors) {
      const mine = rows.filter((row) => row.vendorId === vendor.vendorId);
      expect(cents(vendor.committed)).toBe(total(mine.map((row) => row.committed)));
      expect(cents(vendor.actual)).toBe(total(mine.map((row) => row.actual)));
    }
    const { withoutVendor } = portfolio.byVendor;
    const noVendor = rows.filter((row) => row.vendorId === '');
    expect(cents(withoutVendor.committed)).toBe(total(noVendor.map((row) => row.committed)));
    const quarters = portfolio.byQuarter;
    expect(total(quarters.map((quarter: { actual: Amount }) => quarter.actual))).toBe(
      cents(portfolio.totals.actual),
    );
    expect(total(quarters.map((quarter: { committed: Amount }) => quarter.committed))).toBe(
      cents(portfolio.totals.committed),
    );
    // By invoice date: Q1 15,000.00; Q2 none; Q3 10,000.00 + 31,000.00; Q4 5,000.25.
    expect(quarters.map((quarter: { actual: Amount }) => quarter.actual.amount)).toEqual([
      '15000.00',
      '0.00',
      '41000.00',
      '5000.25',
    ]);
    expect(quarters.map((quarter: { committed: Amount }) => quarter.committed.amount)).toEqual([
      '40000.00',
      '32500.50',
      '30000.00',
      '9000.00',
    ]);
  });

  it('ranks vendors by spend, with shares and concentration worked out from their spends', () => {
    const { vendors: ranked, top5SharePercent, herfindahlHirschmanIndex } = portfolio.byVendor;
    const spends = ranked.map((vendor: { spend: Amount }) => Number(cents(vendor.spend)));

    expect(ranked.map((vendor: { vendorId: string }) => vendor.vendorId).sort()).toEqual([...vendors].sort());
    expect(spends).toEqual([...spends].sort((a, b) => b - a));
    // v3 invoiced 31,000.00 against 30,000.00 committed: its spend is the larger.
    expect(ranked.find((vendor: { vendorId: string }) => vendor.vendorId === vendors[2])).toMatchObject({
      spend: { amount: '31000.00', currency: 'USD' },
      riskTier: 'HIGH',
    });
    expect(ranked.find((vendor: { vendorId: string }) => vendor.vendorId === vendors[0])).toMatchObject({
      status: 'APPROVED',
      averageReviewScore: 4,
    });
    expect({ top5SharePercent, herfindahlHirschmanIndex }).toEqual(concentrationOf(spends));
  });

  it('counts triage outcomes with their money, what was redirected in-house, and what waits', () => {
    const outcome = (name: string) =>
      portfolio.triage.outcomes.find((row: { outcome: string }) => row.outcome === name);

    expect(outcome('REDIRECT_INTERNAL')).toEqual({
      outcome: 'REDIRECT_INTERNAL',
      requests: 1,
      amount: { amount: redirectedAmount, currency: 'USD' },
    });
    expect(outcome('DECLINE')?.requests).toBe(1);
    expect(outcome('UNDECIDED')?.requests).toBe(1);
    expect(portfolio.triage.redirectedToInternalCapabilities.byCapability).toEqual([
      expect.objectContaining({
        id: 'CQV_TEAM',
        requests: 1,
        amount: { amount: redirectedAmount, currency: 'USD' },
      }),
    ]);
    expect(portfolio.pending.triage[0]!).toEqual({
      band: '0-2 days',
      requests: 1,
      amount: { amount: '3000.00', currency: 'USD' },
    });
    expect(portfolio.pending.approvals[0]!).toEqual({
      band: '0-2 days',
      requests: 1,
      amount: { amount: '4000.00', currency: 'USD' },
    });
    expect(portfolio.cycleTimes.submissionToTriageDecision.count).toBeGreaterThanOrEqual(8);
    expect(portfolio.cycleTimes.submissionToFinalDecision.count).toBe(7);
    expect(portfolio.cycleTimes.byApprovalStep.length).toBeGreaterThan(0);
    expect(portfolio.reads).toMatchObject({ lines: 3, positions: 5, requests: 9 });
  });

  it('refuses requesters, unknown years and bad queries', async () => {
    const requester = await tokenFor({ groups: ['requester'], businessFunction: PQA });
    const triager = await tokenFor({ groups: ['triager'] });

    expect((await call('GET', `/reports/portfolio?fiscalYear=${YEAR}`, { token: requester })).status).toBe(
      403,
    );
    expect((await call('GET', `/reports/portfolio?fiscalYear=${YEAR}`, { token: triager })).status).toBe(200);
    expect((await call('GET', '/reports/portfolio?fiscalYear=FY2058', { token: finance })).status).toBe(404);
    const bad = await call('GET', '/reports/portfolio?fiscalYear=2055&format=pdf', { token: finance });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((error: { field: string }) => error.field).sort()).toEqual([
      'fiscalYear',
      'format',
    ]);
  });
});

describe('the page', () => {
  it('shows the JSON’s figures, through a short-lived link', async () => {
    const answer = await call('GET', `/reports/portfolio?fiscalYear=${YEAR}&format=html`, {
      token: finance,
      redirect: 'manual',
    });
    expect(answer.status).toBe(303);
    const page = await fetchOutsideApi(answer.headers.get('location')!);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const text = await page.text();
    const figures = new Map(
      [...text.matchAll(/<data data-figure="([^"]+)" value="([^"]*)">/g)].map((match) => [
        match[1]!,
        match[2]!,
      ]),
    );

    expect(text).not.toMatch(/<script/i);
    expect(text).toContain('<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;');
    for (const figure of [
      'envelope',
      'allocated',
      'committed',
      'actual',
      'available',
      'requested',
    ] as const) {
      expect(figures.get(`totals.${figure}`), figure).toBe(portfolio.totals[figure].amount);
    }
    for (const line of portfolio.byBusinessFunction) {
      for (const figure of ['allocated', 'requested', 'committed', 'actual', 'available'] as const) {
        expect(figures.get(`byBusinessFunction.${line.businessFunction}.${figure}`)).toBe(
          line[figure].amount,
        );
      }
    }
    for (const quarter of portfolio.byQuarter) {
      expect(figures.get(`byQuarter.${quarter.quarter}.actual`)).toBe(quarter.actual.amount);
      expect(figures.get(`byQuarter.${quarter.quarter}.committed`)).toBe(quarter.committed.amount);
    }
    for (const vendor of portfolio.byVendor.vendors) {
      expect(figures.get(`byVendor.${vendor.vendorId}.spend`)).toBe(vendor.spend.amount);
      expect(figures.get(`byVendor.${vendor.vendorId}.sharePercent`)).toBe(vendor.sharePercent);
    }
    for (const category of portfolio.byCategory) {
      expect(figures.get(`byCategory.${category.category}.committed`)).toBe(category.committed.amount);
      expect(figures.get(`byCategory.${category.category}.requests`)).toBe(String(category.requests));
    }
    expect(figures.get('byVendor.herfindahlHirschmanIndex')).toBe(
      portfolio.byVendor.herfindahlHirschmanIndex,
    );
    expect(figures.get('byVendor.top5SharePercent')).toBe(portfolio.byVendor.top5SharePercent);
    expect(figures.get('triage.redirected')).toBe(redirectedAmount);
  });
});

describe('the weekly digest', () => {
  it('emails the recipients the headline figures and the page’s link', async () => {
    await run('npm', ['run', '--silent', 'portfolio-digest', '--', JSON.stringify({ fiscalYear: YEAR })], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, LOCAL_DATA_DIR: inject('dataDir') },
    });

    const digest = await eventually(
      () =>
        readOutbox().find((email) => email.subject === `Consultancy portfolio ${YEAR}: the week's figures`),
      'the portfolio digest',
    );
    expect(digest.to).toEqual(['sam.strategy@techops.example']);
    const committed = portfolio.totals.committed.amount.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    expect(digest.text).toContain(`Committed: ${committed} USD`);
    expect(digest.text).toContain(
      `Herfindahl-Hirschman index: ${portfolio.byVendor.herfindahlHirschmanIndex}`,
    );
    expect(digest.links).toContain(`${inject('apiUrl')}/reports/portfolio?fiscalYear=${YEAR}&format=html`);
  });
});
