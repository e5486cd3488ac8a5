import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  acceptedAtTriage,
  approvalEmailOf,
  call,
  currentStepOf,
  eventually,
  fundBudget,
  readOutbox,
  requestInStatus,
  tokenFor,
  validRequestBody,
} from '../integration/support.js';
import { assertDocumented } from '../openapi/response-validator.js';
import { launchChromium } from './browser.js';

// A real browser (Debian's Chromium, driven by Playwright) on the approver's emailed link.
// This file works on ENG requests (head: Tomas Lindqvist).
const ENG_HEAD = { name: 'Tomas Lindqvist', email: 'tomas.lindqvist@techops.example' };
const STRATEGY_HEAD = { name: 'Claire Dubois', email: 'claire.dubois@techops.example' };

let browser: Browser;
let requester: string;
let auditor: string;

beforeAll(async () => {
  browser = await launchChromium();
  requester = await tokenFor({
    sub: 'erik-eng',
    name: 'Erik Engineering',
    email: 'erik@techops.example',
    groups: ['requester'],
    businessFunction: 'ENG',
  });
  auditor = await tokenFor({ groups: ['admin'] });
  await fundBudget('FY2027', { ENG: '5000000.00' });
});

afterAll(async () => {
  await browser?.close();
});

async function submitted(title: string, amount = '45000.00'): Promise<{ id: string; link: string }> {
  const response = await call('POST', '/requests', {
    token: requester,
    body: validRequestBody({
      businessFunction: 'ENG',
      category: 'PROCESS_ENGINEERING',
      title,
      estimatedCost: { amount, currency: 'USD' },
    }),
  });
  expect(response.status).toBe(201);
  await acceptedAtTriage(response.body.id);
  const { link } = await approvalEmailOf(response.body.id);
  return { id: response.body.id, link };
}

/**
 * A page that records every request it makes and every console error (CSP violations among them).
 * Closing it fails if a response of the API did not match the OpenAPI document.
 */
async function openPage(viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport, javaScriptEnabled: false });
  const page = await context.newPage();
  const requested: string[] = [];
  const consoleErrors: string[] = [];
  const checked: Promise<void>[] = [];
  page.on('request', (request) => requested.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('response', (response) => {
    if (!response.url().startsWith(inject('apiUrl'))) return;
    checked.push(
      response.text().then((body) =>
        assertDocumented({
          method: response.request().method(),
          url: response.url(),
          status: response.status(),
          headers: response.headers(),
          body,
        }),
      ),
    );
  });
  const close = async () => {
    const results = await Promise.allSettled(checked);
    await context.close();
    for (const result of results) if (result.status === 'rejected') throw result.reason;
  };
  return { page, requested, consoleErrors, close };
}

async function signatureOf(id: string) {
  const history = await call('GET', `/requests/${id}/history`, { token: auditor });
  return history.body.items.find((event: { action: string }) => event.action === 'APPROVAL_DECIDED')
    ?.signature;
}

const decide = async (page: Page, button: 'Approve' | 'Reject' | 'Send back for changes') => {
  await page.getByLabel('I have reviewed this request').check();
  await page.getByRole('button', { name: button }).click();
  await page.waitForLoadState();
};

