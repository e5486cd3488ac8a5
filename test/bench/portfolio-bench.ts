/**
 * `npm run bench:portfolio`: the portfolio view's time and peak memory for 1,000 and
 * `BENCH_ROWS` (default 100,000) ledger entries. Loads each fiscal year straight into DynamoDB
 * Local (items as the commands write them): 8 lines, 20 ledger entries per request (a
 * commitment and 19 invoices across the quarters), each request's position and the request,
 * five real vendors; then asks GET /reports/portfolio (JSON, then the page) through the local
 * gateway and prints its time and the route Lambda's peak memory (its worker's V8 heap and
 * Buffers, as the export bench reports the job's).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  envelopeItem,
  ledgerEntryItem,
  lineItem,
  positionItem,
} from '../../functions/budgets/budget-items.js';
import { NO_EFFECT } from '../../functions/budgets/ledger.js';
import { DEFAULT_BUDGET_CONTROLS, type StoredLedgerEntry } from '../../functions/budgets/model.js';
import type { ConsultancyRequest } from '../../functions/requests/model.js';
import { requestItem } from '../../functions/requests/request-keys.js';
import { newId } from '../../functions/shared/ids.js';
import { startLocalCloud } from '../../infra/local/cloud.js';
import { issueDevToken } from '../../infra/local/dev-identity.js';
import { putItems, useLocalTables } from './bench-cloud.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const SIZES = [...new Set([Math.min(1_000, ROWS), ROWS])];
const LINES = ['DIGITAL', 'ENG', 'FINANCE', 'MFG', 'MSAT', 'QA', 'SC', 'STRATEGY'];
const ENTRIES_PER_REQUEST = 20;
const CATEGORIES = ['VALIDATION_CQV', 'REGULATORY', 'PROCESS_ENGINEERING', 'DIGITAL_DATA'] as const;
const ROUTE_ENTRY = 'functions/reports/get-portfolio.ts';

const dataDir = mkdtempSync(path.join(tmpdir(), 'techops-bench-'));
const cloud = await startLocalCloud({ dataDir, port: 0 });
try {
  const client = await useLocalTables(cloud, {
    BUDGETS_TABLE_NAME: 'DataBudgets',
    REQUESTS_TABLE_NAME: 'DataRequests',
  });
  const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const token = (groups: string[]) =>
    issueDevToken(dataDir, { sub: `bench-${groups[0]}`, email: 'b@x.example', name: 'Bench', groups });
  const [finance, manager] = await Promise.all([token(['finance']), token(['vendor-manager'])]);
  const api = (method: string, url: string, bearer: string, body?: unknown) =>
    fetch(`${cloud.url}${url}`, {
      method,
      redirect: 'manual',
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const vendorIds: string[] = [];
  for (let index = 0; index < 5; index++) {
    const vendor = await api('POST', '/vendors', manager, {
      legalName: `Bench Portfolio ${index} Ltd`,
      displayName: `Bench ${index}`,
      taxId: `GB80000000${index}`,
      headquartersCountry: 'GB',
      capabilities: ['VALIDATION_CQV'],
      relationshipOwner: { name: 'Olga Owner', email: 'olga.owner@techops.example' },
      contacts: [],
      riskTier: 'LOW',
    });
    vendorIds.push(((await vendor.json()) as { id: string }).id);
  }

  const put = (table: string, items: Record<string, unknown>[]) => putItems(documents, table, items);

  /** A fiscal year with `rows` ledger entries, their requests and positions. */
  async function load(fiscalYear: string, rows: number): Promise<void> {
    const year = Number(fiscalYear.slice(2));
    const at = new Date().toISOString();
    const by = { sub: 'bench', name: 'Bench', email: 'bench@x.example' };
    const budgets: Record<string, unknown>[] = [
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
    const requests: Record<string, unknown>[] = [];
    const perLine = Math.ceil(rows / LINES.length);
    for (const [lineIndex, businessFunction] of LINES.entries()) {
      const count = Math.max(0, Math.min(perLine, rows - lineIndex * perLine));
      const totals = { committed: 0, actual: 0 };
      let sequence = 0;
      for (let first = 0; first < count; first += ENTRIES_PER_REQUEST) {
        const requestId = newId('request');
        const vendorId = vendorIds[(first / ENTRIES_PER_REQUEST) % vendorIds.length]!;
        const entries = Math.min(ENTRIES_PER_REQUEST, count - first);
        const committed = 1_000_000;
        let actual = 0;
        for (let index = 0; index < entries; index++) {
          sequence += 1;
          const isCommitment = index === 0;
          const amount = isCommitment ? committed : 10_000 + index;
          if (!isCommitment) actual += amount;
          const month = String(1 + (index % 12)).padStart(2, '0');
          const entry: StoredLedgerEntry = {
            id: newId('ledgerEntry'),
            fiscalYear,
            businessFunction,
            kind: isCommitment ? 'COMMITMENT' : 'ACTUAL',
            amountMinor: amount,
            currency: 'USD',
            effect: isCommitment
              ? { ...NO_EFFECT, committed: amount, consumed: amount }
              : { ...NO_EFFECT, actual: amount },
            requestId,
            vendorId,
            ...(isCommitment ? {} : { invoiceNumber: `INV-${sequence}`, invoiceDate: `${year}-${month}-15` }),
            sequence,
            at,
            by,
          };
          budgets.push(ledgerEntryItem(entry));
        }
        totals.committed += committed;
        totals.actual += actual;
        budgets.push(
          positionItem(
            {
              requestId,
              fiscalYear,
              businessFunction,
              currency: 'USD',
              committed,
              actual,
              invoiceCount: entries - 1,
              vendorId,
              approvedAt: at,
              version: entries,
            },
            at,
          ),
        );
        const request = {
          id: requestId,
          title: 'Bench request',
          businessFunction,
          category: CATEGORIES[(first / ENTRIES_PER_REQUEST) % CATEGORIES.length]!,
          description: 'Bench',
          justification: 'Bench',
          estimatedCost: { minor: committed, currency: 'USD' },
          startDate: `${year}-0${1 + ((first / ENTRIES_PER_REQUEST) % 9)}-01`,
          endDate: `${year}-12-31`,
          urgency: 'NORMAL',
          preferredVendorId: vendorId,
          fiscalYear,
          status: 'APPROVED',
          requester: by,
          createdAt: at,
          updatedAt: at,
          version: 5,
        } as unknown as ConsultancyRequest;
        requests.push(requestItem(request));
      }
      const line = { fiscalYear, businessFunction, currency: 'USD', version: sequence };
      const consumed = totals.committed + 0;
      budgets.push(lineItem({ ...line, allocated: 0, ...totals, consumed, available: -consumed }, at));
    }
    await put(String(process.env.BUDGETS_TABLE_NAME), budgets);
    await put(String(process.env.REQUESTS_TABLE_NAME), requests);
  }

  const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
  const routeFunction = cloud.functionOf(ROUTE_ENTRY)!;
  const timed = async (url: string) => {
    const started = performance.now();
    const response = await api('GET', url, finance);
    const seconds = (performance.now() - started) / 1000;
    const report = cloud.lastReport(routeFunction)!;
    if (response.status !== 200 && response.status !== 303)
      throw new Error(`${url}: ${response.status} ${await response.text()}`);
    return {
      seconds,
      body:
        response.status === 200 ? ((await response.json()) as { reads: Record<string, number> }) : undefined,
      peak: report.maxHeapUsedBytes + report.maxExternalBytes,
      heap: report.maxHeapUsedBytes,
    };
  };
  // Warm: the route's Lambda started once, so neither size pays its cold start.
  await load('FY2057', 100);
  await timed('/reports/portfolio?fiscalYear=FY2057');
  for (const [index, rows] of SIZES.entries()) {
    const fiscalYear = `FY${2058 + index}`;
    const loading = performance.now();
    await load(fiscalYear, rows);
    console.log(
      `loaded ${rows} ledger entries into ${fiscalYear} in ${((performance.now() - loading) / 1000).toFixed(1)} s`,
    );
    const json = await timed(`/reports/portfolio?fiscalYear=${fiscalYear}`);
    const page = await timed(`/reports/portfolio?fiscalYear=${fiscalYear}&format=html`);
    console.log(
      `${String(rows).padStart(7)} ledger entries (${JSON.stringify(json.body?.reads)}): JSON ${json.seconds.toFixed(2)} s, ` +
        `peak memory of the route's Lambda ${mib(json.peak)} (heap ${mib(json.heap)}); page ${page.seconds.toFixed(2)} s, peak ${mib(page.peak)}`,
    );
  }
} finally {
  await cloud.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
