import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { expect, inject } from 'vitest';
import {
  type ApiResponse,
  approvalEmailOf,
  approveSteps,
  budgetExceptionOf,
  call,
  createVendor,
  currentStepOf,
  eventually,
  fundBudget,
  postForm,
  requestInStatus,
  tokenFor,
  validRequestBody,
} from './support.js';

/**
 * The operations that can meet on one request (decisions by link and by API, withdrawal,
 * actuals) driven through the local cloud, and the invariants that must hold after any
 * interleaving of them: shared by the race test and the model-based property test.
 */

const local = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };

/** What a test needs of a request in approval: who acts on it, and how. */
export interface RequestUnderTest {
  id: string;
  amount: string;
  requester: string;
  approvalId: string;
  approver: string;
  link: string;
}

export interface Stage {
  fiscalYear: string;
  businessFunction: string;
  vendorId: string;
  finance: string;
  admin: string;
}

const START_BY_FISCAL_YEAR = (fiscalYear: string) => `${fiscalYear.slice(2)}-03-01`;

/** A fiscal year's budget line with ample room, a vendor for the invoices, and the people. */
export async function stage(fiscalYear: string, businessFunction: string): Promise<Stage> {
  await fundBudget(fiscalYear, { [businessFunction]: '100000000.00' });
  const [vendorId, finance, admin] = await Promise.all([
    createVendor(`Race Consulting ${fiscalYear}`),
    tokenFor({ groups: ['finance'], businessFunction: 'FINANCE' }),
    tokenFor({ groups: ['admin'], businessFunction: 'STRATEGY' }),
  ]);
  return { fiscalYear, businessFunction, vendorId, finance, admin };
}

/** Submits a request on the stage's line: its id and requester. */
async function submittedOn(on: Stage, amount: string): Promise<{ id: string; requester: string }> {
  const requester = await tokenFor({ groups: ['requester'], businessFunction: on.businessFunction });
  const submitted = await call('POST', '/requests', {
    token: requester,
    body: validRequestBody({
      businessFunction: on.businessFunction,
      title: `Race ${Date.now()}`,
      estimatedCost: { amount, currency: 'USD' },
      startDate: START_BY_FISCAL_YEAR(on.fiscalYear),
      endDate: START_BY_FISCAL_YEAR(on.fiscalYear).replace('-03-01', '-06-30'),
      preferredVendorId: on.vendorId,
    }),
  });
  if (submitted.status !== 201) throw new Error(`Submit: ${submitted.status} ${submitted.text}`);
  return { id: submitted.body.id, requester };
}

/** A request submitted and waiting for its triagers (IN_TRIAGE); nobody asked to approve yet. */
export async function inTriageRequest(on: Stage, amount = '1000.00'): Promise<RequestUnderTest> {
  const { id, requester } = await submittedOn(on, amount);
  await requestInStatus(requester, id, 'IN_TRIAGE');
  return { id, amount, requester, approvalId: '', approver: '', link: '' };
}

const TRIAGERS = [
  { sub: 'triager-jonas-weber', name: 'Jonas Weber', email: 'jonas.weber@techops.example' },
  { sub: 'triager-claire-dubois', name: 'Claire Dubois', email: 'claire.dubois@techops.example' },
] as const;

/** A triage decision by one of the two dev triagers (0: Jonas Weber, 1: Claire Dubois). */
export async function triageBy(triager: 0 | 1, request: RequestUnderTest, decision: Record<string, unknown>) {
  const token = await tokenFor({ ...TRIAGERS[triager], groups: ['triager'] });
  return call('POST', `/requests/${request.id}/triage`, { token, body: decision });
}

/** A request submitted and waiting for its approver (IN_APPROVAL, the email sent). */
export async function pendingRequest(on: Stage, amount = '1000.00'): Promise<RequestUnderTest> {
  const { id, requester } = await submittedOn(on, amount);
  // The earlier steps (from the demo policy: from 50,000.00 the head of STRATEGY too) approved.
  const waiting = await approveSteps(requester, id, { exceptTheLast: true });
  // The last step's (first) approver: a group step has one approval per member.
  const last = currentStepOf(waiting);
  const approvalId = last.approvalIds?.[0];
  const approver = last.approvers[0];
  if (!approvalId || !approver) throw new Error(`${id} waits on nobody: ${JSON.stringify(last)}`);
  const { link } = await approvalEmailOf(id, undefined, approver.email);
  return {
    id,
    amount,
    requester,
    approvalId,
    approver: await tokenFor({ ...approver, groups: ['approver'] }),
    link,
  };
}

