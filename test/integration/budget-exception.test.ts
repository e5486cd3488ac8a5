import { beforeAll, describe, expect, it } from 'vitest';
import { expectLedgersMatchLines, ledgerOfLine } from './budget-support.js';
import {
  apiFetch,
  approveSteps,
  budgetExceptionOf,
  call,
  fundBudget,
  postForm,
  requestInStatus,
  tokenFor,
  validRequestBody,
} from './support.js';

// The over-budget exception route. This file works on fiscal years FY2033-FY2035 and FY2036 (nobody else
// budgets them): QA's line is short, MFG's and SC's lines are the possible sources.
let admin: string;
let requester: string;

beforeAll(async () => {
  [admin, requester] = await Promise.all([
    tokenFor({ groups: ['admin'], businessFunction: 'STRATEGY' }),
    tokenFor({ groups: ['requester'], businessFunction: 'QA' }),
  ]);
});

/** A QA request of `amount` in the year, its chain approved: waiting on its budget exception step. */
async function overBudget(fiscalYear: string, amount: string) {
  const year = fiscalYear.slice(2);
  const submitted = await call('POST', '/requests', {
    token: requester,
    body: validRequestBody({
      title: `Over budget ${fiscalYear} ${amount}`,
      estimatedCost: { amount, currency: 'USD' },
      startDate: `${year}-03-01`,
      endDate: `${year}-06-30`,
    }),
  });
  expect(submitted.status, submitted.text).toBe(201);
  const id: string = submitted.body.id;
  await approveSteps(requester, id);
  return { id, ...(await budgetExceptionOf(requester, id)) };
}

const entriesOf = async (fiscalYear: string, businessFunction: string) =>
  (await ledgerOfLine(admin, fiscalYear, businessFunction)).map((entry) => ({
    kind: entry.kind,
    amount: entry.amount.amount,
    ...(entry.requestId ? { requestId: entry.requestId } : {}),
  }));

async function lineOf(fiscalYear: string, businessFunction: string) {
  const view = await call('GET', `/budgets/${fiscalYear}`, { token: admin });
  return view.body.lines.find(
    (line: { businessFunction: string }) => line.businessFunction === businessFunction,
  );
}

