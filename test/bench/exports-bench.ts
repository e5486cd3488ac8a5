/**
 * `npm run bench:exports`: loads ledger entries into the local cloud (BENCH_ROWS, default
 * 100,000, spread over 8 budget lines, with a few real vendors), then for 10,000 rows and for
 * BENCH_ROWS: exports them as CSV through POST /exports (the export job Lambda), and issues the
 * same reads directly (the same Queries of every line, at once). Prints rows/s of both, their
 * ratio, and the peak memory of the job's Lambda environment (its worker thread's heap and the
 * Buffers its objects hold, as the local runtime reports each invocation) with, for context,
 * the whole local cloud process's resident memory. Memory is flat when the largest size's peak
 * is within FLAT_WITHIN of the smallest's. Bounded, then stops.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { envelopeItem, ledgerEntryItem, lineItem } from '../../functions/budgets/budget-items.js';
import { NO_EFFECT } from '../../functions/budgets/ledger.js';
import { DEFAULT_BUDGET_CONTROLS, type StoredLedgerEntry } from '../../functions/budgets/model.js';
import { newId } from '../../functions/shared/ids.js';
import { EXPORT_JOB_ENTRY } from '../../infra/constructs/exports-job.js';
import { startLocalCloud } from '../../infra/local/cloud.js';
import { issueDevToken } from '../../infra/local/dev-identity.js';
import { putItems, useLocalTables } from './bench-cloud.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const LINES = ['DIGITAL', 'ENG', 'FINANCE', 'MFG', 'MSAT', 'QA', 'SC', 'STRATEGY'];
const SIZES = [...new Set([Math.min(10_000, ROWS), ROWS])];
/** Flat: the largest export's peak memory at most this many times the smallest's. */
const FLAT_WITHIN = 1.25;