describe("the approver's journey in a browser", () => {
  it('opens the emailed link, sees the summary, approves, and the request is approved and signed', async () => {
    const { id, link } = await submitted('Debottlenecking study for the WFI loop');
    const { page, requested, consoleErrors, close } = await openPage();
    try {
      await page.goto(link);
      await expect.poll(() => page.title()).toContain('Debottlenecking study for the WFI loop');
      const summary = await page.getByRole('region', { name: 'Request summary' }).textContent();
      expect(summary).toContain('Engineering (ENG)');
      expect(summary).toContain('USD 45,000.00');
      expect(summary).toContain('Erik Engineering');
      // The triage assessment from submission: the line's headroom with its pipeline, and flags.
      expect(summary).toMatch(
        /Budget lineENG FY2027: USD [\d,]+\.\d\d available, USD [\d,]+\.\d\d asked by \d+ other/,
      );
      expect(summary).toContain('Assessment flags');
      // How triage decided it: the triager, when, and the note.
      expect(summary).toMatch(/TriageAccepted by Jonas Weber on \d{1,2} [A-Z][a-z]+ \d{4}, \d\d:\d\d UTC\./);
      expect(summary).toContain("Triager's noteAccepted for approval.");
      // In words people read: the category's name, dates, the deadline to the minute.
      expect(summary).toContain('Process engineering');
      expect(summary).toContain('1 February 2027 to 30 June 2027');
      expect(await page.getByText(/Decide by \d{1,2} [A-Z][a-z]+ \d{4}, \d\d:\d\d UTC\./).count()).toBe(1);

      await decide(page, 'Approve');

      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('You approved the request');
      expect(requested.every((url) => url.startsWith(inject('apiUrl')))).toBe(true);
      expect(consoleErrors).toEqual([]);
    } finally {
      await close();
    }
    await requestInStatus(requester, id, 'APPROVED');
    await eventually(
      () =>
        readOutbox().find(
          (mail) => mail.subject === 'Your request was approved: Debottlenecking study for the WFI loop',
        ),
      "the requester's notification",
    );
    expect(await signatureOf(id)).toMatchObject({
      printedName: ENG_HEAD.name,
      email: ENG_HEAD.email,
      meaning: 'APPROVED',
      method: 'EMAIL_LINK',
    });
  });

  it('decides a two-step chain from two emails: the second approver is asked once the first approves', async () => {
    const { id, link } = await submitted('Capacity study for the new bioreactor suite', '120000.00');
    const first = await openPage();
    try {
      await first.page.goto(link);
      expect(await first.page.getByText('This is step 1 of 2').count()).toBe(1);
      await decide(first.page, 'Approve');
      expect(await first.page.getByRole('status').textContent()).toContain(
        'moves on through its approval chain',
      );
    } finally {
      await first.close();
    }
    const secondEmail = await eventually(
      () =>
        readOutbox().find(
          (mail) =>
            mail.to.includes(STRATEGY_HEAD.email) &&
            mail.subject.startsWith('Approval needed') &&
            mail.text.includes(id),
        ),
      "the second step's email",
    );
    const second = await openPage({ width: 390, height: 844 });
    try {
      await second.page.goto(secondEmail.links[0] as string);
      expect(await second.page.getByText('This is step 2 of 2 (Head of STRATEGY).').count()).toBe(1);

      await decide(second.page, 'Approve');

      expect(await second.page.getByRole('heading', { level: 1 }).textContent()).toBe(
        'You approved the request',
      );
      expect(second.consoleErrors).toEqual([]);
    } finally {
      await second.close();
    }
    const approved = await requestInStatus(requester, id, 'APPROVED');
    expect(
      approved.body.approvalChain.steps.map((step: { decidedBy: { name: string } }) => step.decidedBy.name),
    ).toEqual([ENG_HEAD.name, STRATEGY_HEAD.name]);
  });

  it('sends a request back from the page, and approves it from the new email after the requester resubmits', async () => {
    const { id, link } = await submitted('Cleaning validation support for suite B', '120000.00');
    const first = await openPage();
    try {
      await first.page.goto(link);
      await decide(first.page, 'Approve');
    } finally {
      await first.close();
    }
    const strategyEmails = () =>
      readOutbox().filter(
        (mail) =>
          mail.to.includes(STRATEGY_HEAD.email) &&
          mail.subject.startsWith('Approval needed') &&
          mail.text.includes(id),
      );
    const secondEmail = await eventually(() => strategyEmails()[0], "the second step's email");
    const second = await openPage();
    try {
      await second.page.goto(secondEmail.links[0] as string);
      await second.page
        .getByLabel('Comment (required to reject')
        .fill('Please phase it: IQ/OQ this year, PQ next year.');

      await decide(second.page, 'Send back for changes');

      expect(await second.page.getByRole('heading', { level: 1 }).textContent()).toBe(
        'You sent back the request',
      );
      expect(await second.page.getByRole('status').textContent()).toContain('will be emailed your comment');
      expect(second.consoleErrors).toEqual([]);
    } finally {
      await second.close();
    }
    const sentBack = await requestInStatus(requester, id, 'CHANGES_REQUESTED');
    await eventually(
      () =>
        readOutbox().find(
          (mail) =>
            mail.subject ===
            'Your request was sent back to you for changes by an approver: Cleaning validation support for suite B',
        ),
      "the requester's email",
    );
    const edited = await call('PATCH', `/requests/${id}`, {
      token: requester,
      body: { description: 'Phased: IQ/OQ in 2027, PQ in 2028.' },
      headers: { 'if-match': sentBack.headers.get('etag') as string },
    });
    expect(edited.status, edited.text).toBe(200);
    const resubmitted = await call('POST', `/requests/${id}/resubmit`, {
      token: requester,
      body: { response: 'Phased as asked.' },
      headers: { 'if-match': edited.headers.get('etag') as string },
    });
    expect(resubmitted.status, resubmitted.text).toBe(200);

    const againEmail = await eventually(() => strategyEmails()[1], "the second step's new email");
    const again = await openPage();
    try {
      await again.page.goto(againEmail.links[0] as string);
      const summary = await again.page.getByRole('region', { name: 'Request summary' }).textContent();
      expect(summary).toContain('Phased: IQ/OQ in 2027, PQ in 2028.');

      await decide(again.page, 'Approve');

      expect(await again.page.getByRole('heading', { level: 1 }).textContent()).toBe(
        'You approved the request',
      );
    } finally {
      await again.close();
    }
    const approved = await requestInStatus(requester, id, 'APPROVED');
    expect(approved.body.sendBacks).toEqual([
      expect.objectContaining({ step: 2, by: STRATEGY_HEAD, continuedFromStep: 2 }),
    ]);
    expect(approved.body.approvalChain.steps.map((step: { status: string }) => step.status)).toEqual([
      'APPROVED',
      'APPROVED',
    ]);
  });

  it('rejects with a comment', async () => {
    const { id, link } = await submitted('Second opinion on the HVAC upgrade');
    const { page, close } = await openPage();
    try {
      await page.goto(link);
      await page.getByLabel('Comment (required to reject').fill('We have this expertise in house.');

      await decide(page, 'Reject');

      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('You rejected the request');
    } finally {
      await close();
    }
    const request = await requestInStatus(requester, id, 'REJECTED');
    expect(currentStepOf(request.body).comment).toBe('We have this expertise in house.');
    await eventually(
      () =>
        readOutbox().find(
          (mail) => mail.subject === 'Your request was rejected: Second opinion on the HVAC upgrade',
        ),
      "the requester's notification",
    );
    expect(await signatureOf(id)).toMatchObject({
      meaning: 'REJECTED',
      comment: 'We have this expertise in house.',
    });
  });

  it('decides nothing until the review box is ticked, and asks for a comment to reject', async () => {
    const { id, link } = await submitted('Unticked review box');
    const { page, close } = await openPage();
    try {
      await page.goto(link);

      await page.getByRole('button', { name: 'Approve' }).click();
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
        'Approval needed: Unticked review box',
      );
      await decide(page, 'Reject');

      expect(await page.getByRole('alert').textContent()).toContain('A comment is required to reject.');
      expect(await page.getByLabel('I have reviewed this request').isChecked()).toBe(true);
    } finally {
      await close();
    }
    const request = await call('GET', `/requests/${id}`, { token: requester });
    expect(currentStepOf(request.body).status).toBe('PENDING');
  });

  it('fits a phone screen: no sideways scrolling, both buttons within reach', async () => {
    const { link } = await submitted('Phone-sized approval page');
    const { page, close } = await openPage({ width: 375, height: 740 });
    try {
      await page.goto(link);

      const overflow = await page.evaluate<number>(
        'document.documentElement.scrollWidth - window.innerWidth',
      );
      expect(overflow).toBeLessThanOrEqual(0);
      for (const name of ['Approve', 'Send back for changes', 'Reject']) {
        const box = await page.getByRole('button', { name }).boundingBox();
        expect(box?.width ?? 0).toBeGreaterThan(200);
        expect(box?.height ?? 0).toBeGreaterThanOrEqual(44);
      }
    } finally {
      await close();
    }
  });

  it('shows a clear page for a link that no longer works', async () => {
    const { link } = await submitted('Used link');
    const { page, close } = await openPage();
    try {
      await page.goto(link);
      await decide(page, 'Approve');

      const again = await page.goto(link);

      expect(again?.status()).toBe(409);
      expect(await page.getByRole('alert').textContent()).toContain('already approved by Tomas Lindqvist');
    } finally {
      await close();
    }
  });
});
