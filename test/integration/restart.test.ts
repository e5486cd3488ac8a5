import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, startLocalCloud } from '../../infra/local/cloud.js';
import {
  apiFetch,
  approvalEmailOf,
  call,
  currentStepOf,
  eventually,
  fundBudget,
  postForm,
  readOutbox,
  requestInStatus,
  tokenFor,
  triaged,
  validRequestBody,
} from './support.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'techops-restart-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('the local cloud across a restart', () => {
  it('keeps a pending approval: after stop and start its link still works and the workflow carries on', async () => {
    const token = await tokenFor(
      {
        sub: 'dora-digital',
        email: 'dora@techops.example',
        groups: ['requester'],
        businessFunction: 'DIGITAL',
      },
      dataDir,
    );
    // The emailed link names the gateway's port: the restarted cloud listens on the same one, as npm start does.
    const port = await freePort();
    const first = await startLocalCloud({ dataDir, port });
    let id: string;
    let link: string;
    try {
      await fundBudget('FY2027', { DIGITAL: '1000000.00' }, { baseUrl: first.url, dataDir });
      const submitted = await call('POST', '/requests', {
        baseUrl: first.url,
        token,
        body: validRequestBody({
          businessFunction: 'DIGITAL',
          category: 'DIGITAL_DATA',
          title: 'Data platform',
        }),
      });
      expect(submitted.status).toBe(201);
      id = submitted.body.id;
      await triaged(id, undefined, { baseUrl: first.url, dataDir });
      ({ link } = await approvalEmailOf(id, dataDir));
      await requestInStatus(token, id, 'IN_APPROVAL', first.url);
    } finally {
      await first.stop();
    }

    const second = await startLocalCloud({ dataDir, port });
    try {
      const page = await apiFetch(link);
      expect(page.status).toBe(200);

      const decided = await postForm(link, {
        reviewed: 'yes',
        decision: 'APPROVED',
        comment: 'After the restart',
      });

      expect(decided.status).toBe(200);
      const request = await requestInStatus(token, id, 'APPROVED', second.url);
      expect(currentStepOf(request.body)).toMatchObject({ status: 'APPROVED', comment: 'After the restart' });
      await eventually(
        () => readOutbox(dataDir).find((mail) => mail.subject === 'Your request was approved: Data platform'),
        'the requester notification',
      );
      const history = await call('GET', `/requests/${id}/history`, { baseUrl: second.url, token });
      expect(history.body.items.map((event: { action: string }) => event.action)).toEqual([
        'REQUEST_SUBMITTED',
        'TRIAGE_REQUESTED',
        'REQUEST_ACCEPTED',
        'APPROVAL_REQUESTED',
        'APPROVAL_DECIDED',
        'REQUEST_APPROVED',
      ]);
    } finally {
      await second.stop();
    }
  }, 240_000);
});
