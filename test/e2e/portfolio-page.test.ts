import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../infra/constructs/handler-function.js';
import { addBusinessFunctions } from '../integration/business-function-support.js';
import { approvedRequest, call, createVendor, fundBudget, tokenFor } from '../integration/support.js';
import { launchChromium } from './browser.js';

/**
 * The portfolio page in a real browser (Debian's Chromium), at a laptop's and a phone's width:
 * no horizontal overflow, no serious or critical accessibility violation by axe-core (the
 * accessibility engine behind Lighthouse and the browsers' devtools), screenshots kept in
 * test-results/portfolio/ (git-ignored). This file owns FY2056 and its business functions.
 */
const YEAR = 'FY2056';
const SCREENSHOTS = path.join(PROJECT_ROOT, 'test-results', 'portfolio');
const axeSource: string = createRequire(import.meta.url)('axe-core').source;

let browser: Browser;
let pageUrl: string;

beforeAll(async () => {
  await addBusinessFunctions(['PAGE_QA', 'PAGE_MFG'], 'Portfolio page');
  await fundBudget(YEAR, { PAGE_QA: '250000.00', PAGE_MFG: '150000.00' });
  const [vendor, other] = await Promise.all([
    createVendor('Page Validation Partners with a long display name'),
    createVendor('Page Process Experts'),
  ]);
  await Promise.all([
    approvedRequest({
      businessFunction: 'PAGE_QA',
      category: 'VALIDATION_CQV',
      estimatedCost: { amount: '42000.00', currency: 'USD' },
      preferredVendorId: vendor,
      startDate: '2056-02-01',
      endDate: '2056-06-30',
    }),
    approvedRequest({
      businessFunction: 'PAGE_MFG',
      category: 'PROCESS_ENGINEERING',
      estimatedCost: { amount: '18500.00', currency: 'USD' },
      preferredVendorId: other,
      startDate: '2056-07-01',
      endDate: '2056-09-30',
    }),
  ]);
  browser = await launchChromium();
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
});

/** A fresh link each time: it lasts 5 minutes. */
async function freshPageUrl(): Promise<string> {
  const finance = await tokenFor({ groups: ['finance'] });
  const answer = await call('GET', `/reports/portfolio?fiscalYear=${YEAR}&format=html`, {
    token: finance,
    redirect: 'manual',
  });
  expect(answer.status).toBe(303);
  return answer.headers.get('location')!;
}

describe.each([
  ['laptop', { width: 1366, height: 900 }],
  ['phone', { width: 390, height: 844 }],
])('the portfolio page on a %s', (name, viewport) => {
  it('fits the width, passes axe-core without serious violations, and is kept as a screenshot', async () => {
    pageUrl = await freshPageUrl();
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    const blocked: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) blocked.push(message.text());
    });

    await page.goto(pageUrl);
    await page.screenshot({ path: path.join(SCREENSHOTS, `portfolio-${name}.png`), fullPage: true });
    // Expressions evaluated in the page (this file is not compiled for the DOM).
    const overflow = (await page.evaluate(
      'document.documentElement.scrollWidth - window.innerWidth',
    )) as number;
    await page.evaluate(axeSource);
    const violations = (await page.evaluate(
      'axe.run().then((result) => result.violations.map(({ id, impact }) => ({ id, impact })))',
    )) as { id: string; impact: string }[];

    expect(await page.locator('h1').textContent()).toBe(`Consultancy portfolio ${YEAR}`);
    expect(await page.locator('svg[role="img"]').count()).toBe(3);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(violations.filter((violation) => ['serious', 'critical'].includes(violation.impact))).toEqual([]);
    expect(blocked).toEqual([]);
    await context.close();
  });
});
