import { beforeAll, describe, expect, it, vi } from 'vitest';
import { tableNamed, useLocalDynamoDb } from './budget-support.js';
import {
  acceptedAtTriage,
  approvalEmailOf,
  call,
  createVendor,
  currentStepOf,
  eventually,
  fetchOutsideApi,
  fundBudget,
  pendingApprovalOf,
  postForm,
  readOutbox,
  requestInStatus,
  tokenFor,
  triaged,
  validRequestBody,
} from './support.js';

/**
 * Approval chains from the demo approval policy (functions/approval-policy/demo-data.ts):
 * below 50,000.00 the head of the business function; from 50,000.00 then the head of
 * STRATEGY; from 250,000.00 also the head of FINANCE; DIGITAL_DATA work adds the head of
 * DIGITAL; a high-risk vendor adds the QA_LEADS group. Budget lines of FY2074.
 */
const FISCAL_YEAR = 'FY2074';
const DATES = { startDate: '2074-02-01', endDate: '2074-06-30' };

const MFG_HEAD = { name: 'Marcus Okafor', email: 'marcus.okafor@techops.example' };
const STRATEGY_HEAD = { name: 'Claire Dubois', email: 'claire.dubois@techops.example' };
const FINANCE_HEAD = { name: 'Samuel Adeyemi', email: 'samuel.adeyemi@techops.example' };
const DIGITAL_HEAD = { name: 'Kenji Watanabe', email: 'kenji.watanabe@techops.example' };
const QA_LEADS = [
  { name: 'Dr. Amara Nwosu', email: 'amara.nwosu@techops.example' },
  { name: 'Lars Becker', email: 'lars.becker@techops.example' },
];

type Person = { name: string; email: string };
const approverToken = (person: Person) => tokenFor({ ...person, groups: ['approver'] });

let mfgRequester: string;
let strategyRequester: string;

beforeAll(async () => {
  await fundBudget(FISCAL_YEAR, { MFG: '10000000.00', STRATEGY: '10000000.00' });
  [mfgRequester, strategyRequester] = await Promise.all([
    tokenFor({ groups: ['requester'], businessFunction: 'MFG' }),
    tokenFor({ groups: ['requester'], businessFunction: 'STRATEGY' }),
  ]);
});

/** Submits a request and waits until its first step is asked. */
async function submitted(token: string, overrides: Record<string, unknown>) {
  const response = await call('POST', '/requests', {
    token,
    body: validRequestBody({ businessFunction: 'MFG', ...DATES, ...overrides }),
  });
  expect(response.status, response.text).toBe(201);
  await acceptedAtTriage(response.body.id);
  const waiting = await requestInStatus(token, response.body.id, 'IN_APPROVAL');
  return waiting.body as Record<string, unknown> & { id: string; approvalChain: Chain };
}

type Chain = {
  policyVersion: number;
  rule: { name: string };
  why: string[];
  currentStep: number;
  steps: { step: number; name: string; status: string; approvers: Person[]; skippedReason?: string }[];
};

const emailsTo = (person: Person, requestId: string) =>
  readOutbox().filter(
    (mail) =>
      mail.to.includes(person.email) &&
      mail.subject.startsWith('Approval needed') &&
      mail.text.includes(requestId),
  );

async function decide(person: Person, requestId: string, decision: 'APPROVED' | 'REJECTED', token: string) {
  const step = await eventually(async () => {
    const request = await call('GET', `/requests/${requestId}`, { token });
    const current = currentStepOf(request.body);
    return current.status === 'PENDING' &&
      current.approvers.some((approver) => approver.email === person.email)
      ? request.body
      : undefined;
  }, `${person.name}'s step of ${requestId}`);
  const { id } = pendingApprovalOf(step);
  const response = await call('POST', `/approvals/${id}/decision`, {
    token: await approverToken(person),
    body: { decision, ...(decision === 'REJECTED' ? { comment: 'Not this year.' } : {}) },
  });
  expect(response.status, response.text).toBe(200);
}

