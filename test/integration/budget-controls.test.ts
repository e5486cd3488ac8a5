import { beforeAll, describe, expect, it } from 'vitest';
import {
  approver,
  expectLedgersMatchLines,
  insertApprovedRequest,
  ledgerOfLine,
  localBudgetsDomain,
} from './budget-support.js';
import { call, createVendor, tokenFor, validRequestBody } from './support.js';

// This file works on fiscal years FY2080-FY2087 (nobody else budgets them), on the
// lines of ENG and SC; every figure it asserts is of those years only.
let admin: string;
let secondAdmin: string;
let finance: string;
let engRequester: string;
let domain: Awaited<ReturnType<typeof localBudgetsDomain>>;

beforeAll(async () => {
  [admin, secondAdmin, finance, engRequester, domain] = await Promise.all([
    tokenFor({ sub: 'claire-strategy', name: 'Claire Dubois', groups: ['admin'] }),
    tokenFor({ sub: 'omar-strategy', name: 'Omar Haddad', groups: ['admin'] }),
    tokenFor({ sub: 'sam-finance', name: 'Samuel Adeyemi', groups: ['finance'] }),
    tokenFor({ groups: ['requester'], businessFunction: 'ENG' }),
    localBudgetsDomain(),
  ]);
});

const usd = (amount: string) => ({ amount, currency: 'USD' });

async function envelope(fiscalYear: string, body: Record<string, unknown> = {}) {
  const response = await call('PUT', `/budgets/${fiscalYear}`, {
    token: admin,
    body: { ...usd('1000000.00'), ...body },
  });
  expect(response.status, response.text).toBeLessThan(300);
  return response;
}

async function allocate(fiscalYear: string, businessFunction: string, amount: string) {
  const response = await call('PUT', `/budgets/${fiscalYear}/allocations/${businessFunction}`, {
    token: admin,
    body: usd(amount),
  });
  expect(response.status, response.text).toBe(200);
}

async function lineOf(fiscalYear: string, businessFunction: string) {
  const view = await call('GET', `/budgets/${fiscalYear}`, { token: admin });
  return view.body.lines.find(
    (line: { businessFunction: string }) => line.businessFunction === businessFunction,
  );
}

const submit = (fiscalYear: string, amount: string) =>
  call('POST', '/requests', {
    token: engRequester,
    body: validRequestBody({
      businessFunction: 'ENG',
      title: `ENG ${fiscalYear} ${amount}`,
      estimatedCost: usd(amount),
      startDate: `${fiscalYear.slice(2)}-03-01`,
      endDate: `${fiscalYear.slice(2)}-06-30`,
    }),
  });

const flagCodes = (request: { assessment: { flags: { code: string }[] } }) =>
  request.assessment.flags.map((flag) => flag.code);

describe('budget control modes at submission', () => {
  it('stores the controls with the envelope (defaults: WARN at submission, STOP at approval)', async () => {
    const first = await envelope('FY2085');
    const changed = await envelope('FY2085', { controls: { atSubmission: 'IGNORE' } });

    expect(first.body.controls).toEqual({ atSubmission: 'WARN', atApproval: 'STOP' });
    expect(changed.body.controls).toEqual({ atSubmission: 'IGNORE', atApproval: 'STOP' });
    expect((await call('GET', '/budgets/FY2085', { token: admin })).body.controls).toEqual(
      changed.body.controls,
    );
  });

  it('refuses a request that does not fit under STOP (409 with the figures), flags it under WARN, lets it pass unflagged under IGNORE', async () => {
    await envelope('FY2081', { controls: { atSubmission: 'STOP' } });
    await allocate('FY2081', 'ENG', '10000.00');

    const fits = await submit('FY2081', '6000.00');
    const stopped = await submit('FY2081', '6000.00');
    await envelope('FY2081', { controls: { atSubmission: 'WARN' } });
    const warned = await submit('FY2081', '6000.00');
    await envelope('FY2081', { controls: { atSubmission: 'IGNORE' } });
    const ignored = await submit('FY2081', '6000.00');

    expect(fits.status, fits.text).toBe(201);
    expect(stopped.status, stopped.text).toBe(409);
    expect(stopped.body).toMatchObject({
      fiscalYear: 'FY2081',
      businessFunction: 'ENG',
      allocated: usd('10000.00'),
      committed: usd('0.00'),
      available: usd('10000.00'),
      pipeline: usd('6000.00'),
      requested: usd('6000.00'),
    });
    expect(warned.status).toBe(201);
    expect(flagCodes(warned.body)).toContain('OVER_HEADROOM');
    expect(ignored.status).toBe(201);
    expect(flagCodes(ignored.body)).not.toContain('OVER_HEADROOM');
    expect(ignored.body.assessment.budget.fits).toBe(false);
  });

  it('lets a request of a fiscal year without envelope through, flagged NO_BUDGET_LINE', async () => {
    const response = await submit('FY2080', '1000.00');

    expect(response.status, response.text).toBe(201);
    expect(flagCodes(response.body)).toContain('NO_BUDGET_LINE');
  });
});