/** A request taken through the workflow to APPROVED (its amount committed). */
export async function approvedRequest(on: Stage, amount = '1000.00'): Promise<RequestUnderTest> {
  const request = await pendingRequest(on, amount);
  const decided = await decideByApi(request, 'APPROVED');
  if (decided.status !== 200) throw new Error(`Decision: ${decided.status} ${decided.text}`);
  await requestInStatus(request.requester, request.id, 'APPROVED');
  return request;
}

/**
 * A request whose chain approved but whose amount did not fit: its budget exception step, as a
 * RequestUnderTest acted on by the exception's approver; undefined when the request settled
 * without one (it fitted, or no exception could help).
 */
export async function budgetException(request: RequestUnderTest): Promise<RequestUnderTest | undefined> {
  const waiting = await eventually(async () => {
    const response = await call('GET', `/requests/${request.id}`, { token: request.requester });
    if (response.body.status !== 'IN_APPROVAL') return response.body;
    const step = currentStepOf(response.body);
    return step.kind === 'BUDGET_EXCEPTION' && step.status === 'PENDING' ? response.body : undefined;
  }, `the budget exception step of ${request.id}, or its settling`);
  if (waiting.status !== 'IN_APPROVAL') return undefined;
  const { approvalId, approverToken, link } = await budgetExceptionOf(request.requester, request.id);
  return { ...request, approvalId, approver: approverToken, link };
}

/** The budget exception's decision by API: funded from a line, or rejected. */
export const decideExceptionByApi = (request: RequestUnderTest, fundFrom?: string) =>
  call('POST', `/approvals/${request.approvalId}/decision`, {
    token: request.approver,
    body: fundFrom
      ? { decision: 'FUND_BY_TRANSFER', fundFrom }
      : { decision: 'REJECTED', comment: 'Not now' },
  });

type Decision = 'APPROVED' | 'REJECTED' | 'SEND_BACK';
/** What an approver writes with a decision that needs a comment. */
const COMMENTS: Partial<Record<Decision, string>> = {
  REJECTED: 'Not now',
  SEND_BACK: 'Please lower the cost',
};

export const decideByApi = (request: RequestUnderTest, decision: Decision) =>
  call('POST', `/approvals/${request.approvalId}/decision`, {
    token: request.approver,
    body: { decision, ...(COMMENTS[decision] ? { comment: COMMENTS[decision] } : {}) },
  });

export const decideByLink = (request: RequestUnderTest, decision: Decision) =>
  postForm(request.link, {
    reviewed: 'yes',
    decision,
    ...(COMMENTS[decision] ? { comment: COMMENTS[decision] } : {}),
  });

export const withdraw = (request: RequestUnderTest) =>
  call('POST', `/requests/${request.id}/withdraw`, {
    token: request.requester,
    body: { reason: 'No longer needed' },
  });

export const recordActual = (on: Stage, request: RequestUnderTest, invoiceNumber: string, amount: string) =>
  call('POST', '/actuals', {
    token: on.finance,
    body: {
      requestId: request.id,
      invoiceNumber,
      invoiceDate: START_BY_FISCAL_YEAR(on.fiscalYear).replace('-03-01', '-04-15'),
      amount: { amount, currency: 'USD' },
    },
  });

const sfn = new SFNClient({ ...local, endpoint: inject('servicesUrl') });
let approvalWorkflowArn: string | undefined;

/** The request once its approval workflow has ended (executions are named after requests). */
export async function settled(request: RequestUnderTest): Promise<Record<string, unknown>> {
  if (!approvalWorkflowArn) {
    const { stateMachines = [] } = await sfn.send(new ListStateMachinesCommand({}));
    approvalWorkflowArn = stateMachines.find((machine) => machine.name?.startsWith('ApprovalWorkflow'))
      ?.stateMachineArn as string;
  }
  // Executions are named after the request and its round (each resubmission runs a new one).
  const before = await call('GET', `/requests/${request.id}`, { token: request.requester });
  const resubmittedAfterSendBack = (before.body.sendBacks ?? []).filter(
    (sendBack: { resubmittedAt?: string }) => sendBack.resubmittedAt,
  ).length;
  const round: number = (before.body.triage?.round ?? 1) + resubmittedAfterSendBack;
  const name = round === 1 ? request.id : `${request.id}-r${round}`;
  const executionArn = `${approvalWorkflowArn.replace(':stateMachine:', ':execution:')}:${name}`;
  await eventually(async () => {
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    return execution.status !== 'RUNNING';
  }, `the approval workflow of ${request.id} to end`);
  const response = await call('GET', `/requests/${request.id}`, { token: request.requester });
  return response.body;
}