const dataDir = mkdtempSync(path.join(tmpdir(), 'techops-bench-'));
const cloud = await startLocalCloud({ dataDir, port: 0 });
try {
  const client = await useLocalTables(cloud, { BUDGETS_TABLE_NAME: 'DataBudgets' });
  const { ledgerEntriesBetween } = await import('../../functions/budgets/budget-store.js');
  const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const table = String(process.env.BUDGETS_TABLE_NAME);
  const token = (groups: string[]) =>
    issueDevToken(dataDir, { sub: `bench-${groups[0]}`, email: 'b@x.example', name: 'Bench', groups });
  const [finance, manager] = await Promise.all([token(['finance']), token(['vendor-manager'])]);
  const api = (method: string, url: string, bearer: string, body?: unknown) =>
    fetch(`${cloud.url}${url}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      // biome-ignore lint/suspicious/noExplicitAny: the API's JSON, read by a script
    }).then((response) => response.json() as Promise<any>);

  // A few real vendors, so the vendor columns are looked up as in production.
  const vendorIds: string[] = [];
  for (let index = 0; index < 5; index++) {
    const vendor = await api('POST', '/vendors', manager, {
      legalName: `Bench Consulting ${index} Ltd`,
      displayName: `Bench ${index}`,
      taxId: `GB90000000${index}`,
      headquartersCountry: 'GB',
      capabilities: ['VALIDATION_CQV'],
      relationshipOwner: { name: 'Olga Owner', email: 'olga.owner@techops.example' },
      contacts: [],
      riskTier: 'LOW',
    });
    vendorIds.push(vendor.id);
  }

  /** A fiscal year with `rows` ledger entries: items written as the commands write them, sequences included. */
  async function load(fiscalYear: string, rows: number): Promise<void> {
    const at = new Date().toISOString();
    const by = { sub: 'bench', name: 'Bench', email: 'bench@x.example' };
    const items: Record<string, unknown>[] = [
      envelopeItem(
        {
          fiscalYear,
          currency: 'USD',
          envelope: 1e12,
          allocated: 0,
          controls: DEFAULT_BUDGET_CONTROLS,
          version: 1,
        },
        at,
      ),
    ];
    const perLine = Math.ceil(rows / LINES.length);
    for (const [lineIndex, businessFunction] of LINES.entries()) {
      const count = Math.min(perLine, rows - lineIndex * perLine);
      const line = { fiscalYear, businessFunction, currency: 'USD', version: count };
      items.push(lineItem({ ...line, allocated: 0, committed: 0, actual: 0, consumed: 0, available: 0 }, at));
      for (let sequence = 1; sequence <= count; sequence++) {
        const entry: StoredLedgerEntry = {
          id: newId('ledgerEntry'),
          fiscalYear,
          businessFunction,
          kind: 'ACTUAL',
          amountMinor: 10_000 + sequence,
          currency: 'USD',
          effect: { ...NO_EFFECT, actual: 10_000 + sequence },
          requestId: newId('request'),
          vendorId: vendorIds[sequence % vendorIds.length],
          invoiceNumber: `INV-${businessFunction}-${sequence}`,
          invoiceDate: '2069-04-30',
          beyondCommitment: false,
          reference: `Invoice INV-${businessFunction}-${sequence}`,
          sequence,
          at,
          by,
        };
        items.push(ledgerEntryItem(entry));
      }
    }
    await putItems(documents, table, items);
  }

  const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
  /** POST /exports, then GET /exports/{id} until the job is done. */
  const exportJob = async (fiscalYear: string) => {
    const job = await api('POST', '/exports', finance, { kind: 'spend', fiscalYear, format: 'csv' });
    let done = job;
    while (done.status !== 'SUCCEEDED' && done.status !== 'FAILED') {
      await new Promise((resolve) => setTimeout(resolve, 100));
      done = await api('GET', `/exports/${job.id}`, finance);
    }
    if (done.status !== 'SUCCEEDED')
      throw new Error(`Export failed: ${done.failure ?? JSON.stringify(done)}`);
    return done;
  };
  const jobFunction = cloud.functionOf(EXPORT_JOB_ENTRY)!;
  // Warm: the export's Lambdas (route, job) started once, so neither size pays their cold start.
  await load('FY2079', 100);
  await exportJob('FY2079');
  const peaks: number[] = [];
  for (const [index, rows] of SIZES.entries()) {
    const fiscalYear = `FY${2080 + index}`;
    const loading = performance.now();
    await load(fiscalYear, rows);
    console.log(
      `loaded ${rows} ledger entries into ${fiscalYear} in ${((performance.now() - loading) / 1000).toFixed(1)} s`,
    );

    // The same reads, directly: every line's Query at once, page by page.
    const direct = performance.now();
    const counts = await Promise.all(
      LINES.map(async (businessFunction) => {
        let count = 0;
        for await (const page of ledgerEntriesBetween(
          fiscalYear,
          businessFunction,
          0,
          Number.MAX_SAFE_INTEGER,
        ))
          count += page.length;
        return count;
      }),
    );
    const directSeconds = (performance.now() - direct) / 1000;
    const directRows = counts.reduce((sum, count) => sum + count, 0);

    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    const done = await exportJob(fiscalYear);
    clearInterval(sampler);
    const report = cloud.lastReport(jobFunction);
    peaks.push(report!.maxHeapUsedBytes + report!.maxExternalBytes);
    // The job's own time, as it recorded it (from start to the file's last byte), without polling.
    const exportSeconds = (Date.parse(done.finishedAt) - Date.parse(done.startedAt)) / 1000;
    console.log(
      `${String(rows).padStart(7)} rows: export ${(done.rows / exportSeconds).toFixed(0)} rows/s (${exportSeconds.toFixed(1)} s, ` +
        `${mib(done.bytes)} CSV); same reads directly ${(directRows / directSeconds).toFixed(0)} rows/s ` +
        `(${directSeconds.toFixed(1)} s); export/direct time ${(exportSeconds / directSeconds).toFixed(2)}x; ` +
        `peak memory of the job's Lambda environment ${mib(report!.maxHeapUsedBytes + report!.maxExternalBytes)} (heap ${mib(report!.maxHeapUsedBytes)}); ` +
        `the whole local cloud's process ${mib(peak)} (+${mib(peak - baseline)} over before the export)`,
    );
  }
  const ratio = peaks.at(-1)! / peaks[0]!;
  console.log(
    `peak memory of the job at ${SIZES.at(-1)} rows / at ${SIZES[0]} rows: ${ratio.toFixed(2)}x ` +
      `(${ratio <= FLAT_WITHIN ? 'flat' : 'NOT flat'}: flat is within ${FLAT_WITHIN}x)`,
  );
} finally {
  await cloud.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
