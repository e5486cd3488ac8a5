import { beforeAll, describe, expect, inject, it } from 'vitest';
import {
  acceptedAtTriage,
  apiFetch,
  approvalEmailOf,
  call,
  currentStepOf,
  fundBudget,
  requestInStatus,
  tokenFor,
  validRequestBody,
} from './support.js';

// This file works on SC requests of FY2072 (nobody else budgets that year or lists SC).
let requester: string;

beforeAll(async () => {
  requester = await tokenFor({ groups: ['requester'], businessFunction: 'SC' });
  await fundBudget('FY2072', { SC: '10000000.00' });
});

async function pendingLink(): Promise<{ id: string; link: string }> {
  const submitted = await call('POST', '/requests', {
    token: requester,
    body: validRequestBody({
      businessFunction: 'SC',
      title: `Tech transfer support ${Date.now()}`,
      startDate: '2072-02-01',
      endDate: '2072-05-31',
    }),
  });
  expect(submitted.status).toBe(201);
  await acceptedAtTriage(submitted.body.id);
  const { link } = await approvalEmailOf(submitted.body.id);
  return { id: submitted.body.id, link };
}

/** The approver's form post, as a browser sends it from wherever the form was. */
function postFrom(link: string, headers: Record<string, string>) {
  return apiFetch(link, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ reviewed: 'yes', decision: 'APPROVED' }).toString(),
  }).then(async (response) => ({ status: response.status, text: await response.text() }));
}

describe('the approval form refuses cross-site posts', () => {
  it.each([
    ['a foreign Origin', { origin: 'https://evil.example' }],
    ['a foreign Origin on the same host name and another port', { origin: 'http://127.0.0.1:1' }],
    ['an opaque Origin on a cross-site fetch', { origin: 'null', 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site', { 'sec-fetch-site': 'same-site' }],
  ])('answers a post with %s with a 403 page and decides nothing', async (_case, headers) => {
    const { id, link } = await pendingLink();

    const response = await postFrom(link, headers);

    expect(response.status).toBe(403);
    expect(response.text).toContain('Nothing was decided.');
    const request = await call('GET', `/requests/${id}`, { token: requester });
    expect(request.body.status).toBe('IN_APPROVAL');
    expect(currentStepOf(request.body).status).toBe('PENDING');
  });

  it.each([
    ['its own origin', { origin: new URL(inject('apiUrl')).origin, 'sec-fetch-site': 'same-origin' }],
    // The page's Referrer-Policy is no-referrer, so a browser sends its own form's Origin as "null".
    ['the opaque Origin of a no-referrer page', { origin: 'null', 'sec-fetch-site': 'same-origin' }],
  ])('takes a post from the page itself: %s, Sec-Fetch-Site same-origin', async (_case, headers) => {
    const { id, link } = await pendingLink();

    const response = await postFrom(link, headers);

    expect(response.status).toBe(200);
    expect(response.text).toContain('You approved the request');
    await requestInStatus(requester, id, 'APPROVED');
  });
});
