import { beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../functions/shared/ids.js';
import {
  acceptedAtTriage,
  approvedRequest,
  call,
  createVendor,
  requestInStatus,
  tokenFor,
} from './support.js';

// This file works on fiscal years FY2039-FY2049 (nobody else budgets them); the requests it stores
// belong to business functions no other file lists (MFG, FINANCE).
let admin: string;
let finance: string;
let qaRequester: string;
let anApprover: string;
let vendorManager: string;

beforeAll(async () => {
  [admin, finance, qaRequester, anApprover, vendorManager] = await Promise.all([
    tokenFor({ sub: 'claire-strategy', name: 'Claire Dubois', groups: ['admin'] }),
    tokenFor({ sub: 'sam-finance', name: 'Samuel Adeyemi', groups: ['finance'] }),
    tokenFor({ groups: ['requester'], businessFunction: 'QA' }),
    tokenFor({ groups: ['approver'], businessFunction: 'MFG' }),
    tokenFor({ groups: ['vendor-manager'] }),
  ]);
});

const usd = (amount: string) => ({ amount, currency: 'USD' });

async function envelope(fiscalYear: string, amount: string) {
  const response = await call('PUT', `/budgets/${fiscalYear}`, { token: admin, body: usd(amount) });
  expect(response.status).toBe(201);
  return response;
}

async function allocate(fiscalYear: string, businessFunction: string, amount: string) {
  const response = await call('PUT', `/budgets/${fiscalYear}/allocations/${businessFunction}`, {
    token: admin,
    body: usd(amount),
  });
  expect(response.status).toBe(200);
  return response;
}

const lineOf = (view: { lines: { businessFunction: string }[] }, businessFunction: string) =>
  // biome-ignore lint/suspicious/noExplicitAny: asserted field by field
  view.lines.find((line) => line.businessFunction === businessFunction) as any;

/** The fiscal year's audit events, oldest first, through GET /budgets/{fiscalYear}/history. */
async function budgetAuditActions(fiscalYear: string): Promise<Record<string, unknown>[]> {
  const response = await call('GET', `/budgets/${fiscalYear}/history?limit=100`, { token: anApprover });
  expect(response.status).toBe(200);
  return response.body.items;
}

describe('PUT /budgets/{fiscalYear}', () => {
  it('sets the envelope (201), then changes it (200), with the figures in the budget view', async () => {
    const first = await call('PUT', '/budgets/FY2040', { token: finance, body: usd('1500000.00') });
    const second = await call('PUT', '/budgets/FY2040', {
      token: admin,
      body: { ...usd('1600000.00'), reason: 'Q2 plan update' },
      headers: { 'if-match': first.headers.get('etag')! },
    });

    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ fiscalYear: 'FY2040', currency: 'USD', envelope: usd('1500000.00') });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({
      envelope: usd('1600000.00'),
      allocated: usd('0.00'),
      unallocated: usd('1600000.00'),
      version: 2,
    });
    const events = await budgetAuditActions('FY2040');
    expect(events.map((event) => event.action)).toEqual(['BUDGET_ENVELOPE_SET', 'BUDGET_ENVELOPE_SET']);
    expect(events[1]).toMatchObject({
      before: { envelope: usd('1500000.00') },
      after: { envelope: usd('1600000.00') },
      reason: 'Q2 plan update',
      actor: { sub: 'claire-strategy' },
    });
  });

  it('lists every invalid field at once: malformed fiscal year and zero amount', async () => {
    const response = await call('PUT', '/budgets/2041', { token: admin, body: usd('0.00') });

    expect(response.status).toBe(400);
    expect(response.body.errors.map((issue: { field: string }) => issue.field).sort()).toEqual([
      'amount',
      'fiscalYear',
    ]);
  });

  it.each([
    ['a negative amount', { amount: '-5.00', currency: 'USD' }, 'amount'],
    ['an unknown currency', { amount: '5.00', currency: 'XYZ' }, 'currency'],
    ['an unknown field', { amount: '5.00', currency: 'USD', extra: 1 }, 'extra'],
  ])('refuses %s with 400', async (_case, body, field) => {
    const response = await call('PUT', '/budgets/FY2041', { token: admin, body });

    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([expect.objectContaining({ field })]);
  });

  it('refuses another currency than the year’s with 400 and keeps the envelope', async () => {
    await envelope('FY2041', '100000.00');

    const response = await call('PUT', '/budgets/FY2041', {
      token: admin,
      body: { amount: '90000.00', currency: 'EUR' },
    });

    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([expect.objectContaining({ field: 'currency' })]);
    const view = await call('GET', '/budgets/FY2041', { token: admin });
    expect(view.body.envelope).toEqual(usd('100000.00'));
  });

  it('refuses an envelope below what is allocated with 409 and the figures', async () => {
    await envelope('FY2042', '100000.00');
    await allocate('FY2042', 'QA', '80000.00');

    const response = await call('PUT', '/budgets/FY2042', { token: admin, body: usd('70000.00') });

    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({ allocated: usd('80000.00'), requested: usd('70000.00') });
  });

  it('refuses a stale If-Match with 412', async () => {
    await envelope('FY2043', '100000.00');

    const response = await call('PUT', '/budgets/FY2043', {
      token: admin,
      body: usd('120000.00'),
      headers: { 'if-match': '"7"' },
    });

    expect(response.status).toBe(412);
  });

  it.each([['requester'], ['approver'], ['vendor-manager']])('refuses the %s role with 403', async (role) => {
    const token = await tokenFor({ groups: [role], businessFunction: 'QA' });

    const response = await call('PUT', '/budgets/FY2044', { token, body: usd('100.00') });

    expect(response.status).toBe(403);
    expect((await call('GET', '/budgets/FY2044', { token: admin })).status).toBe(404);
  });
});

