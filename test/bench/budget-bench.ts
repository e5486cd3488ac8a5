/**
 * `npm run bench:budgets`: commitments on one hot budget line, and the spend export of every
 * committed request, through the local cloud on loopback; bounded, then stops. Numbers are for
 * comparing changes on the same machine, not a promise about AWS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { newId } from '../../functions/shared/ids.js';
import { startLocalCloud } from '../../infra/local/cloud.js';
import { issueDevToken } from '../../infra/local/dev-identity.js';
import { useLocalTables } from './bench-cloud.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const FISCAL_YEAR = 'FY2070';

const dataDir = mkdtempSync(path.join(tmpdir(), 'techops-bench-'));
const cloud = await startLocalCloud({ dataDir, port: 0 });
try {
  const client = await useLocalTables(cloud, {
    BUDGETS_TABLE_NAME: 'DataBudgets',
    REQUESTS_TABLE_NAME: 'DataRequests',
  });
  const { commitApprovedRequest } = await import('../../functions/budgets/commitments.js');
  const admin = await issueDevToken(dataDir, {
    sub: 'bench-admin',
    email: 'a@x.example',
    name: 'A',
    groups: ['admin'],
  });
  const headers = { authorization: `Bearer ${admin}`, 'content-type': 'application/json' };
  const put = (url: string, amount: string) =>
    fetch(`${cloud.url}${url}`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ amount, currency: 'USD' }),
    });
  await put(`/budgets/${FISCAL_YEAR}`, '100000000.00');
  await put(`/budgets/${FISCAL_YEAR}/allocations/QA`, '100000000.00');

  // Approved requests straight into the table (the workflow would have approved them).
  const now = new Date().toISOString();
  const requests = Array.from({ length: REQUESTS }, (_, index) => ({
    id: newId('request'),
    title: `Benchmark engagement ${index}, "phase ${index % 3}"`,
    businessFunction: 'QA',
    category: 'VALIDATION_CQV',
    estimatedCost: { minor: 1_000_000 + index, currency: 'USD' },
    preferredVendorId: newId('vendor'),
    fiscalYear: FISCAL_YEAR,
    status: 'APPROVED',
    createdAt: now,
    updatedAt: now,
    version: 3,
  }));
  const documents = DynamoDBDocumentClient.from(client);
  for (let start = 0; start < requests.length; start += 25) {
    await documents.send(
      new BatchWriteCommand({
        RequestItems: {
          [String(process.env.REQUESTS_TABLE_NAME)]: requests.slice(start, start + 25).map((request) => ({
            PutRequest: {
              Item: { pk: `REQUEST#${request.id}`, sk: 'REQUEST', entity: 'REQUEST', ...request },
            },
          })),
        },
      }),
    );
  }

  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < requests.length) {
        const request = requests[next++]!;
        const before = performance.now();
        await commitApprovedRequest(request, { sub: 'bench', name: 'Bench', email: '' }, now);
        latencies.push(performance.now() - before);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const sorted = latencies.sort((a, b) => a - b);
  const at = (p: number) =>
    `${sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!.toFixed(1)} ms`;
  console.log(
    `commitApprovedRequest, one line, ${CONCURRENCY} at a time: ${REQUESTS} in ${seconds.toFixed(1)} s ` +
      `(${(REQUESTS / seconds).toFixed(0)}/s), p50 ${at(50)}, p95 ${at(95)}, max ${at(100)}`,
  );

  const finance = await issueDevToken(dataDir, {
    sub: 'bench-fin',
    email: 'f@x.example',
    name: 'F',
    groups: ['finance'],
  });
  for (const format of ['csv', 'json']) {
    const before = performance.now();
    const answer = await fetch(`${cloud.url}/exports/spend?fiscalYear=${FISCAL_YEAR}&format=${format}`, {
      headers: { authorization: `Bearer ${finance}` },
      redirect: 'manual',
    });
    const exported = performance.now();
    const file = Buffer.from(await (await fetch(String(answer.headers.get('location')))).arrayBuffer());
    console.log(
      `GET /exports/spend ${format}: ${answer.status}, ${REQUESTS} rows, ${(file.length / 1024).toFixed(0)} KiB, ` +
        `export ${(exported - before).toFixed(0)} ms, download ${(performance.now() - exported).toFixed(0)} ms`,
    );
  }
} finally {
  await cloud.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
