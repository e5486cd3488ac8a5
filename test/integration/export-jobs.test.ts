import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { LEDGER_EXPORT_COLUMNS } from '../../functions/exports/model.js';
import { PROJECT_ROOT } from '../../infra/constructs/handler-function.js';
import {
  approvedRequest,
  call,
  createVendor,
  eventually,
  fetchOutsideApi,
  fundBudget,
  tokenFor,
} from './support.js';

// This file owns FY2064 (QA and SC lines): nobody else writes there.
const FISCAL_YEAR = 'FY2064';
const run = promisify(execFile);
let finance: string;
let requests: { id: string }[];
let vendorId: string;

const usd = (amount: string) => ({ amount, currency: 'USD' });

/** Records an invoice against a request (finance). */
async function invoice(requestId: string, number: string, amount = '100.00') {
  const response = await call('POST', '/actuals', {
    token: finance,
    body: { requestId, invoiceNumber: number, invoiceDate: '2064-04-30', amount: usd(amount) },
  });
  if (response.status !== 201) throw new Error(`Actual ${number}: ${response.status} ${response.text}`);
}

/** POST /exports, then GET /exports/{id} until the job is done. */
async function exported(body: Record<string, unknown>) {
  const started = await call('POST', '/exports', { token: finance, body: { kind: 'spend', ...body } });
  expect(started.status, started.text).toBe(202);
  expect(started.headers.get('location')).toBe(`/exports/${started.body.id}`);
  return finished(started.body.id);
}

async function finished(exportId: string) {
  return eventually(
    async () => {
      const job = await call('GET', `/exports/${exportId}`, { token: finance });
      if (job.body.status === 'FAILED') throw new Error(`Export failed: ${job.body.failure}`);
      return job.body.status === 'SUCCEEDED' ? job.body : undefined;
    },
    `export ${exportId}`,
    60_000,
  );
}

/** The file behind a finished export's link: its bytes, and its rows as column -> cell. */
async function fileOf(job: { downloadUrl: string }) {
  const bytes = Buffer.from(await (await fetchOutsideApi(job.downloadUrl)).arrayBuffer());
  return { bytes, rows: csvRows(bytes.toString('utf8')) };
}

/** The data rows of one of our CSV files (no cell of this file's data holds a comma or quote). */
function csvRows(text: string): Record<string, string>[] {
  const [header, ...lines] = text
    .replace(/^\uFEFF/, '')
    .split('\r\n')
    .filter(Boolean);
  const columns = (header ?? '').split(',');
  return lines.map((line) =>
    Object.fromEntries(line.split(',').map((cell, index) => [columns[index], cell])),
  );
}

/** Every ledger entry id of the year's lines, as the API lists them. */
async function ledgerIds(): Promise<string[]> {
  const ids: string[] = [];
  for (const businessFunction of ['QA', 'SC']) {
    const page = await call('GET', `/budgets/${FISCAL_YEAR}/${businessFunction}/ledger?limit=100`, {
      token: finance,
    });
    expect(page.body.nextCursor).toBeUndefined();
    ids.push(...page.body.items.map((entry: { id: string }) => entry.id));
  }
  return ids;
}

beforeAll(async () => {
  finance = await tokenFor({ groups: ['finance'] });
  await fundBudget(FISCAL_YEAR, { QA: '500000.00', SC: '500000.00' });
  vendorId = await createVendor('Ledger Export Partners');
  const dates = { startDate: '2064-03-01', endDate: '2064-09-30', preferredVendorId: vendorId };
  requests = await Promise.all(
    ['QA', 'SC'].map((businessFunction) =>
      approvedRequest({
        businessFunction,
        category: 'VALIDATION_CQV',
        estimatedCost: usd('50000.00'),
        ...dates,
      }),
    ),
  );
});