describe('PUT /budgets/{fiscalYear}/allocations/{businessFunction}', () => {
  it('sets allocations within the envelope and records them in the ledger and audit trail', async () => {
    await envelope('FY2045', '1000000.00');

    const qa = await call('PUT', '/budgets/FY2045/allocations/QA', {
      token: admin,
      body: { ...usd('400000.00'), reason: 'Annual plan' },
    });
    await allocate('FY2045', 'MFG', '600000.00');
    const lowered = await allocate('FY2045', 'QA', '350000.00');

    expect(qa.body).toMatchObject({
      businessFunction: 'QA',
      allocated: usd('400000.00'),
      available: usd('400000.00'),
    });
    expect(lowered.body).toMatchObject({ allocated: usd('350000.00'), available: usd('350000.00') });
    const view = await call('GET', '/budgets/FY2045', { token: anApprover });
    expect(view.body).toMatchObject({ allocated: usd('950000.00'), unallocated: usd('50000.00') });
    const ledger = await call('GET', '/budgets/FY2045/QA/ledger', { token: admin });
    expect(
      ledger.body.items.map((entry: { kind: string; amount: unknown }) => [entry.kind, entry.amount]),
    ).toEqual([
      ['ALLOCATION', usd('-50000.00')],
      ['ALLOCATION', usd('400000.00')],
    ]);
    const events = await budgetAuditActions('FY2045');
    expect(events.filter((event) => event.action === 'BUDGET_ALLOCATION_SET')).toHaveLength(3);
    expect(events.find((event) => event.reason === 'Annual plan')).toMatchObject({
      before: { businessFunction: 'QA', allocated: usd('0.00') },
      after: { businessFunction: 'QA', allocated: usd('400000.00') },
    });
  });

  it('refuses allocations above the envelope with 409 and the figures, storing nothing', async () => {
    await envelope('FY2046', '100000.00');
    await allocate('FY2046', 'QA', '60000.00');

    const response = await call('PUT', '/budgets/FY2046/allocations/MFG', {
      token: admin,
      body: usd('40000.01'),
    });

    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({
      envelope: usd('100000.00'),
      allocated: usd('60000.00'),
      unallocated: usd('40000.00'),
      requestedIncrease: usd('40000.01'),
    });
    const view = await call('GET', '/budgets/FY2046', { token: admin });
    expect(view.body.lines.map((line: { businessFunction: string }) => line.businessFunction)).toEqual([
      'QA',
    ]);
  });

  it('refuses to drop an allocation below what is committed with 409 and the figures', async () => {
    await envelope('FY2047', '100000.00');
    await allocate('FY2047', 'MFG', '50000.00');
    await approvedRequest({
      businessFunction: 'MFG',
      estimatedCost: usd('30000.00'),
      startDate: '2047-03-01',
      endDate: '2047-09-30',
    });

    const response = await call('PUT', '/budgets/FY2047/allocations/MFG', {
      token: admin,
      body: usd('29999.99'),
    });

    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({ consumed: usd('30000.00'), requested: usd('29999.99') });
    expect((await allocate('FY2047', 'MFG', '30000.00')).body.available).toEqual(usd('0.00'));
  });

  it.each([
    ['an unknown fiscal year', '/budgets/FY2099/allocations/QA', 404],
    ['an unknown business function', '/budgets/FY2045/allocations/NOPE', 404],
    ['a malformed business function', '/budgets/FY2045/allocations/qa', 400],
  ])('answers %s (%s) with %i', async (_case, path, status) => {
    const response = await call('PUT', path, { token: admin, body: usd('10.00') });

    expect(response.status).toBe(status);
  });

  it('refuses another currency than the envelope’s with 400', async () => {
    const response = await call('PUT', '/budgets/FY2045/allocations/ENG', {
      token: admin,
      body: { amount: '10.00', currency: 'EUR' },
    });

    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([expect.objectContaining({ field: 'currency' })]);
  });

  it('refuses finance with 403: allocation is an admin act', async () => {
    const response = await call('PUT', '/budgets/FY2045/allocations/ENG', {
      token: finance,
      body: usd('10.00'),
    });

    expect(response.status).toBe(403);
  });
});