describe('the pipeline in the budget view', () => {
  it('shows per line and for the year what undecided requests of the year ask for, and what is left after them', async () => {
    // FY2081's ENG line: the three requests the control test stored are undecided.
    const view = await call('GET', '/budgets/FY2081', { token: admin });
    const eng = view.body.lines.find((line: { businessFunction: string }) => line.businessFunction === 'ENG');

    expect(view.status).toBe(200);
    expect(eng).toMatchObject({
      available: usd('10000.00'),
      requested: usd('18000.00'),
      availableAfterPipeline: usd('-8000.00'),
    });
    expect(view.body).toMatchObject({ requested: usd('18000.00'), availableAfterPipeline: usd('-8000.00') });
  });

  it("shows a requester their own line's pipeline", async () => {
    const view = await call('GET', '/budgets/FY2081', { token: engRequester });

    expect(view.body.lines).toHaveLength(1);
    expect(view.body.lines[0]).toMatchObject({ businessFunction: 'ENG', requested: usd('18000.00') });
    expect(view.body.requested).toBeUndefined();
  });
});

describe('four-eyes transfers', () => {
  beforeAll(async () => {
    await envelope('FY2082', { fourEyesThreshold: usd('50000.00') });
    await allocate('FY2082', 'ENG', '200000.00');
    await allocate('FY2082', 'SC', '1000.00');
  });

  const transfer = (amount: string, token = admin) =>
    call('POST', '/budgets/FY2082/transfers', {
      token,
      body: { from: 'ENG', to: 'SC', amount: usd(amount), reason: 'Rebalance' },
    });
  const decide = (transferId: string, token: string, body: Record<string, unknown>) =>
    call('POST', `/budgets/FY2082/transfers/${transferId}/decision`, { token, body });

  it('executes a transfer up to the threshold at once, and holds one above it PENDING until a second person approves', async () => {
    const small = await transfer('50000.00');
    const large = await transfer('60000.00');
    const before = await lineOf('FY2082', 'ENG');
    const byCreator = await decide(large.body.transferId, admin, { decision: 'APPROVE' });
    const bySecond = await decide(large.body.transferId, finance, { decision: 'APPROVE' });
    const again = await decide(large.body.transferId, finance, { decision: 'APPROVE' });
    const byThird = await decide(large.body.transferId, secondAdmin, { decision: 'APPROVE' });

    expect(small.status, small.text).toBe(201);
    expect(small.body.status).toBe('EXECUTED');
    expect(large.status, large.text).toBe(202);
    expect(large.body).toMatchObject({ status: 'PENDING', from: 'ENG', to: 'SC', amount: usd('60000.00') });
    expect(before.allocated).toEqual(usd('150000.00'));
    expect(byCreator.status).toBe(403);
    expect(byCreator.body.detail).toMatch(/another person/);
    expect(bySecond.status, bySecond.text).toBe(200);
    expect(bySecond.body).toMatchObject({
      status: 'EXECUTED',
      decidedBy: { sub: 'sam-finance' },
      lines: { from: { allocated: usd('90000.00') }, to: { allocated: usd('111000.00') } },
    });
    expect(again.status).toBe(200);
    expect(byThird.status).toBe(409);
    expect(byThird.body.currentStatus).toBe('EXECUTED');
    await expectLedgersMatchLines(admin, 'FY2082', ['ENG', 'SC']);
  });

  it('rejects a pending transfer with a reason and moves nothing; lists transfers by status', async () => {
    const pending = await transfer('55000.00');
    const noReason = await decide(pending.body.transferId, secondAdmin, { decision: 'REJECT' });
    const rejected = await decide(pending.body.transferId, secondAdmin, {
      decision: 'REJECT',
      reason: 'Not now',
    });
    const listed = await call('GET', '/budgets/FY2082/transfers?status=REJECTED', { token: finance });
    const all = await call('GET', '/budgets/FY2082/transfers?limit=2', { token: finance });

    expect(noReason.status).toBe(400);
    expect(rejected.status, rejected.text).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'REJECTED', decisionReason: 'Not now' });
    expect((await lineOf('FY2082', 'ENG')).allocated).toEqual(usd('90000.00'));
    expect(listed.status, listed.text).toBe(200);
    expect(listed.body.items.map((item: { transferId: string }) => item.transferId)).toEqual([
      pending.body.transferId,
    ]);
    expect(all.body.items).toHaveLength(2);
    expect(all.body.nextCursor).toBeDefined();
    await expectLedgersMatchLines(admin, 'FY2082', ['ENG', 'SC']);
  });

  it('checks availability again on approval: a pending transfer the line can no longer afford is refused with the figures', async () => {
    const pending = await transfer('80000.00');
    await transfer('20000.00');

    const approval = await decide(pending.body.transferId, finance, { decision: 'APPROVE' });

    expect(pending.status).toBe(202);
    expect(approval.status, approval.text).toBe(409);
    expect(approval.body).toMatchObject({
      businessFunction: 'ENG',
      available: usd('70000.00'),
      requested: usd('80000.00'),
    });
    expect(
      (await call('GET', '/budgets/FY2082/transfers?status=PENDING', { token: finance })).body.items,
    ).toHaveLength(1);
    await expectLedgersMatchLines(admin, 'FY2082', ['ENG', 'SC']);
  });
});

