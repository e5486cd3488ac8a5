import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../infra/local/cloud.js';
import {
  apiFetch,
  approvalEmailOf,
  call,
  currentStepOf,
  eventually,
  postForm,
  readOutbox,
  requestInStatus,
  tokenFor,
  triaged,
  triagerToken,
  validRequestBody,
} from './support.js';

// A cloud of its own, synthesized with a 4-second approval timeout and a 4-second triage timeout.
const dataDir = mkdtempSync(path.join(tmpdir(), 'techops-timeout-'));
let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startLocalCloud({
    dataDir,
    port: 0,
    context: { 'techops:approvalTimeout': 'PT4S', 'techops:triageTimeout': 'PT4S' },
  });
}, 180_000);

afterAll(async () => {
  await cloud?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('an approval nobody decides in time', () => {
  it('expires the request, tells the requester, and the link then says so', async () => {
    const token = await tokenFor(
      { sub: 'quinn', email: 'quinn@techops.example', groups: ['requester'], businessFunction: 'QA' },
      dataDir,
    );
    const submitted = await call('POST', '/requests', {
      baseUrl: cloud.url,
      token,
      body: validRequestBody({ title: 'Nobody decides this' }),
    });
    const id = submitted.body.id;
    await triaged(id, undefined, { baseUrl: cloud.url, dataDir });
    const { link } = await approvalEmailOf(id, dataDir);

    const expired = await requestInStatus(token, id, 'EXPIRED', cloud.url);

    expect(currentStepOf(expired.body).status).toBe('EXPIRED');
    const notice = await eventually(
      () => readOutbox(dataDir).find((mail) => mail.to.includes('quinn@techops.example')),
      'the expiry notice',
    );
    expect(notice.subject).toBe('Your request expired: Nobody decides this');
    const page = await apiFetch(link);
    expect(page.status).toBe(410);
    expect(await page.text()).toContain('The time to decide ran out');
    const late = await postForm(link, { reviewed: 'yes', decision: 'APPROVED' });
    expect(late.status).toBe(410);
    const history = await call('GET', `/requests/${id}/history`, { baseUrl: cloud.url, token });
    expect(history.body.items.map((event: { action: string }) => event.action)).toEqual([
      'REQUEST_SUBMITTED',
      'TRIAGE_REQUESTED',
      'REQUEST_ACCEPTED',
      'APPROVAL_REQUESTED',
      'REQUEST_EXPIRED',
    ]);
  });
});

describe('a triage nobody decides in time', () => {
  it('expires the request and tells the requester; a late decision is refused', async () => {
    const token = await tokenFor(
      { sub: 'rowan', email: 'rowan@techops.example', groups: ['requester'], businessFunction: 'QA' },
      dataDir,
    );
    const submitted = await call('POST', '/requests', {
      baseUrl: cloud.url,
      token,
      body: validRequestBody({ title: 'Nobody triages this' }),
    });
    const id = submitted.body.id;

    const expired = await requestInStatus(token, id, 'EXPIRED', cloud.url);

    expect(expired.body.triage).toMatchObject({ round: 1, askedAt: expect.any(String) });
    expect(expired.body.triage.outcome).toBeUndefined();
    const notice = await eventually(
      () => readOutbox(dataDir).find((mail) => mail.to.includes('rowan@techops.example')),
      'the expiry notice',
    );
    expect(notice.subject).toBe('Your request expired: Nobody triages this');
    const late = await call('POST', `/requests/${id}/triage`, {
      baseUrl: cloud.url,
      token: await triagerToken(dataDir),
      body: { outcome: 'ACCEPT', note: 'Too late.' },
    });
    expect(late.status).toBe(409);
    const history = await call('GET', `/requests/${id}/history`, { baseUrl: cloud.url, token });
    expect(history.body.items.map((event: { action: string }) => event.action)).toEqual([
      'REQUEST_SUBMITTED',
      'TRIAGE_REQUESTED',
      'REQUEST_EXPIRED',
    ]);
  });
});