describe('POST /budgets/{fiscalYear}/transfers', () => {
  it('moves allocation between two lines in one step, with two ledger entries and an audit event', async () => {
    await envelope('FY2048', '100000.00');
    await allocate('FY2048', 'MFG', '60000.00');
    await allocate('FY2048', 'QA', '20000.00');

    const response = await call('POST', '/budgets/FY2048/transfers', {
      token: admin,
      body: { from: 'MFG', to: 'QA', amount: usd('10000.00'), reason: 'Audit readiness push' },
    });

    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      from: { businessFunction: 'MFG', allocated: usd('50000.00') },
      to: { businessFunction: 'QA', allocated: usd('30000.00') },
      amount: usd('10000.00'),
    });
    const view = await call('GET', '/budgets/FY2048', { token: admin });
    expect(view.body.allocated).toEqual(usd('80000.00'));
    const [mfg, qa] = await Promise.all([
      call('GET', '/budgets/FY2048/MFG/ledger?limit=1', { token: admin }),
      call('GET', '/budgets/FY2048/QA/ledger?limit=1', { token: admin }),
    ]);
    expect(mfg.body.items[0]).toMatchObject({ kind: 'TRANSFER_OUT', transferId: response.body.transferId });
    expect(qa.body.items[0]).toMatchObject({ kind: 'TRANSFER_IN', reference: 'Audit readiness push' });
    const events = await budgetAuditActions('FY2048');
    expect(events.find((event) => event.action === 'BUDGET_TRANSFERRED')).toMatchObject({
      before: { MFG: usd('60000.00'), QA: usd('20000.00') },
      after: { MFG: usd('50000.00'), QA: usd('30000.00') },
      reason: 'Audit readiness push',
    });
  });

  it('moves the money once for a retried POST with the same Idempotency-Key', async () => {
    await envelope('FY2039', '100000.00');
    await allocate('FY2039', 'MFG', '60000.00');
    const body = { from: 'MFG', to: 'SC', amount: usd('5000.00'), reason: 'Retried on a flaky network' };
    const headers = { 'idempotency-key': `transfer-${Date.now()}` };

    const [first, retry] = await Promise.all([
      call('POST', '/budgets/FY2039/transfers', { token: admin, body, headers }),
      call('POST', '/budgets/FY2039/transfers', { token: admin, body, headers }),
    ]);
    const reused = await call('POST', '/budgets/FY2039/transfers', {
      token: admin,
      body: { ...body, amount: usd('6000.00') },
      headers,
    });

    expect([first.status, retry.status]).toEqual([201, 201]);
    expect(retry.body.transferId).toBe(first.body.transferId);
    expect(
      [first, retry].filter((response) => response.headers.get('idempotent-replayed') === 'true'),
    ).toHaveLength(1);
    expect(reused.status).toBe(422);
    const view = await call('GET', '/budgets/FY2039', { token: admin });
    expect(lineOf(view.body, 'MFG').allocated).toEqual(usd('55000.00'));
    expect(lineOf(view.body, 'SC').allocated).toEqual(usd('5000.00'));
  });

  it('refuses more than the source has available with 409 and changes neither line', async () => {
    const response = await call('POST', '/budgets/FY2048/transfers', {
      token: admin,
      body: { from: 'QA', to: 'MFG', amount: usd('30000.01'), reason: 'Too much' },
    });

    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({
      businessFunction: 'QA',
      available: usd('30000.00'),
      requested: usd('30000.01'),
    });
    const view = await call('GET', '/budgets/FY2048', { token: admin });
    expect(lineOf(view.body, 'QA').allocated).toEqual(usd('30000.00'));
    expect(lineOf(view.body, 'MFG').allocated).toEqual(usd('50000.00'));
  });

  it('lists every invalid field: same business function, zero amount, missing reason', async () => {
    const response = await call('POST', '/budgets/FY2048/transfers', {
      token: admin,
      body: { from: 'QA', to: 'QA', amount: usd('0') },
    });

    expect(response.status).toBe(400);
    expect(response.body.errors.map((issue: { field: string }) => issue.field).sort()).toEqual([
      'amount.amount',
      'reason',
      'to',
    ]);
  });

  it.each([
    ['an unknown business function', '/budgets/FY2048/transfers', 'NOPE', 404],
    ['an unknown fiscal year', '/budgets/FY2098/transfers', 'QA', 404],
  ])('answers %s (%s, from %s) with %i', async (_case, path, from, status) => {
    const response = await call('POST', path, {
      token: admin,
      body: { from, to: 'MFG', amount: usd('1.00'), reason: 'x' },
    });

    expect(response.status).toBe(status);
  });

  it('refuses finance with 403', async () => {
    const response = await call('POST', '/budgets/FY2048/transfers', {
      token: finance,
      body: { from: 'MFG', to: 'QA', amount: usd('1.00'), reason: 'x' },
    });

    expect(response.status).toBe(403);
  });
});

