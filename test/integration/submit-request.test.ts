import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, listAllIds, tokenFor, validRequestBody } from './support.js';

let qaRequester: string;
let qaAuditor: string;

beforeAll(async () => {
  qaRequester = await tokenFor({
    sub: 'ana-qa',
    name: 'Ana Quality',
    email: 'ana@techops.example',
    groups: ['requester'],
    businessFunction: 'QA',
  });
  qaAuditor = await tokenFor({ groups: ['finance'] });
});

describe('POST /requests', () => {
  it('stores a submitted request with the requester from the token and a derived fiscal year', async () => {
    const response = await call('POST', '/requests', { token: qaRequester, body: validRequestBody() });

    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      id: expect.stringMatching(/^req_[0-9a-z]{26}$/),
      status: 'SUBMITTED',
      businessFunction: 'QA',
      fiscalYear: 'FY2027',
      estimatedCost: { amount: '45000.00', currency: 'USD' },
      requester: { sub: 'ana-qa', name: 'Ana Quality', email: 'ana@techops.example' },
      version: 1,
    });
    expect(response.body.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(response.headers.get('location')).toBe(`/requests/${response.body.id}`);
    // Stored as answered; the workflow then moves it on (status, version, triage, approval).
    const stored = await call('GET', `/requests/${response.body.id}`, { token: qaRequester });
    const {
      status: _status,
      version: _version,
      approvalChain: _approvalChain,
      triage: _triage,
      waitingOn: _waitingOn,
      updatedAt: _updatedAt,
      ...fields
    } = stored.body;
    const { status: _s, version: _v, updatedAt: _u, triage, ...answered } = response.body;
    expect(triage).toEqual({ round: 1 });
    expect(fields).toEqual(answered);
  });

  it('answers a retry with the same Idempotency-Key with the first response and creates nothing new', async () => {
    const key = randomUUID();
    const body = validRequestBody({ title: `Idempotent ${key}` });

    const first = await call('POST', '/requests', {
      token: qaRequester,
      body,
      headers: { 'idempotency-key': key },
    });
    const retry = await call('POST', '/requests', {
      token: qaRequester,
      body,
      headers: { 'idempotency-key': key },
    });

    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    const list = await call('GET', '/requests?businessFunction=QA&limit=100', { token: qaAuditor });
    expect(list.body.items.filter((item: { title: string }) => item.title === body.title)).toHaveLength(1);
  });

  it('treats a retry with the same fields in another order as the same request', async () => {
    const key = randomUUID();
    const body = validRequestBody({ title: `Reordered ${key}` });
    const reordered = Object.fromEntries(Object.entries(body).reverse());

    const first = await call('POST', '/requests', {
      token: qaRequester,
      body,
      headers: { 'idempotency-key': key },
    });
    const retry = await call('POST', '/requests', {
      token: qaRequester,
      body: reordered,
      headers: { 'idempotency-key': key },
    });

    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(first.body.id);
  });

  it('creates exactly one request when the same Idempotency-Key arrives twice at once', async () => {
    const key = randomUUID();
    const body = validRequestBody({ title: `Concurrent ${key}` });

    const [one, two] = await Promise.all([
      call('POST', '/requests', { token: qaRequester, body, headers: { 'idempotency-key': key } }),
      call('POST', '/requests', { token: qaRequester, body, headers: { 'idempotency-key': key } }),
    ]);

    expect([one.status, two.status]).toEqual([201, 201]);
    expect(one.body.id).toBe(two.body.id);
  });

  it('refuses an Idempotency-Key reused with a different body with 422', async () => {
    const key = randomUUID();
    await call('POST', '/requests', {
      token: qaRequester,
      body: validRequestBody(),
      headers: { 'idempotency-key': key },
    });

    const response = await call('POST', '/requests', {
      token: qaRequester,
      body: validRequestBody({ title: 'Something else entirely' }),
      headers: { 'idempotency-key': key },
    });

    expect(response.status).toBe(422);
    expect(response.body.type).toBe('urn:techops:problem:idempotency-key-reused');
  });

  it('lets an admin submit for any business function', async () => {
    const admin = await tokenFor({ groups: ['admin'], businessFunction: 'STRATEGY' });

    const response = await call('POST', '/requests', {
      token: admin,
      body: validRequestBody({ businessFunction: 'MFG' }),
    });

    expect(response.status).toBe(201);
    expect(response.body.businessFunction).toBe('MFG');
  });

  it('refuses a requester submitting for another business function with 403', async () => {
    const response = await call('POST', '/requests', {
      token: qaRequester,
      body: validRequestBody({ businessFunction: 'MFG' }),
    });

    expect(response.status).toBe(403);
  });

  it('refuses a caller without the requester role with 403', async () => {
    const response = await call('POST', '/requests', { token: qaAuditor, body: validRequestBody() });

    expect(response.status).toBe(403);
  });
});