describe('year-end close and carry-forward', () => {
  let vendorId: string;
  beforeAll(async () => {
    vendorId = await createVendor('Carry Forward Engineering');
  });

  /** An approved request of ENG in the year, committed through the workflow's domain function. */
  async function committed(fiscalYear: string, amount: string) {
    const request = await insertApprovedRequest(domain, {
      businessFunction: 'ENG',
      fiscalYear,
      amount,
      preferredVendorId: vendorId,
    });
    await domain.commitApprovedRequest(request, approver, new Date().toISOString());
    return request;
  }

  const invoice = (requestId: string, number: string, amount: string, invoiceDate: string) =>
    call('POST', '/actuals', {
      token: finance,
      body: { requestId, invoiceNumber: number, invoiceDate, amount: usd(amount) },
    });

  it('carries each open commitment whole to the next year, reports what does not fit, and answers the same summary again', async () => {
    await envelope('FY2083');
    await envelope('FY2084');
    await allocate('FY2083', 'ENG', '100000.00');
    await allocate('FY2084', 'ENG', '5000.00');
    const partlyInvoiced = await committed('FY2083', '3000.00');
    const tooLarge = await committed('FY2083', '10000.00');
    expect((await invoice(partlyInvoiced.id, 'CF-1', '1000.00', '2083-06-30')).status).toBe(201);

    const close = await call('POST', '/budgets/FY2083/close', { token: admin });
    const again = await call('POST', '/budgets/FY2083/close', { token: admin });

    expect(close.status, close.text).toBe(200);
    expect(close.body).toMatchObject({
      fiscalYear: 'FY2083',
      nextFiscalYear: 'FY2084',
      carried: { count: 1, amount: usd('2000.00') },
      notCarried: { count: 1, amount: usd('10000.00') },
      notCarriedRequests: [{ requestId: tooLarge.id, reason: 'INSUFFICIENT_BUDGET', open: usd('10000.00') }],
    });
    expect(again.body).toEqual(close.body);
    expect(await lineOf('FY2083', 'ENG')).toMatchObject({
      committed: usd('11000.00'),
      actual: usd('1000.00'),
    });
    expect(await lineOf('FY2084', 'ENG')).toMatchObject({
      committed: usd('2000.00'),
      available: usd('3000.00'),
    });
    const carriedOut = (await ledgerOfLine(admin, 'FY2083', 'ENG')).filter(
      (entry) => entry.kind === 'CARRY_FORWARD_OUT',
    );
    expect(carriedOut.map((entry) => [entry.requestId, entry.amount.amount])).toEqual([
      [partlyInvoiced.id, '2000.00'],
    ]);
    await expectLedgersMatchLines(admin, 'FY2083', ['ENG']);
    await expectLedgersMatchLines(admin, 'FY2084', ['ENG']);
    const history = await call('GET', '/budgets/FY2083/history?limit=100', { token: admin });
    expect(history.body.items.map((event: { action: string }) => event.action)).toEqual(
      expect.arrayContaining(['BUDGET_YEAR_CLOSE_STARTED', 'BUDGET_YEAR_CLOSED']),
    );
  });

  it('takes no new commitments, allocations or transfers in a closed year, but still its actuals; a carried commitment is released where it went', async () => {
    const late = await insertApprovedRequest(domain, {
      businessFunction: 'ENG',
      fiscalYear: 'FY2083',
      amount: '100.00',
    });
    const [first] = (await ledgerOfLine(admin, 'FY2083', 'ENG')).filter(
      (entry) => entry.kind === 'CARRY_FORWARD_OUT',
    );

    await expect(domain.commitApprovedRequest(late, approver, new Date().toISOString())).rejects.toThrow(
      /closed/,
    );
    const allocation = await call('PUT', '/budgets/FY2083/allocations/ENG', {
      token: admin,
      body: usd('200000.00'),
    });
    const transfer = await call('POST', '/budgets/FY2083/transfers', {
      token: admin,
      body: { from: 'ENG', to: 'SC', amount: usd('1.00'), reason: 'Too late' },
    });
    const view = await call('GET', '/budgets/FY2083', { token: admin });
    const notCarried = (await call('POST', '/budgets/FY2083/close', { token: admin })).body
      .notCarriedRequests[0];
    const actual = await invoice(notCarried.requestId, 'CF-2', '500.00', '2083-12-15');
    const released = await domain.releaseCommitment(
      { id: first!.requestId!, fiscalYear: 'FY2083', businessFunction: 'ENG' },
      approver,
      'Withdrawn',
    );

    expect(allocation.status).toBe(409);
    expect(transfer.status).toBe(409);
    expect(view.body.closedAt).toBeDefined();
    expect(actual.status, actual.text).toBe(201);
    expect(actual.body.fiscalYear).toBe('FY2083');
    expect(released).toMatchObject({ outcome: 'RELEASED', releasedMinor: 2000_00 });
    expect(await lineOf('FY2084', 'ENG')).toMatchObject({
      committed: usd('0.00'),
      available: usd('5000.00'),
    });
    await expectLedgersMatchLines(admin, 'FY2083', ['ENG']);
    await expectLedgersMatchLines(admin, 'FY2084', ['ENG']);
  });

  it('carries once when two closes run at once, and both answer the same summary', async () => {
    await envelope('FY2086');
    await envelope('FY2087');
    await allocate('FY2086', 'SC', '100000.00');
    await allocate('FY2087', 'SC', '100000.00');
    const requests = await Promise.all(
      ['1000.00', '2000.00', '3000.00', '4000.00'].map(async (amount) => {
        const request = await insertApprovedRequest(domain, {
          businessFunction: 'SC',
          fiscalYear: 'FY2086',
          amount,
        });
        await domain.commitApprovedRequest(request, approver, new Date().toISOString());
        return request;
      }),
    );

    const [one, other] = await Promise.all([
      call('POST', '/budgets/FY2086/close', { token: admin }),
      call('POST', '/budgets/FY2086/close', { token: secondAdmin }),
    ]);

    expect([one.status, other.status]).toEqual([200, 200]);
    expect(one.body.carried).toEqual({ count: 4, amount: usd('10000.00') });
    expect(other.body.carried).toEqual(one.body.carried);
    const carriedIn = (await ledgerOfLine(admin, 'FY2087', 'SC')).filter(
      (entry) => entry.kind === 'CARRY_FORWARD_IN',
    );
    expect(carriedIn.map((entry) => entry.requestId).sort()).toEqual(
      requests.map((request) => request.id).sort(),
    );
    await expectLedgersMatchLines(admin, 'FY2086', ['SC']);
    await expectLedgersMatchLines(admin, 'FY2087', ['SC']);
  });
});