describe('GET /budgets/{fiscalYear} and the ledger', () => {
  it('shows a requester their own line only, without the envelope', async () => {
    const response = await call('GET', '/budgets/FY2048', { token: qaRequester });

    expect(response.status).toBe(200);
    expect(response.body.lines.map((line: { businessFunction: string }) => line.businessFunction)).toEqual([
      'QA',
    ]);
    expect(response.body.envelope).toBeUndefined();
  });

  it('refuses a requester another function’s ledger, and the vendor-manager any budget, with 403', async () => {
    const [ledger, view] = await Promise.all([
      call('GET', '/budgets/FY2048/MFG/ledger', { token: qaRequester }),
      call('GET', '/budgets/FY2048', { token: vendorManager }),
    ]);

    expect(ledger.status).toBe(403);
    expect(view.status).toBe(403);
  });

  it('shows the fiscal year’s audit trail to finance, and refuses it to requesters with 403', async () => {
    const [history, refused, unknown] = await Promise.all([
      call('GET', '/budgets/FY2048/history', { token: finance }),
      call('GET', '/budgets/FY2048/history', { token: qaRequester }),
      call('GET', '/budgets/FY2096/history', { token: finance }),
    ]);

    expect(history.body.items.map((event: { action: string }) => event.action)).toEqual([
      'BUDGET_ENVELOPE_SET',
      'BUDGET_ALLOCATION_SET',
      'BUDGET_ALLOCATION_SET',
      'BUDGET_TRANSFERRED',
    ]);
    expect(refused.status).toBe(403);
    expect(unknown.status).toBe(404);
  });

  it('pages through a ledger newest first with an opaque cursor', async () => {
    const first = await call('GET', '/budgets/FY2048/QA/ledger?limit=1', { token: qaRequester });
    const second = await call('GET', `/budgets/FY2048/QA/ledger?limit=1&cursor=${first.body.nextCursor}`, {
      token: qaRequester,
    });

    expect(first.body.items[0].kind).toBe('TRANSFER_IN');
    expect(second.body.items[0]).toMatchObject({ kind: 'ALLOCATION', amount: usd('20000.00') });
  });

  it.each([
    ['an unknown fiscal year', '/budgets/FY2097', 404],
    ['a malformed fiscal year', '/budgets/FY27', 400],
    ['the ledger of an unknown business function', '/budgets/FY2048/NOPE/ledger', 404],
    ['the ledger of an unknown fiscal year', '/budgets/FY2097/QA/ledger', 404],
  ])('answers %s (%s) with %i', async (_case, path, status) => {
    const response = await call('GET', path, { token: admin });

    expect(response.status).toBe(status);
  });
});

