/**
 * `npm run bench`: latency and throughput of request intake through the local cloud
 * (gateway -> Lambda bundle -> DynamoDB Local), on loopback only, bounded in count, then stops.
 * Numbers are for comparing changes on the same machine, not a promise about AWS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLocalCloud } from '../../infra/local/cloud.js';
import { issueDevToken } from '../../infra/local/dev-identity.js';
import { CALLS_PER_SCENARIO, CONCURRENCY, measure } from './measure.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'techops-bench-'));
const cloud = await startLocalCloud({ dataDir, port: 0 });
try {
  const token = await issueDevToken(dataDir, {
    sub: 'bench-requester',
    email: 'bench@techops.example',
    name: 'Bench Requester',
    groups: ['requester'],
    businessFunction: 'QA',
  });
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const submit = (index: number) =>
    fetch(`${cloud.url}/requests`, {
      method: 'POST',
      headers: { ...headers, 'idempotency-key': `bench-${index}-${Date.now()}` },
      body: JSON.stringify({
        title: `Benchmark request ${index}`,
        businessFunction: 'QA',
        category: 'VALIDATION_CQV',
        description: 'Load from the benchmark script.',
        justification: 'Measuring intake latency.',
        estimatedCost: { amount: '12500.00', currency: 'USD' },
        startDate: '2027-02-01',
        endDate: '2027-03-31',
        urgency: 'NORMAL',
      }),
    });

  console.log(
    `Local cloud at ${cloud.url}; ${CALLS_PER_SCENARIO} calls per scenario, ${CONCURRENCY} at a time.`,
  );
  await measure('warm-up (submit)', submit);
  await measure('POST /requests', submit);
  const page = (await (await fetch(`${cloud.url}/requests?limit=100`, { headers })).json()) as {
    items: { id: string }[];
  };
  const ids = page.items.map((item) => item.id);
  await measure('GET /requests/{id}', (index) =>
    fetch(`${cloud.url}/requests/${ids[index % ids.length]}`, { headers }),
  );
  await measure('GET /requests?limit=25', () => fetch(`${cloud.url}/requests?limit=25`, { headers }));
  await measure('GET /requests?status filter', () =>
    fetch(`${cloud.url}/requests?status=SUBMITTED&fiscalYear=FY2027&limit=25`, { headers }),
  );
} finally {
  await cloud.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