async function committedOnTheLine(): Promise<string> {
  const admin = await tokenFor({ groups: ['admin'] });
  const view = await call('GET', `/budgets/${FISCAL_YEAR}`, { token: admin });
  return view.body.lines.find((line: { businessFunction: string }) => line.businessFunction === 'MFG')
    .committed.amount;
}

describe('an approval chain resolved from the policy', () => {
  it('gives a 30,000.00 request one step: the head of its business function', async () => {
    const request = await submitted(mfgRequester, {
      estimatedCost: { amount: '30000.00', currency: 'USD' },
    });

    expect(request.approvalChain.steps).toEqual([
      expect.objectContaining({ step: 1, status: 'PENDING', approvers: [MFG_HEAD] }),
    ]);
    expect(request.waitingOn).toEqual([MFG_HEAD]);
    await decide(MFG_HEAD, request.id, 'APPROVED', mfgRequester);
    await requestInStatus(mfgRequester, request.id, 'APPROVED');
  });

  it('decides a 120,000.00 request in two steps, in order: the second approver is emailed only after the first approves', async () => {
    const request = await submitted(mfgRequester, {
      title: 'Tech transfer support',
      estimatedCost: { amount: '120000.00', currency: 'USD' },
    });
    const committedBefore = await committedOnTheLine();

    expect(request.approvalChain.why).toEqual(['amount 120000.00 is from 50000.00 to below 250000.00']);
    expect(request.approvalChain.steps.map((step) => [step.approvers, step.status])).toEqual([
      [[MFG_HEAD], 'PENDING'],
      [[STRATEGY_HEAD], 'WAITING'],
    ]);
    const { link } = await approvalEmailOf(request.id);
    expect(emailsTo(STRATEGY_HEAD, request.id)).toEqual([]);

    const first = await postForm(link, { reviewed: 'yes', decision: 'APPROVED' });

    expect(first.status).toBe(200);
    const secondEmail = await eventually(
      () => emailsTo(STRATEGY_HEAD, request.id)[0],
      "the second step's email",
    );
    expect(secondEmail.text).toContain('This is step 2 of 2 (Head of STRATEGY).');
    expect(secondEmail.text).toContain(`Step 1 (Head of MFG): approved by ${MFG_HEAD.name}`);
    expect(await committedOnTheLine()).toBe(committedBefore);
    await decide(STRATEGY_HEAD, request.id, 'APPROVED', mfgRequester);
    const approved = await requestInStatus(mfgRequester, request.id, 'APPROVED');
    expect(approved.body.approvalChain.steps.map((step: { status: string }) => step.status)).toEqual([
      'APPROVED',
      'APPROVED',
    ]);
    expect(approved.body.waitingOn).toBeUndefined();
    expect(Number(await committedOnTheLine()) - Number(committedBefore)).toBe(120000);
    const history = await call('GET', `/requests/${request.id}/history`, { token: mfgRequester });
    const signatures = history.body.items
      .filter((event: { action: string }) => event.action === 'APPROVAL_DECIDED')
      .map((event: { signature: { printedName: string } }) => event.signature.printedName);
    expect(signatures).toEqual([MFG_HEAD.name, STRATEGY_HEAD.name]);
  });

  it('gives a 300,000.00 DIGITAL_DATA request its four steps', async () => {
    const request = await submitted(mfgRequester, {
      category: 'DIGITAL_DATA',
      estimatedCost: { amount: '300000.00', currency: 'USD' },
    });

    expect(request.approvalChain.steps.map((step) => step.approvers)).toEqual([
      [MFG_HEAD],
      [DIGITAL_HEAD],
      [STRATEGY_HEAD],
      [FINANCE_HEAD],
    ]);
    await call('POST', `/requests/${request.id}/withdraw`, {
      token: mfgRequester,
      body: { reason: 'Tested.' },
    });
  });

  it("lets the first member of a group step decide it, after which the other member's link answers 410", async () => {
    const vendorId = await createVendor('High Risk Analytics', undefined, 'HIGH');
    const request = await submitted(mfgRequester, {
      title: 'High-risk vendor engagement',
      estimatedCost: { amount: '30000.00', currency: 'USD' },
      preferredVendorId: vendorId,
    });
    expect(request.approvalChain.steps[1]).toMatchObject({ group: 'QA_LEADS', approvers: QA_LEADS });

    await decide(MFG_HEAD, request.id, 'APPROVED', mfgRequester);
    const [amara, lars] = await Promise.all(
      QA_LEADS.map((member) => eventually(() => emailsTo(member, request.id)[0], `${member.name}'s email`)),
    );
    const amaraLink = amara?.links[0] as string;
    const larsLink = lars?.links[0] as string;
    expect(amaraLink).not.toBe(larsLink);
    expect(amara?.text).toContain('one of the QA_LEADS group');

    const [first, second] = await Promise.all([
      postForm(amaraLink, { reviewed: 'yes', decision: 'APPROVED' }),
      postForm(larsLink, { reviewed: 'yes', decision: 'APPROVED' }),
    ]);

    expect([first.status, second.status].sort()).toEqual([200, 410]);
    const approved = await requestInStatus(mfgRequester, request.id, 'APPROVED');
    const groupStep = approved.body.approvalChain.steps[1];
    expect(groupStep.status).toBe('APPROVED');
    const loser = first.status === 410 ? amaraLink : larsLink;
    const page = await fetchOutsideApi(loser);
    expect(page.status).toBe(410);
    expect(await page.text()).toContain(
      `${groupStep.decidedBy.name} decided this step for the QA_LEADS group first`,
    );
  });

  it('skips the repeated STRATEGY step of a STRATEGY request of 120,000.00, and says so', async () => {
    const request = await submitted(strategyRequester, {
      businessFunction: 'STRATEGY',
      estimatedCost: { amount: '120000.00', currency: 'USD' },
    });

    expect(request.approvalChain.steps.map((step) => [step.status, step.skippedReason])).toEqual([
      ['PENDING', undefined],
      ['SKIPPED', `${STRATEGY_HEAD.name} already approves an earlier step of this chain.`],
    ]);
    await decide(STRATEGY_HEAD, request.id, 'APPROVED', strategyRequester);
    await requestInStatus(strategyRequester, request.id, 'APPROVED');
  });

  it("sends a step whose approver is the requester to the policy's fallback approver", async () => {
    const marcus = await tokenFor({
      ...MFG_HEAD,
      groups: ['requester', 'approver'],
      businessFunction: 'MFG',
    });

    const request = await submitted(marcus, { estimatedCost: { amount: '30000.00', currency: 'USD' } });

    expect(request.approvalChain.steps[0]).toMatchObject({
      approvers: [STRATEGY_HEAD],
      reassignedFrom: MFG_HEAD,
    });
    await call('POST', `/requests/${request.id}/withdraw`, { token: marcus, body: { reason: 'Tested.' } });
  });

  it('ends the chain with a rejection at step 2, committing nothing', async () => {
    const request = await submitted(mfgRequester, {
      estimatedCost: { amount: '150000.00', currency: 'USD' },
    });
    const committedBefore = await committedOnTheLine();

    await decide(MFG_HEAD, request.id, 'APPROVED', mfgRequester);
    await decide(STRATEGY_HEAD, request.id, 'REJECTED', mfgRequester);

    const rejected = await requestInStatus(mfgRequester, request.id, 'REJECTED');
    expect(rejected.body.approvalChain.steps.map((step: { status: string }) => step.status)).toEqual([
      'APPROVED',
      'REJECTED',
    ]);
    expect(await committedOnTheLine()).toBe(committedBefore);
  });
});

