import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocalCloud } from '../../infra/local/cloud.js';
import { call, tokenFor, validRequestBody } from './support.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'techops-restart-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('the local cloud across a restart', () => {
  it('still has a submitted request and its history after stop and start', async () => {
    const token = await tokenFor({ groups: ['requester'], businessFunction: 'DIGITAL' }, dataDir);
    const first = await startLocalCloud({ dataDir, port: 0 });
    let id: string;
    try {
      const submitted = await call('POST', '/requests', {
        baseUrl: first.url,
        token,
        body: validRequestBody({ businessFunction: 'DIGITAL', category: 'DIGITAL_DATA' }),
      });
      expect(submitted.status).toBe(201);
      id = submitted.body.id;
    } finally {
      await first.stop();
    }

    const second = await startLocalCloud({ dataDir, port: 0 });
    try {
      const request = await call('GET', `/requests/${id}`, { baseUrl: second.url, token });
      const history = await call('GET', `/requests/${id}/history`, { baseUrl: second.url, token });

      expect(request.status).toBe(200);
      expect(request.body).toMatchObject({ id, status: 'SUBMITTED', businessFunction: 'DIGITAL' });
      expect(history.body.items.map((event: { action: string }) => event.action)).toEqual([
        'REQUEST_SUBMITTED',
      ]);
    } finally {
      await second.stop();
    }
  }, 240_000);
});
