import { beforeAll, describe, expect, it } from 'vitest';
import {
  approvedRequest,
  call,
  createVendor,
  fundBudget,
  listAllIds,
  tokenFor,
  validRequestBody,
} from './support.js';

// What an adversarial probe found (issue 9), end to end through the local gateway.
// This file budgets FY2071 and stores requests of SC only.
let admin: string;
let finance: string;
let scRequester: string;

beforeAll(async () => {
  [admin, finance, scRequester] = await Promise.all([
    tokenFor({ groups: ['admin'], businessFunction: 'STRATEGY' }),
    tokenFor({ groups: ['finance'], businessFunction: 'FINANCE' }),
    tokenFor({ groups: ['requester'], businessFunction: 'SC' }),
  ]);
  await fundBudget('FY2071', { SC: '100000.00', MSAT: '100000.00' });
});

const ESC = '\u001b';
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

function expectValidationProblem(response: { status: number; headers: Headers; body: { type?: string } }) {
  expect(response.status).toBe(400);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  expect(response.body.type).toBe('urn:techops:problem:validation-error');
}

describe('group names are matched whole', () => {
  it.each([
    ['["site admin"]', ['site admin']],
    ['["finance,requester"]', ['finance,requester']],
  ])('gives a token with groups %s none of the roles (403)', async (_case, groups) => {
    const token = await tokenFor({ groups, businessFunction: 'SC' });

    const response = await call('GET', '/requests', { token });

    expect(response.status).toBe(403);
    expect(response.body.type).toBe('urn:techops:problem:forbidden');
  });

  it('gives a requester who is also in "site admin" the requester role only', async () => {
    const token = await tokenFor({ groups: ['requester', 'site admin'], businessFunction: 'SC' });

    const ownList = await call('GET', '/requests?limit=1', { token });
    const adminOnly = await call('GET', '/budgets/FY2071/history', { token });

    expect(ownList.status).toBe(200);
    expect(adminOnly.status).toBe(403);
  });
});

describe('bodies that are not a JSON object, or nest too deep, are 400s', () => {
  it.each(['null', '[]', '42', '"transfer"'])(
    'answers 400 to the transfer body %s and moves nothing',
    async (rawBody) => {
      const before = await call('GET', '/budgets/FY2071', { token: admin });

      const response = await call('POST', '/budgets/FY2071/transfers', {
        token: admin,
        rawBody,
        headers: { 'content-type': 'application/json', 'idempotency-key': `null-body-${Date.now()}` },
      });

      expectValidationProblem(response);
      expect(response.body.errors).toEqual([{ field: '', message: 'The body must be a JSON object.' }]);
      const after = await call('GET', '/budgets/FY2071', { token: admin });
      expect(after.body).toEqual(before.body);
    },
  );

  it.each([
    ['a 30,000-deep array', nested(30_000)],
    ['an object holding a 30,000-deep array', `{"title":${nested(30_000)}}`],
  ])(
    'answers 400 to %s sent with an Idempotency-Key, and remembers nothing for the key',
    async (_case, rawBody) => {
      const key = `deep-${Date.now()}-${rawBody.length}`;
      const before = await listAllIds(admin);

      const response = await call('POST', '/requests', {
        token: scRequester,
        rawBody,
        headers: { 'content-type': 'application/json', 'idempotency-key': key },
      });

      expectValidationProblem(response);
      expect(await listAllIds(admin)).toEqual(before);
      const valid = await call('POST', '/requests', {
        token: scRequester,
        body: validRequestBody({ businessFunction: 'SC', startDate: '2071-02-01', endDate: '2071-03-01' }),
        headers: { 'idempotency-key': key },
      });
      expect(valid.status).toBe(201);
      expect(valid.headers.get('idempotent-replayed')).toBeNull();
    },
  );
});

describe('control characters in text', () => {
  it('refuses an ESC sequence in a title with 400 naming the field, and stores nothing', async () => {
    const before = await listAllIds(admin);

    const response = await call('POST', '/requests', {
      token: scRequester,
      body: validRequestBody({
        businessFunction: 'SC',
        title: `${ESC}[2J${ESC}[31mURGENT${ESC}[0m wire the money\u0007`,
        description: `Line one\u0000`,
        startDate: '2071-02-01',
        endDate: '2071-03-01',
      }),
    });

    expectValidationProblem(response);
    expect(response.body.errors).toEqual([
      { field: 'title', message: 'Must not contain control characters or line breaks.' },
      {
        field: 'description',
        message: 'Must not contain control characters other than tabs and line breaks.',
      },
    ]);
    expect(await listAllIds(admin)).toEqual(before);
  });

  it('keeps tabs and line breaks in a description', async () => {
    const description = 'Scope:\r\n\t- IQ/OQ\n\t- PQ';

    const response = await call('POST', '/requests', {
      token: scRequester,
      body: validRequestBody({
        businessFunction: 'SC',
        description,
        startDate: '2071-02-01',
        endDate: '2071-03-01',
      }),
    });

    expect(response.status).toBe(201);
    expect(response.body.description).toBe(description);
  });
});

describe('dates out of range', () => {
  it('refuses a request starting 0001-01-01 with 400 saying the range, rather than filing it under FY1', async () => {
    const before = await listAllIds(admin);

    const response = await call('POST', '/requests', {
      token: scRequester,
      body: validRequestBody({ businessFunction: 'SC', startDate: '0001-01-01', endDate: '0001-06-30' }),
    });

    expectValidationProblem(response);
    expect(response.body.errors).toEqual([
      { field: 'startDate', message: 'Must be a date between 2000-01-01 and 2100-12-31.' },
      { field: 'endDate', message: 'Must be a date between 2000-01-01 and 2100-12-31.' },
    ]);
    expect(await listAllIds(admin)).toEqual(before);
  });
});

describe('invoice numbers', () => {
  it('takes INV-123 and " inv-123 " of the same vendor as one invoice: one actual, shown as first typed', async () => {
    const vendorId = await createVendor('Case Insensitive Consulting');
    const request = await approvedRequest({
      businessFunction: 'SC',
      estimatedCost: { amount: '30000.00', currency: 'USD' },
      startDate: '2071-03-01',
      endDate: '2071-06-30',
      preferredVendorId: vendorId,
    });
    const invoice = `INV-${Date.now()}`;
    const body = {
      requestId: request.id,
      invoiceDate: '2071-04-30',
      amount: { amount: '12000.00', currency: 'USD' },
    };

    const first = await call('POST', '/actuals', {
      token: finance,
      body: { ...body, invoiceNumber: invoice },
    });
    const again = await call('POST', '/actuals', {
      token: finance,
      body: { ...body, invoiceNumber: ` ${invoice.toLowerCase()} ` },
    });

    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.body.invoiceNumber).toBe(invoice);
    const ledger = await call('GET', '/budgets/FY2071/SC/ledger?limit=100', { token: finance });
    const actuals = ledger.body.items.filter(
      (entry: { kind: string; requestId?: string }) =>
        entry.kind === 'ACTUAL' && entry.requestId === request.id,
    );
    expect(actuals).toHaveLength(1);
  });
});