let approvals: { db: DynamoDBDocumentClient; table: string } | undefined;

/** The approval as stored (no route shows a decided approval's record). */
async function storedApproval(approvalId: string): Promise<Record<string, unknown> | undefined> {
  if (!approvals) {
    const client = new DynamoDBClient({ ...local, endpoint: inject('dynamoDbEndpoint') });
    const { TableNames = [] } = await client.send(new ListTablesCommand({}));
    const table = TableNames.find((name) => name.startsWith('DataApprovals')) as string;
    approvals = { db: DynamoDBDocumentClient.from(client), table };
  }
  const { Item } = await approvals.db.send(
    new GetCommand({
      TableName: approvals.table,
      Key: { pk: `APPROVAL#${approvalId}`, sk: 'APPROVAL' },
      ConsistentRead: true,
    }),
  );
  return Item;
}

interface LedgerEntry {
  kind: string;
  requestId?: string;
  amount: { amount: string };
  effect: Record<string, { amount: string }>;
}

/** Exact decimal strings with two decimals, in cents. */
export const cents = (value: string) => BigInt(value.replace('.', ''));
const sum = (values: string[]) => values.reduce((total, value) => total + cents(value), 0n);

async function ledgerOf(on: Stage): Promise<LedgerEntry[]> {
  const entries: LedgerEntry[] = [];
  let cursor: string | undefined;
  do {
    const page: ApiResponse = await call(
      'GET',
      `/budgets/${on.fiscalYear}/${on.businessFunction}/ledger?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { token: on.admin },
    );
    entries.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return entries;
}

/** Money of one kind of entry of one request. */
export function requestMoney(entries: LedgerEntry[], requestId: string) {
  const of = (kind: string) =>
    entries.filter((entry) => entry.requestId === requestId && entry.kind === kind);
  return {
    commitments: of('COMMITMENT').length,
    committed: sum(of('COMMITMENT').map((entry) => entry.amount.amount)),
    releases: of('RELEASE').length,
    released: sum(of('RELEASE').map((entry) => entry.amount.amount)),
    invoiced: sum(of('ACTUAL').map((entry) => entry.amount.amount)),
  };
}

const CLOSED_UNAPPROVED = ['REJECTED', 'EXPIRED', 'BUDGET_EXCEEDED', 'REDIRECTED', 'DECLINED'];

const TRIAGE_DECISIONS = [
  'REQUEST_ACCEPTED',
  'REQUEST_REDIRECTED',
  'REQUEST_INFO_REQUESTED',
  'REQUEST_DECLINED',
];

/**
 * Triage agrees with the history: one decision per triage round at most, and a decided round's
 * outcome is the last decision recorded.
 */
async function assertTriageAgrees(stored: Record<string, unknown>, requester: string, what: string) {
  const history = await call('GET', `/requests/${String(stored.id)}/history?limit=100`, { token: requester });
  const decisions = (history.body.items as { action: string }[]).filter((event) =>
    TRIAGE_DECISIONS.includes(event.action),
  );
  const triage = stored.triage as { round: number; outcome?: string } | undefined;
  const story = `${what}; history ${(history.body.items as { action: string; actor: { name: string } }[])
    .map((event) => `${event.action} by ${event.actor.name}`)
    .join(', ')}`;
  expect(decisions.length, story).toBeLessThanOrEqual(triage?.round ?? 1);
  if (triage?.outcome) expect(decisions.length, story).toBe(triage.round);
}

type StoredStep = { step: number; status: string; approvalIds?: string[] };

/**
 * A settled request's chain agrees with its approvals as stored: steps before the current one
 * approved (or skipped), steps after it never asked; a decided step has exactly one approval
 * with its decision, its other approvals (group members) voided; an ended step's approvals all
 * ended with it. Nothing is left pending.
 */
async function assertChainAgrees(stored: Record<string, unknown>, what: string): Promise<void> {
  const chain = stored.approvalChain as { currentStep: number; steps: StoredStep[] };
  for (const step of chain.steps) {
    const where = `${what}, step ${step.step} ${step.status}`;
    const statuses = (await Promise.all((step.approvalIds ?? []).map(storedApproval))).map(
      (approval) => approval?.status,
    );
    if (step.step < chain.currentStep) expect(['APPROVED', 'SKIPPED'], where).toContain(step.status);
    if (step.step > chain.currentStep) expect(['WAITING', 'SKIPPED'], where).toContain(step.status);
    if (step.status === 'WAITING' || step.status === 'SKIPPED') {
      expect(statuses, where).toEqual([]);
    } else if (step.status === 'APPROVED' || step.status === 'REJECTED' || step.status === 'SENT_BACK') {
      expect(
        statuses.filter((status) => status === step.status),
        where,
      ).toHaveLength(1);
      expect(
        statuses.filter((status) => status !== step.status && status !== 'VOIDED'),
        where,
      ).toEqual([]);
    } else {
      expect(['EXPIRED', 'VOIDED'], where).toContain(step.status);
      expect(statuses.length, where).toBeGreaterThan(0);
      expect(
        statuses.every((status) => status === step.status),
        where,
      ).toBe(true);
    }
  }
}

/**
 * The invariants of the request lifecycle, after every request has settled:
 * - a withdrawn, rejected or expired request holds no commitment (what was not invoiced went back);
 * - every actual belongs to a request that was approved when it was recorded (an actual landing
 *   after the release would make release + invoices exceed the commitment);
 * - the line's totals equal the sum of its ledger;
 * - the request's status and its chain's agree, and the chain agrees with its approvals as stored.
 */
export async function assertInvariants(on: Stage, requests: RequestUnderTest[]): Promise<void> {
  // Every workflow first: the ledger is read once nothing moves any more.
  const settledRequests = await Promise.all(requests.map(settled));
  const entries = await ledgerOf(on);
  for (const [index, request] of requests.entries()) {
    const stored = settledRequests[index] as Record<string, unknown>;
    const status = String(stored.status);
    const money = requestMoney(entries, request.id);
    const what = `${request.id} (${status}): ${JSON.stringify(money, (_, value) => (typeof value === 'bigint' ? String(value) : value))}`;
    expect(money.commitments, what).toBeLessThanOrEqual(1);
    expect(money.releases, what).toBeLessThanOrEqual(1);
    if (status === 'APPROVED') {
      expect(money.committed, what).toBe(cents(request.amount));
      expect(money.releases, what).toBe(0);
    } else if (CLOSED_UNAPPROVED.includes(status)) {
      expect([money.committed, money.invoiced], what).toEqual([0n, 0n]);
    } else {
      expect(status, what).toBe('WITHDRAWN');
      const notInvoiced = money.committed > money.invoiced ? money.committed - money.invoiced : 0n;
      expect(money.released, what).toBe(notInvoiced);
      if (money.committed === 0n) expect(money.invoiced, what).toBe(0n);
    }
    await assertTriageAgrees(stored, request.requester, what);
    // Withdrawn, redirected or declined before any step was asked: no chain to agree with.
    if (!stored.approvalChain) {
      expect(['WITHDRAWN', 'REDIRECTED', 'DECLINED', 'EXPIRED'], what).toContain(status);
      expect(money.committed, what).toBe(0n);
      continue;
    }
    await assertChainAgrees(stored, what);
    const agreeing: Record<string, string[]> = {
      APPROVED: ['APPROVED'],
      REJECTED: ['REJECTED'],
      EXPIRED: ['EXPIRED'],
      // Refused its commitment at once, or its budget exception step rejected.
      BUDGET_EXCEEDED: ['APPROVED', 'REJECTED'],
      // Voided while pending, or decided (or sent back) just before the withdrawal landed.
      WITHDRAWN: ['VOIDED', 'APPROVED', 'REJECTED', 'SENT_BACK'],
    };
    const resubmitted = (stored.sendBacks as { resubmittedAt?: string }[] | undefined)?.at(-1)?.resubmittedAt;
    // Resubmitted after a send-back, then withdrawn before its step was asked again.
    if (status === 'WITHDRAWN' && resubmitted) agreeing.WITHDRAWN?.push('WAITING');
    expect(agreeing[status], what).toContain(currentStepOf(stored).status);
  }
  const view = await call('GET', `/budgets/${on.fiscalYear}`, { token: on.admin });
  const line = view.body.lines.find(
    (candidate: { businessFunction: string }) => candidate.businessFunction === on.businessFunction,
  );
  for (const total of ['allocated', 'committed', 'actual', 'consumed'] as const) {
    expect(sum(entries.map((entry) => entry.effect[total]?.amount ?? '0.00')), total).toBe(
      cents(line[total].amount),
    );
  }
}