describe('the over-budget exception route', () => {
  it('asks the head of FINANCE with the line’s figures, and funding by the page moves exactly the shortfall', async () => {
    await fundBudget('FY2036', { QA: '1000.00', MFG: '10000.00' });
    const { id, approver, email, link } = await overBudget('FY2036', '3000.00');

    const page = await apiFetch(link);
    const html = await page.text();
    const decided = await postForm(link, { reviewed: 'yes', decision: 'FUND_BY_TRANSFER', fundFrom: 'MFG' });

    expect(approver.email).toBe('samuel.adeyemi@techops.example');
    expect(email.text).toContain('Needed: USD 3000.00');
    expect(email.text).toContain('Available: USD 1000.00');
    expect(page.status).toBe(200);
    expect(html).toContain('Shortfall</dt><dd>USD 2000.00');
    expect(html).toContain('<option value="MFG">MFG (USD 10000.00 available)</option>');
    expect(html).toContain('value="FUND_BY_TRANSFER"');
    expect(html).not.toContain('value="APPROVED"');
    expect(decided.status, decided.text).toBe(200);
    expect(decided.text).toContain('USD 2000.00 from MFG');
    const request = await requestInStatus(requester, id, 'APPROVED');
    expect(request.body.approvalChain.steps.at(-1)).toMatchObject({
      kind: 'BUDGET_EXCEPTION',
      status: 'APPROVED',
      transferId: expect.stringMatching(/^trf_/),
    });
    expect(await entriesOf('FY2036', 'QA')).toEqual(
      expect.arrayContaining([
        { kind: 'TRANSFER_IN', amount: '2000.00' },
        { kind: 'COMMITMENT', amount: '3000.00', requestId: id },
      ]),
    );
    expect(await entriesOf('FY2036', 'MFG')).toContainEqual({ kind: 'TRANSFER_OUT', amount: '2000.00' });
    expect((await lineOf('FY2036', 'QA')).available.amount).toBe('0.00');
    expect((await lineOf('FY2036', 'MFG')).available.amount).toBe('8000.00');
    await expectLedgersMatchLines(admin, 'FY2036', ['QA', 'MFG']);
  });

  it('refuses a source without room, its own line and a plain approval, leaving the step pending; then funds the amount chosen', async () => {
    await fundBudget('FY2033', { QA: '1000.00', MFG: '10000.00', SC: '100.00' });
    const { id, approvalId, approverToken } = await overBudget('FY2033', '3000.00');
    const decide = (body: Record<string, unknown>) =>
      call('POST', `/approvals/${approvalId}/decision`, { token: approverToken, body });

    const tooPoor = await decide({ decision: 'FUND_BY_TRANSFER', fundFrom: 'SC' });
    const itself = await decide({ decision: 'FUND_BY_TRANSFER', fundFrom: 'QA' });
    const belowShortfall = await decide({ decision: 'FUND_BY_TRANSFER', fundFrom: 'MFG', amount: '1999.99' });
    const approved = await decide({ decision: 'APPROVED' });
    const funded = await decide({ decision: 'FUND_BY_TRANSFER', fundFrom: 'MFG', amount: '2500.00' });

    expect(tooPoor.status, tooPoor.text).toBe(409);
    expect(tooPoor.body).toMatchObject({ businessFunction: 'SC', available: { amount: '100.00' } });
    expect(itself.status).toBe(400);
    expect(belowShortfall.status).toBe(400);
    expect(belowShortfall.body.errors).toEqual([
      expect.objectContaining({ field: 'amount', message: expect.stringContaining('2000.00') }),
    ]);
    expect(approved.status).toBe(400);
    expect(funded.status, funded.text).toBe(200);
    expect(funded.body.decision.funding).toMatchObject({ from: 'MFG', amount: { amount: '2500.00' } });
    await requestInStatus(requester, id, 'APPROVED');
    expect((await lineOf('FY2033', 'QA')).available.amount).toBe('500.00');
    expect((await lineOf('FY2033', 'SC')).available.amount).toBe('100.00');
    await expectLedgersMatchLines(admin, 'FY2033', ['QA', 'MFG', 'SC']);
  });

  it('ends BUDGET_EXCEEDED with nothing committed when the exception approver rejects', async () => {
    await fundBudget('FY2034', { QA: '1000.00', MFG: '10000.00' });
    const { id, link } = await overBudget('FY2034', '3000.00');

    const withoutComment = await postForm(link, { reviewed: 'yes', decision: 'REJECTED' });
    const rejected = await postForm(link, {
      reviewed: 'yes',
      decision: 'REJECTED',
      comment: 'Not this year',
    });

    expect(withoutComment.status).toBe(400);
    expect(rejected.status, rejected.text).toBe(200);
    const request = await requestInStatus(requester, id, 'BUDGET_EXCEEDED');
    expect(request.body.budgetRefusal.figures).toMatchObject({
      businessFunction: 'QA',
      requested: { amount: '3000.00', currency: 'USD' },
    });
    expect((await entriesOf('FY2034', 'QA')).filter((entry) => entry.requestId === id)).toEqual([]);
    expect((await lineOf('FY2034', 'MFG')).allocated.amount).toBe('10000.00');
    await expectLedgersMatchLines(admin, 'FY2034', ['QA', 'MFG']);
  });

  it('refuses IGNORE at approval: money is never committed beyond available', async () => {
    const response = await call('PUT', '/budgets/FY2035', {
      token: admin,
      body: { amount: '1000.00', currency: 'USD', controls: { atApproval: 'IGNORE' } },
    });

    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([expect.objectContaining({ field: 'controls.atApproval' })]);
  });
});
