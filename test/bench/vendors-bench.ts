/**
 * `npm run bench:vendors`: latency and throughput of the vendor routes through the local cloud
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
  const token = (groups: string[], businessFunction: string) =>
    issueDevToken(dataDir, {
      sub: `bench-${groups[0]}`,
      email: 'bench@techops.example',
      name: 'Bench',
      groups,
      businessFunction,
    });
  const manager = {
    authorization: `Bearer ${await token(['vendor-manager'], 'STRATEGY')}`,
    'content-type': 'application/json',
  };
  const requester = {
    authorization: `Bearer ${await token(['requester'], 'QA')}`,
    'content-type': 'application/json',
  };
  const run = Date.now().toString(36);
  const ids: string[] = [];
  const post = (path: string, body: unknown) =>
    fetch(`${cloud.url}${path}`, { method: 'POST', headers: manager, body: JSON.stringify(body) });
  const createVendor = async (index: number) => {
    const response = await post('/vendors', {
      legalName: `Bench ${run} Consulting ${index} GmbH`,
      displayName: `Bench ${run} ${index}`,
      taxId: `DE${run}${index}`,
      headquartersCountry: 'DE',
      capabilities: ['VALIDATION_CQV', 'QUALITY_SYSTEMS', 'REGULATORY'],
      relationshipOwner: { name: 'Bench Owner', email: 'bench.owner@techops.example' },
      riskTier: 'LOW',
    });
    if (response.ok) ids.push(((await response.clone().json()) as { id: string }).id);
    return response;
  };
  const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

  console.log(
    `Local cloud at ${cloud.url}; ${CALLS_PER_SCENARIO} calls per scenario, ${CONCURRENCY} at a time.`,
  );
  await measure('warm-up (create vendor)', (index) => createVendor(CALLS_PER_SCENARIO + index));
  await measure('POST /vendors', createVendor);
  await measure('POST /vendors/{id}/contracts', (index) =>
    post(`/vendors/${ids[index % ids.length]}/contracts`, {
      type: 'NDA',
      reference: `NDA-${index}`,
      effectiveDate: inDays(-100),
      expiryDate: inDays(1 + (index % 90)),
      documentUri: `contracts/nda-${index}.pdf`,
    }),
  );
  // The same creation with an Idempotency-Key (a look-up plus the record in the transaction),
  // then each of those calls retried with its key (a replay: one read, nothing written).
  const contractWithKey = (index: number) =>
    fetch(`${cloud.url}/vendors/${ids[index % ids.length]}/contracts`, {
      method: 'POST',
      headers: { ...manager, 'idempotency-key': `bench-${run}-${index}` },
      body: JSON.stringify({
        type: 'MSA',
        reference: `MSA-${index}`,
        effectiveDate: inDays(-100),
        expiryDate: inDays(1 + (index % 90)),
        documentUri: `contracts/msa-${index}.pdf`,
      }),
    });
  await measure('POST .../contracts (key)', contractWithKey);
  await measure('POST .../contracts (replay)', contractWithKey);
  await measure('POST /vendors/{id}/reviews', (index) =>
    post(`/vendors/${ids[index % ids.length]}/reviews`, {
      quality: 1 + (index % 5),
      timeliness: 4,
      valueForMoney: 3,
      communication: 5,
      comment: 'Benchmark review.',
    }),
  );
  await measure('GET /vendors/{id}', (index) =>
    fetch(`${cloud.url}/vendors/${ids[index % ids.length]}`, { headers: requester }),
  );
  await measure('GET /vendors?capability', () =>
    fetch(`${cloud.url}/vendors?capability=REGULATORY&status=PROSPECT&limit=25`, { headers: requester }),
  );
  await measure('GET /vendors?namePrefix', () =>
    fetch(`${cloud.url}/vendors?namePrefix=bench&limit=25`, { headers: requester }),
  );
  await measure('GET .../contracts/expiring', () =>
    fetch(`${cloud.url}/vendors/contracts/expiring?withinDays=60&limit=25`, { headers: requester }),
  );
  await measure('POST /requests (vendor)', (index) =>
    fetch(`${cloud.url}/requests`, {
      method: 'POST',
      headers: requester,
      body: JSON.stringify({
        title: `Benchmark request ${index}`,
        businessFunction: 'QA',
        category: 'VALIDATION_CQV',
        description: 'Load from the benchmark script.',
        justification: 'Measuring intake latency with a preferred vendor.',
        estimatedCost: { amount: '12500.00', currency: 'USD' },
        startDate: '2027-02-01',
        endDate: '2027-03-31',
        urgency: 'NORMAL',
        preferredVendorId: ids[index % ids.length],
      }),
    }),
  );
} finally {
  await cloud.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
