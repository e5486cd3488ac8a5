/**
 * `npm run bench`: latency and throughput of request intake through the local cloud
 * (gateway -> Lambda bundle -> DynamoDB Local), and how long the workflow takes to reach the
 * triagers, to reach the approver once triage accepted, and to settle a decision; on loopback only, bounded in count, then stops.
 * Numbers are for comparing changes on the same machine, not a promise about AWS.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLocalCloud } from '../../infra/local/cloud.js';
import { issueDevToken } from '../../infra/local/dev-identity.js';
import { CALLS_PER_SCENARIO, CONCURRENCY, measure, percentile } from './measure.js';

const APPROVALS = Number(process.env.BENCH_APPROVALS ?? 30);

function report(name: string, latencies: number[]): void {
  const sorted = [...latencies].sort((a, b) => a - b);
  const ms = (value: number) => `${value.toFixed(0)} ms`;
  console.log(
    `${name.padEnd(32)} ${String(sorted.length).padStart(4)} runs   p50 ${ms(percentile(sorted, 50))}  ` +
      `p95 ${ms(percentile(sorted, 95))}  max ${ms(sorted.at(-1) ?? 0)}`,
  );
}

async function until<T>(find: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error('The workflow did not get there within a minute');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

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
  // Approval consumes budget: QA's FY2027 line has room for every approval below.
  const admin = await issueDevToken(dataDir, {
    sub: 'bench-admin',
    email: 'bench.admin@techops.example',
    name: 'Bench Admin',
    groups: ['admin'],
    businessFunction: 'STRATEGY',
  });
  const asAdmin = { authorization: `Bearer ${admin}`, 'content-type': 'application/json' };
  const triager = await issueDevToken(dataDir, {
    sub: 'bench-triager',
    email: 'jonas.weber@techops.example',
    name: 'Jonas Weber',
    groups: ['triager'],
    businessFunction: 'STRATEGY',
  });
  const asTriager = { authorization: `Bearer ${triager}`, 'content-type': 'application/json' };
  for (const [path, amount] of [
    ['/budgets/FY2027', '900000000.00'],
    ['/budgets/FY2027/allocations/QA', '500000000.00'],
  ]) {
    const funded = await fetch(`${cloud.url}${path}`, {
      method: 'PUT',
      headers: asAdmin,
      body: JSON.stringify({ amount, currency: 'USD' }),
    });
    if (!funded.ok) throw new Error(`PUT ${path}: ${funded.status} ${await funded.text()}`);
  }
  const submit = (index: number, amount = '12500.00') =>
    fetch(`${cloud.url}/requests`, {
      method: 'POST',
      headers: { ...headers, 'idempotency-key': `bench-${index}-${Date.now()}` },
      body: JSON.stringify({
        title: `Benchmark request ${index}`,
        businessFunction: 'QA',
        category: 'VALIDATION_CQV',
        description: 'Load from the benchmark script.',
        justification: 'Measuring intake latency.',
        estimatedCost: { amount, currency: 'USD' },
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
    fetch(`${cloud.url}/requests?status=IN_TRIAGE&fiscalYear=FY2027&limit=25`, { headers }),
  );

  // The workflow, end to end: submit until the triagers' email is in the outbox, the triage
  // acceptance until the approver's email is, then the form's decision until the request is
  // APPROVED. A few at a time, like people.
  const outbox = path.join(dataDir, 'outbox');
  const mails = () => readdirSync(outbox).map((file) => readFileSync(path.join(outbox, file), 'utf8'));
  const linkOf = (id: string, to = '') =>
    mails()
      .find(
        (mail) =>
          mail.includes(id) && mail.includes('Subject: Approval needed') && mail.includes(`To: ${to}`),
      )
      ?.match(/http:\/\/\S+\/approvals\/\S+/)?.[0];
  const triagersEmailed = (id: string) =>
    mails().some((mail) => mail.includes(id) && mail.includes('Subject: Triage needed')) ? true : undefined;
  const accept = async (id: string) => {
    const accepted = await fetch(`${cloud.url}/requests/${id}/triage`, {
      method: 'POST',
      headers: asTriager,
      body: JSON.stringify({ outcome: 'ACCEPT', note: 'Benchmark: accepted.' }),
    });
    if (!accepted.ok) throw new Error(`Triage of ${id}: ${accepted.status} ${await accepted.text()}`);
  };
  const approve = (link: string) =>
    fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'reviewed=yes&decision=APPROVED',
    });
  const statusOf = async (id: string) =>
    ((await (await fetch(`${cloud.url}/requests/${id}`, { headers })).json()) as { status: string }).status;
  const toTriagers: number[] = [];
  const toApprover: number[] = [];
  const toSettled: number[] = [];
  let started = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (started < APPROVALS) {
        const index = started++;
        const submittedAt = performance.now();
        const { id } = (await (await submit(10_000 + index)).json()) as { id: string };
        await until(() => triagersEmailed(id));
        toTriagers.push(performance.now() - submittedAt);
        const acceptedAt = performance.now();
        await accept(id);
        const link = await until(() => linkOf(id));
        toApprover.push(performance.now() - acceptedAt);
        const decidedAt = performance.now();
        await approve(link);
        await until(async () => ((await statusOf(id)) === 'APPROVED' ? true : undefined));
        toSettled.push(performance.now() - decidedAt);
      }
    }),
  );
  report('submit -> triagers emailed', toTriagers);
  report('triage accept -> approver emailed', toApprover);
  report('decision -> APPROVED', toSettled);

  // A two-step chain (the demo policy, from 50,000.00: the head of QA, then the head of
  // STRATEGY): triage acceptance until the first approver's email, and the first decision until
  // the second approver's email. The policy is read once per version, not on every step.
  const toFirstStep: number[] = [];
  const toNextStep: number[] = [];
  for (let index = 0; index < APPROVALS; index++) {
    const { id } = (await (await submit(20_000 + index, '120000.00')).json()) as { id: string };
    await until(() => triagersEmailed(id));
    const acceptedAt = performance.now();
    await accept(id);
    const first = await until(() => linkOf(id, 'ingrid.hale@techops.example'));
    toFirstStep.push(performance.now() - acceptedAt);
    const decidedAt = performance.now();
    await approve(first);
    await until(() => linkOf(id, 'claire.dubois@techops.example'));
    toNextStep.push(performance.now() - decidedAt);
  }
  report('chain: accept -> step 1 email', toFirstStep);
  report('chain: decision -> step 2 email', toNextStep);
} finally {
  await cloud.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
