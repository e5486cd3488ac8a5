import { beforeAll, describe, expect, it } from 'vitest';
import { call, listAllIds, requestInStatus, tokenFor, validRequestBody } from './support.js';

// This file works on MSAT and ENG requests only, so other files' requests do not disturb the counts.
let msatRequester: string;
let engRequester: string;
let finance: string;
const msatIds: string[] = [];

beforeAll(async () => {
  msatRequester = await tokenFor({ groups: ['requester'], businessFunction: 'MSAT' });
  engRequester = await tokenFor({ groups: ['requester'], businessFunction: 'ENG' });
  finance = await tokenFor({ groups: ['finance'] });
  const bodies = [
    validRequestBody({
      businessFunction: 'MSAT',
      title: 'MSAT one',
      startDate: '2026-03-01',
      endDate: '2026-05-01',
    }),
    validRequestBody({
      businessFunction: 'MSAT',
      title: 'MSAT two',
      startDate: '2027-03-01',
      endDate: '2027-05-01',
    }),
    validRequestBody({
      businessFunction: 'MSAT',
      title: 'MSAT three',
      startDate: '2027-04-01',
      endDate: '2027-05-01',
    }),
    validRequestBody({
      businessFunction: 'MSAT',
      title: 'MSAT four',
      startDate: '2027-05-01',
      endDate: '2027-06-01',
    }),
    validRequestBody({
      businessFunction: 'MSAT',
      title: 'MSAT five',
      startDate: '2027-06-01',
      endDate: '2027-07-01',
    }),
  ];
  for (const body of bodies) {
    const response = await call('POST', '/requests', { token: msatRequester, body });
    msatIds.push(response.body.id);
  }
  await call('POST', '/requests', {
    token: engRequester,
    body: validRequestBody({ businessFunction: 'ENG' }),
  });
  // Each request waits for its triager (IN_TRIAGE, version 2) before the reads are checked.
  for (const id of msatIds) await requestInStatus(msatRequester, id, 'IN_TRIAGE');
  await call('POST', `/requests/${msatIds[2]}/withdraw`, {
    token: msatRequester,
    body: { reason: 'Covered internally' },
  });
});

describe('GET /requests/{id}', () => {
  it('returns the request with its version as ETag', async () => {
    const response = await call('GET', `/requests/${msatIds[0]}`, { token: msatRequester });

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: msatIds[0], title: 'MSAT one', fiscalYear: 'FY2026' });
    expect(response.headers.get('etag')).toBe('"2"');
  });

  it('answers 404 for an unknown id', async () => {
    const response = await call('GET', '/requests/req_00000000000000000000000000', { token: finance });

    expect(response.status).toBe(404);
    expect(response.body.type).toBe('urn:techops:problem:not-found');
  });

  it('answers 400 for something that is not a request id', async () => {
    const response = await call('GET', '/requests/DROP%20TABLE', { token: finance });

    expect(response.status).toBe(400);
  });

  it("refuses another business function's requester with 403", async () => {
    const response = await call('GET', `/requests/${msatIds[0]}`, { token: engRequester });

    expect(response.status).toBe(403);
  });
});

describe('GET /requests', () => {
  it("lists the requester's own business function, newest first", async () => {
    const ids = await listAllIds(msatRequester);

    expect(ids).toEqual([...msatIds].reverse());
  });

  it('filters by status and fiscal year', async () => {
    const inTriageIn2027 = await listAllIds(msatRequester, 'status=IN_TRIAGE&fiscalYear=FY2027');
    const withdrawn = await listAllIds(msatRequester, 'status=WITHDRAWN');

    expect(inTriageIn2027).toEqual([msatIds[4], msatIds[3], msatIds[1]]);
    expect(withdrawn).toEqual([msatIds[2]]);
  });

  it('pages with limit and an opaque cursor without losing or repeating a request', async () => {
    const first = await call('GET', '/requests?limit=2', { token: msatRequester });
    const second = await call('GET', `/requests?limit=2&cursor=${first.body.nextCursor}`, {
      token: msatRequester,
    });
    const third = await call('GET', `/requests?limit=2&cursor=${second.body.nextCursor}`, {
      token: msatRequester,
    });

    const seen = [...first.body.items, ...second.body.items, ...third.body.items].map(
      (item: { id: string }) => item.id,
    );
    expect(seen).toEqual([...msatIds].reverse());
    expect(third.body.nextCursor).toBeUndefined();
  });

  it('pages a filtered list too', async () => {
    const first = await call('GET', '/requests?status=IN_TRIAGE&limit=3', { token: msatRequester });
    const second = await call('GET', `/requests?status=IN_TRIAGE&limit=3&cursor=${first.body.nextCursor}`, {
      token: msatRequester,
    });

    const seen = [...first.body.items, ...second.body.items].map((item: { id: string }) => item.id);
    expect(seen).toEqual([msatIds[4], msatIds[3], msatIds[1], msatIds[0]]);
  });

  it('lets finance see every business function and filter by one', async () => {
    const all = await listAllIds(finance);
    const eng = await listAllIds(finance, 'businessFunction=ENG');

    expect(all).toEqual(expect.arrayContaining(msatIds));
    expect(eng.length).toBeGreaterThan(0);
    expect(eng).not.toEqual(expect.arrayContaining([msatIds[0]]));
  });

  it("refuses a requester asking for another business function's list with 403", async () => {
    const response = await call('GET', '/requests?businessFunction=ENG', { token: msatRequester });

    expect(response.status).toBe(403);
  });

  it.each([
    ['an unknown status', 'status=LOST'],
    ['a malformed fiscal year', 'fiscalYear=2027'],
    ['a limit over 100', 'limit=1000'],
    ['a limit that is not a number', 'limit=ten'],
    ['an unknown parameter', 'colour=blue'],
    ['a forged cursor', `cursor=${Buffer.from('{"pk":"x"}').toString('base64url')}`],
    ['a cursor that is not base64 JSON', 'cursor=%%%'],
  ])('answers 400 to %s', async (_case, query) => {
    const response = await call('GET', `/requests?${query}`, { token: msatRequester });

    expect(response.status).toBe(400);
    expect(response.body.errors.length).toBeGreaterThan(0);
  });
});