describe('POST /actuals', () => {
  let vendorId: string;

  /** A FINANCE request approved through the workflow, which commits its amount on the FY2049 line. */
  async function approvedAndCommitted(amount: string, fields: { preferredVendorId?: string } = {}) {
    return approvedRequest({
      businessFunction: 'FINANCE',
      category: 'OTHER',
      estimatedCost: usd(amount),
      startDate: '2049-03-01',
      endDate: '2049-09-30',
      ...fields,
    });
  }

  beforeAll(async () => {
    await envelope('FY2049', '500000.00');
    await allocate('FY2049', 'FINANCE', '100000.00');
    vendorId = await createVendor('Ledger Partners');
  });

  it('records an invoice once: the same invoice again answers the first actual', async () => {
    const request = await approvedAndCommitted('40000.00', { preferredVendorId: vendorId });
    const body = {
      requestId: request.id,
      invoiceNumber: 'INV-1001',
      invoiceDate: '2049-04-30',
      amount: usd('15000.00'),
    };

    const first = await call('POST', '/actuals', { token: finance, body });
    const again = await call('POST', '/actuals', { token: finance, body });

    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ vendorId, amount: usd('15000.00'), beyondCommitment: false });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const view = await call('GET', '/budgets/FY2049', { token: finance });
    expect(lineOf(view.body, 'FINANCE')).toMatchObject({
      committed: usd('40000.00'),
      actual: usd('15000.00'),
      available: usd('60000.00'),
    });
  });

  it('flags an actual beyond the commitment and lets it consume more budget', async () => {
    const request = await approvedAndCommitted('10000.00');

    const response = await call('POST', '/actuals', {
      token: finance,
      body: {
        requestId: request.id,
        vendorId,
        invoiceNumber: 'INV-2001',
        invoiceDate: '2049-05-31',
        amount: usd('12500.00'),
      },
    });

    expect(response.status).toBe(201);
    expect(response.body.beyondCommitment).toBe(true);
    const view = await call('GET', '/budgets/FY2049', { token: finance });
    expect(lineOf(view.body, 'FINANCE')).toMatchObject({
      actual: usd('27500.00'),
      available: usd('47500.00'),
    });
  });

  it('refuses the same invoice number of the same vendor with other details with 409', async () => {
    const request = await approvedAndCommitted('1000.00', { preferredVendorId: vendorId });

    const response = await call('POST', '/actuals', {
      token: finance,
      body: {
        requestId: request.id,
        invoiceNumber: 'INV-1001',
        invoiceDate: '2049-04-30',
        amount: usd('999.00'),
      },
    });

    expect(response.status).toBe(409);
    expect(response.body.existingActual).toMatchObject({
      invoiceNumber: 'INV-1001',
      amount: usd('15000.00'),
    });
  });

  it('needs an existing vendorId when the request names no vendor, and the request’s vendor when it does', async () => {
    const [unnamed, named] = await Promise.all([
      approvedAndCommitted('1000.00'),
      approvedAndCommitted('1000.00', { preferredVendorId: vendorId }),
    ]);
    const base = { invoiceNumber: 'INV-3001', invoiceDate: '2049-06-30', amount: usd('10.00') };

    const missing = await call('POST', '/actuals', {
      token: finance,
      body: { ...base, requestId: unnamed.id },
    });
    const other = await call('POST', '/actuals', {
      token: finance,
      body: { ...base, requestId: named.id, vendorId: newId('vendor') },
    });

    const unknown = await call('POST', '/actuals', {
      token: finance,
      body: { ...base, requestId: unnamed.id, vendorId: newId('vendor') },
    });

    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([expect.objectContaining({ field: 'vendorId' })]);
    expect(other.status).toBe(400);
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([
      expect.objectContaining({ field: 'vendorId', message: expect.stringContaining('Unknown vendor') }),
    ]);
  });

  it('refuses an actual on a request that waits for its approver with 409', async () => {
    const submitter = await tokenFor({ groups: ['requester'], businessFunction: 'FINANCE' });
    const submitted = await call('POST', '/requests', {
      token: submitter,
      body: {
        title: 'Not yet approved',
        businessFunction: 'FINANCE',
        category: 'PROCESS_ENGINEERING',
        description: 'x',
        justification: 'y',
        estimatedCost: usd('100.00'),
        startDate: '2049-02-01',
        endDate: '2049-03-01',
        urgency: 'LOW',
      },
    });

    // Waiting for its approver: submitted, accepted at triage and asked, not approved.
    await acceptedAtTriage(submitted.body.id);
    await requestInStatus(submitter, submitted.body.id, 'IN_APPROVAL');

    const response = await call('POST', '/actuals', {
      token: finance,
      body: {
        requestId: submitted.body.id,
        vendorId,
        invoiceNumber: 'INV-4001',
        invoiceDate: '2049-03-01',
        amount: usd('1.00'),
      },
    });

    expect(response.status).toBe(409);
    expect(response.body.currentStatus).toBe('IN_APPROVAL');
  });

  it.each([
    ['an unknown request', { requestId: 'req_01jzzzzzzzzzzzzzzzzzzzzzzz' }, 'finance', 404],
    ['an admin (finance records actuals)', {}, 'admin', 403],
    ['a malformed body', { invoiceDate: '30/04/2049', amount: usd('-1') }, 'finance', 400],
  ])('answers %s with the status (%o as %s: %i)', async (_case, overrides, role, status) => {
    const request = await approvedAndCommitted('100.00');
    const token = role === 'finance' ? finance : admin;

    const response = await call('POST', '/actuals', {
      token,
      body: {
        requestId: request.id,
        vendorId,
        invoiceNumber: 'INV-5001',
        invoiceDate: '2049-07-01',
        amount: usd('1.00'),
        ...overrides,
      },
    });

    expect(response.status).toBe(status);
  });
});