describe('POST /requests with bad input', () => {
  const badBodies: [string, unknown, string[]][] = [
    ['wrong types', validRequestBody({ title: 42, estimatedCost: '185000' }), ['title', 'estimatedCost']],
    [
      'missing fields',
      { title: 'Only a title' },
      ['businessFunction', 'category', 'description', 'estimatedCost'],
    ],
    ['unknown fields', validRequestBody({ budgetCode: 'X1', colour: 'blue' }), ['budgetCode', 'colour']],
    [
      'more decimals than the currency allows',
      validRequestBody({ estimatedCost: { amount: '100.001', currency: 'USD' } }),
      ['estimatedCost.amount'],
    ],
    [
      'decimals on a currency without minor units',
      validRequestBody({ estimatedCost: { amount: '100.5', currency: 'JPY' } }),
      ['estimatedCost.amount'],
    ],
    [
      'a zero amount',
      validRequestBody({ estimatedCost: { amount: '0.00', currency: 'USD' } }),
      ['estimatedCost.amount'],
    ],
    [
      'a negative amount',
      validRequestBody({ estimatedCost: { amount: '-5.00', currency: 'USD' } }),
      ['estimatedCost.amount'],
    ],
    [
      'an unknown currency',
      validRequestBody({ estimatedCost: { amount: '10.00', currency: 'XYZ' } }),
      ['estimatedCost.currency'],
    ],
    [
      'an end date before the start date',
      validRequestBody({ startDate: '2027-03-01', endDate: '2027-02-01' }),
      ['endDate'],
    ],
    ['an impossible date', validRequestBody({ startDate: '2027-02-30' }), ['startDate']],
    ['an unknown business function', validRequestBody({ businessFunction: 'LEGAL' }), ['businessFunction']],
    [
      'an unknown category and urgency',
      validRequestBody({ category: 'ASTROLOGY', urgency: 'YESTERDAY' }),
      ['category', 'urgency'],
    ],
    [
      'several problems at once',
      validRequestBody({ title: '', businessFunction: 'LEGAL', endDate: '2026-01-01', extra: true }),
      ['title', 'businessFunction', 'endDate', 'extra'],
    ],
  ];

  it.each(badBodies)(
    'answers 400 listing every invalid field for %s, and stores nothing',
    async (_case, body, fields) => {
      const admin = await tokenFor({ groups: ['admin'] });
      const before = await listAllIds(admin);

      const response = await call('POST', '/requests', { token: admin, body });

      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body.type).toBe('urn:techops:problem:validation-error');
      const reported = response.body.errors.map((error: { field: string }) => error.field);
      for (const field of fields) expect(reported).toContain(field);
      expect(await listAllIds(admin)).toEqual(before);
    },
  );

  it('answers 400 to a malformed Idempotency-Key and stores nothing', async () => {
    const response = await call('POST', '/requests', {
      token: qaRequester,
      body: validRequestBody({ title: 'Malformed key' }),
      headers: { 'idempotency-key': 'x'.repeat(300) },
    });

    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([expect.objectContaining({ field: 'idempotency-key' })]);
    const list = await call('GET', '/requests?businessFunction=QA&limit=100', { token: qaAuditor });
    expect(list.body.items.some((item: { title: string }) => item.title === 'Malformed key')).toBe(false);
  });

  it('answers 400 to a body that is not JSON', async () => {
    const response = await call('POST', '/requests', {
      token: qaRequester,
      rawBody: '{"title": "unterminated',
      headers: { 'content-type': 'application/json' },
    });

    expect(response.status).toBe(400);
    expect(response.body.detail).toContain('not valid JSON');
  });

  it('answers 400 to a body over the size limit', async () => {
    const response = await call('POST', '/requests', {
      token: qaRequester,
      body: validRequestBody({ description: 'x'.repeat(70 * 1024) }),
    });

    expect(response.status).toBe(400);
    expect(response.body.type).toBe('urn:techops:problem:body-too-large');
  });

  it('never shows a stack trace or internal names', async () => {
    const response = await call('POST', '/requests', {
      token: qaRequester,
      rawBody: '[',
      headers: { 'content-type': 'application/json' },
    });

    expect(response.text).not.toMatch(/at \w+ \(|\.ts:\d+|node_modules|DynamoDB|Lambda/);
  });
});