describe('export jobs', () => {
  it('together with an incremental export, holds every entry exactly once though 20 actuals land while it runs', async () => {
    const recording = Promise.all(
      Array.from({ length: 20 }, (_, index) => invoice(requests[index % 2]!.id, `INV-RACE-${index}`)),
    );
    const first = await exported({ fiscalYear: FISCAL_YEAR });
    await recording;

    const next = await exported({ fiscalYear: FISCAL_YEAR, since: first.id });

    const [a, b] = [await fileOf(first), await fileOf(next)];
    const exportedIds = [...a.rows, ...b.rows].map((row) => row.entryId);
    const all = await ledgerIds();
    expect(all.length).toBe(2 + 2 + 20); // allocations, commitments, actuals
    expect(exportedIds.sort()).toEqual(all.sort());
    expect(new Set(exportedIds).size).toBe(exportedIds.length);
    expect(next).toMatchObject({ since: first.id, afterSequences: first.throughSequences });
    expect(first).toMatchObject({ rows: a.rows.length, bytes: a.bytes.length });
    expect(first.sha256).toBe(createHash('sha256').update(a.bytes).digest('hex'));
  });

  it('writes the columns finance asks for: both amounts, the rate when they differ, sequence, type, the vendor', async () => {
    const job = await exported({ fiscalYear: FISCAL_YEAR, businessFunction: 'QA', vendorId });
    const { bytes, rows } = await fileOf(job);
    const vendor = await call('GET', `/vendors/${vendorId}`, { token: finance });

    expect(
      bytes
        .toString('utf8')
        .replace(/^\uFEFF/, '')
        .split('\r\n')[0],
    ).toBe(LEDGER_EXPORT_COLUMNS.join(','));
    const actual = rows.find((row) => row.entryType === 'ACTUAL')!;
    expect(actual).toMatchObject({
      businessFunction: 'QA',
      vendorId,
      vendorLegalName: vendor.body.legalName,
      vendorTaxId: vendor.body.taxId,
      transactionAmount: '100.00',
      transactionCurrency: 'USD',
      budgetAmount: '100.00',
      budgetCurrency: 'USD',
      exchangeRate: '',
    });
    expect(rows.every((row) => row.vendorId === vendorId && row.businessFunction === 'QA')).toBe(true);
    // The allocation (sequence 1) has no vendor; the commitment is 2: numbered in commit order.
    expect(rows.map((row) => Number(row.sequence))[0]).toBe(2);
  });

  it('re-runs an export id into a file with the same checksum', async () => {
    const first = await exported({ fiscalYear: FISCAL_YEAR, format: 'json' });
    await invoice(requests[0]!.id, 'INV-AFTER-RERUN-BASE');

    const rerun = await call('POST', `/exports/${first.id}/rerun`, { token: finance });
    expect(rerun.status, rerun.text).toBe(202);
    const again = await finished(rerun.body.id);

    expect(again).toMatchObject({
      rerunOf: first.id,
      rows: first.rows,
      sha256: first.sha256,
      bytes: first.bytes,
    });
    const file = await fileOf(again);
    expect(createHash('sha256').update(file.bytes).digest('hex')).toBe(first.sha256);
  });

  it('answers a retry with the same Idempotency-Key with the first job', async () => {
    const headers = { 'idempotency-key': `export-${Date.now()}` };
    const body = { kind: 'spend', fiscalYear: FISCAL_YEAR, businessFunction: 'SC' };

    const first = await call('POST', '/exports', { token: finance, body, headers });
    const retry = await call('POST', '/exports', { token: finance, body, headers });

    expect(first.status).toBe(202);
    expect(retry.status).toBe(202);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body.id).toBe(first.body.id);
  });

  it('refuses a since of another year or filter (every field listed), and callers without finance or admin', async () => {
    const qa = await exported({ fiscalYear: FISCAL_YEAR, businessFunction: 'QA' });
    const requester = await tokenFor({ groups: ['requester'], businessFunction: 'QA' });

    const mismatched = await call('POST', '/exports', {
      token: finance,
      body: { kind: 'spend', fiscalYear: FISCAL_YEAR, businessFunction: 'SC', since: qa.id },
    });
    const forbidden = await call('POST', '/exports', {
      token: requester,
      body: { kind: 'spend', fiscalYear: FISCAL_YEAR },
    });
    const unknownYear = await call('POST', '/exports', {
      token: finance,
      body: { kind: 'spend', fiscalYear: 'FY2199' },
    });

    expect(mismatched.status).toBe(400);
    expect(mismatched.body.errors).toEqual([expect.objectContaining({ field: 'businessFunction' })]);
    expect(forbidden.status).toBe(403);
    expect(unknownYear.status).toBe(404);
  });
});

describe('the daily spend export', () => {
  const dataDir = () => inject('dataDir');
  const runDaily = async () => {
    const { stdout } = await run(
      'npm',
      ['run', '--silent', 'spend-exports', '--', JSON.stringify({ fiscalYears: [FISCAL_YEAR] })],
      { cwd: PROJECT_ROOT, env: { ...process.env, LOCAL_DATA_DIR: dataDir() } },
    );
    return JSON.parse(stdout.split('\n')[0]!).exports[0];
  };
  const objectsDir = () => {
    const s3 = path.join(dataDir(), 's3');
    const bucket = readdirSync(s3).find((name) => !name.startsWith('.'))!;
    return path.join(s3, bucket, 'objects');
  };

  it('writes the increment and its manifest under a dated prefix; a second run with nothing new writes an empty one', async () => {
    const first = await runDaily();

    const second = await runDaily();

    const today = new Date().toISOString().slice(0, 10);
    expect(first.file).toMatch(new RegExp(`^scheduled/${today}/spend-${FISCAL_YEAR}-exp_[0-9a-z]+\\.csv$`));
    const manifest = JSON.parse(readFileSync(path.join(objectsDir(), first.manifest), 'utf8'));
    const file = readFileSync(path.join(objectsDir(), first.file));
    expect(manifest).toMatchObject({ exportId: first.exportId, since: first.since, rows: first.rows });
    expect(manifest.sha256).toBe(createHash('sha256').update(file).digest('hex'));
    expect(csvRows(file.toString('utf8'))).toHaveLength(first.rows);
    expect(second).toMatchObject({ since: first.exportId, rows: 0 });
    const empty = readFileSync(path.join(objectsDir(), second.file), 'utf8');
    expect(csvRows(empty)).toEqual([]);
    expect(JSON.parse(readFileSync(path.join(objectsDir(), second.manifest), 'utf8'))).toMatchObject({
      exportId: second.exportId,
      since: first.exportId,
      rows: 0,
    });
  });
});
