import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { html } from '../../functions/shared/html.js';
import {
  acceptedAtTriage,
  approvalEmailOf,
  call,
  currentStepOf,
  fundBudget,
  tokenFor,
  validRequestBody,
} from '../integration/support.js';
import { launchChromium } from './browser.js';

// A real browser on another site's page that posts the approver's form (issue 9, finding 10).
// This file works on SC requests of FY2073 (nobody else budgets that year or lists SC).

let browser: Browser;
let requester: string;
let evilSite: Server;
let evilOrigin: string;
/** What the other site's page posts to: set per test. */
let target = '';

beforeAll(async () => {
  browser = await launchChromium();
  requester = await tokenFor({ groups: ['requester'], businessFunction: 'SC' });
  await fundBudget('FY2073', { SC: '5000000.00' });
  // "localhost" is another site than the gateway's 127.0.0.1, as evil.example would be.
  evilSite = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(
      html`<!doctype html><title>You won</title>
<form method="post" action="${target}">
<input type="hidden" name="reviewed" value="yes"><input type="hidden" name="decision" value="APPROVED">
<button>Claim your prize</button></form>`.value,
    );
  });
  await new Promise<void>((resolve) => evilSite.listen(0, '127.0.0.1', resolve));
  evilOrigin = `http://localhost:${(evilSite.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => evilSite?.close(resolve));
});

describe('a form on another site that posts to an approval link', () => {
  it('gets the browser a 403 page, and the approval stays pending', async () => {
    const submitted = await call('POST', '/requests', {
      token: requester,
      body: validRequestBody({
        businessFunction: 'SC',
        title: `Supplier audit support ${Date.now()}`,
        startDate: '2073-02-01',
        endDate: '2073-04-30',
      }),
    });
    expect(submitted.status).toBe(201);
    await acceptedAtTriage(submitted.body.id);
    target = (await approvalEmailOf(submitted.body.id)).link;
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();

    try {
      await page.goto(`${evilOrigin}/`);
      const [response] = await Promise.all([
        page.waitForResponse((candidate) => candidate.url() === target),
        page.getByRole('button', { name: 'Claim your prize' }).click(),
      ]);

      expect(response.status()).toBe(403);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Not allowed');
      expect(await page.content()).toContain('Nothing was decided.');
    } finally {
      await context.close();
    }
    const request = await call('GET', `/requests/${submitted.body.id}`, { token: requester });
    expect(request.body.status).toBe('IN_APPROVAL');
    expect(currentStepOf(request.body).status).toBe('PENDING');
  });
});