/**
 * Publishes a change of the current (demo) policy, runs the test, then publishes the demo
 * document again: the other test files rely on it.
 */
async function withPolicy(
  change: (demo: { rules: unknown[] } & Record<string, unknown>) => Record<string, unknown>,
  run: () => Promise<void>,
) {
  const admin = await tokenFor({ groups: ['admin'], businessFunction: 'STRATEGY' });
  const publish = async (document: Record<string, unknown>) => {
    const current = await call('GET', '/policies/approval', { token: admin });
    const published = await call('PUT', '/policies/approval', {
      token: admin,
      headers: { 'If-Match': current.headers.get('etag') ?? '' },
      body: document,
    });
    expect(published.status, published.text).toBe(200);
  };
  const demo = (await call('GET', '/policies/approval', { token: admin })).body.document;
  await publish(change(demo));
  try {
    await run();
  } finally {
    await publish(demo);
  }
}

describe('policy changes', () => {
  it('leave the chain of a request waiting at step 1 as it was; only later requests get the new chain', async () => {
    const waiting = await submitted(mfgRequester, {
      urgency: 'CRITICAL',
      estimatedCost: { amount: '120000.00', currency: 'USD' },
    });
    const criticalFirst = (demo: { rules: unknown[] }) => ({
      ...demo,
      rules: [
        {
          name: 'Critical work: the business function head and the head of FINANCE',
          when: { urgencies: ['CRITICAL'] },
          steps: [
            { approver: { kind: 'FUNCTION_HEAD' } },
            { approver: { kind: 'HEAD_OF', businessFunction: 'FINANCE' } },
          ],
        },
        ...demo.rules,
      ],
    });

    await withPolicy(criticalFirst, async () => {
      const after = await submitted(mfgRequester, {
        urgency: 'CRITICAL',
        estimatedCost: { amount: '120000.00', currency: 'USD' },
      });
      expect(after.approvalChain.steps.map((step) => step.approvers)).toEqual([[MFG_HEAD], [FINANCE_HEAD]]);
      await decide(MFG_HEAD, waiting.id, 'APPROVED', mfgRequester);
      await decide(STRATEGY_HEAD, waiting.id, 'APPROVED', mfgRequester);
      await call('POST', `/requests/${after.id}/withdraw`, {
        token: mfgRequester,
        body: { reason: 'Tested.' },
      });
    });

    const approved = await requestInStatus(mfgRequester, waiting.id, 'APPROVED');
    expect(approved.body.approvalChain.policyVersion).toBe(waiting.approvalChain.policyVersion);
    expect(approved.body.approvalChain.steps.map((step: { approvers: Person[] }) => step.approvers)).toEqual([
      [MFG_HEAD],
      [STRATEGY_HEAD],
    ]);
  });

  it('mark a request ERROR, not silently, when nobody but its requester may decide a step', async () => {
    const claire = await tokenFor({ ...STRATEGY_HEAD, groups: ['requester'], businessFunction: 'STRATEGY' });
    const onlyStrategyFallback = (demo: Record<string, unknown>) => ({
      ...demo,
      fallbackApprovers: [{ kind: 'HEAD_OF', businessFunction: 'STRATEGY' }],
    });

    await withPolicy(onlyStrategyFallback, async () => {
      const submittedByClaire = await call('POST', '/requests', {
        token: claire,
        body: validRequestBody({
          businessFunction: 'STRATEGY',
          ...DATES,
          estimatedCost: { amount: '30000.00', currency: 'USD' },
        }),
      });
      // Claire is a triager too: the other triager accepts her request.
      await triaged(submittedByClaire.body.id);
      const request = await requestInStatus(claire, submittedByClaire.body.id, 'ERROR');

      expect(request.body.failure.reason).toContain('NoEligibleApproverError');
      const history = await call('GET', `/requests/${request.body.id}/history`, { token: claire });
      expect(history.body.items.map((event: { action: string }) => event.action)).toContain('REQUEST_FAILED');
    });
  });
});

describe('resolving chains', () => {
  it('reads each policy version once per Lambda instance: later resolutions read only the small current-version pointer', async () => {
    process.env.REFERENCE_TABLE_NAME = await tableNamed(useLocalDynamoDb(), 'DataReferenceData');
    const { documentClient } = await import('../../functions/shared/db.js');
    const { currentApprovalPolicy } = await import('../../functions/approval-policy/policy-store.js');
    const send = vi.spyOn(documentClient, 'send');

    try {
      const first = await currentApprovalPolicy();
      const second = await currentApprovalPolicy();

      expect(second).toBe(first);
      const keysRead = send.mock.calls.map(
        ([command]) => (command.input as { Key?: { sk: string } }).Key?.sk,
      );
      expect(keysRead).toEqual(['CURRENT', `VERSION#${String(first.version).padStart(10, '0')}`, 'CURRENT']);
    } finally {
      send.mockRestore();
    }
  });
});
