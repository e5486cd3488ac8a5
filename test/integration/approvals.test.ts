import { DescribeExecutionCommand, ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import {
  acceptedAtTriage,
  apiFetch,
  approvalEmailOf,
  approveSteps,
  budgetExceptionOf,
  call,
  currentStepOf,
  eventually,
  fundBudget,
  pendingApprovalOf,
  postForm,
  readOutbox,
  requestInStatus,
  tokenFor,
  validRequestBody,
} from './support.js';

// This file works on MFG requests (head: Marcus Okafor) and one STRATEGY request.
const MFG_HEAD = { name: 'Marcus Okafor', email: 'marcus.okafor@techops.example' };
const STRATEGY_HEAD = { name: 'Claire Dubois', email: 'claire.dubois@techops.example' };
const FINANCE_HEAD = { name: 'Samuel Adeyemi', email: 'samuel.adeyemi@techops.example' };

let requester: string;
let marcus: string;
let claire: string;
let otherApprover: string;

beforeAll(async () => {
  requester = await tokenFor({
    sub: 'mia-mfg',
    name: 'Mia Manufacturing',
    email: 'mia@techops.example',
    groups: ['requester'],
    businessFunction: 'MFG',
  });
  marcus = await tokenFor({
    sub: 'marcus',
    ...MFG_HEAD,
    groups: ['requester', 'approver'],
    businessFunction: 'MFG',
  });
  claire = await tokenFor({
    sub: 'claire',
    ...STRATEGY_HEAD,
    groups: ['approver', 'admin'],
    businessFunction: 'STRATEGY',
  });
  otherApprover = await tokenFor({
    groups: ['approver'],
    businessFunction: 'MFG',
    email: 'someone.else@techops.example',
  });
  // Approval consumes budget: MFG has room for this file's approvals, not for a 20-million request.
  await fundBudget('FY2027', { MFG: '10000000.00' });
});

async function submit(token = requester, overrides: Record<string, unknown> = {}): Promise<string> {
  const response = await call('POST', '/requests', {
    token,
    body: validRequestBody({ businessFunction: 'MFG', title: `Line 4 CQV ${Date.now()}`, ...overrides }),
  });
  expect(response.status).toBe(201);
  await acceptedAtTriage(response.body.id);
  return response.body.id;
}

async function historyOf(requestId: string) {
  const response = await call('GET', `/requests/${requestId}/history?limit=100`, { token: claire });
  return response.body.items as {
    action: string;
    signature?: Record<string, unknown>;
    actor: { email: string };
  }[];
}

const sfn = () =>
  new SFNClient({
    endpoint: inject('servicesUrl'),
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

/** A request's execution, as Step Functions describes it (executions are named after requests). */
async function executionOf(requestId: string) {
  const { stateMachines = [] } = await sfn().send(new ListStateMachinesCommand({}));
  const approvalWorkflow = stateMachines.find((machine) => machine.name?.startsWith('ApprovalWorkflow'));
  const executionArn = `${approvalWorkflow?.stateMachineArn?.replace(':stateMachine:', ':execution:')}:${requestId}`;
  return sfn().send(new DescribeExecutionCommand({ executionArn }));
}

describe('the approval workflow', () => {
  it('emails the head of the business function one link, with everything the decision needs', async () => {
    const id = await submit(requester, { title: 'Cleaning validation for line 4' });

    const { email, link } = await approvalEmailOf(id);

    expect(email.to).toEqual([MFG_HEAD.email]);
    expect(email.subject).toBe('Approval needed: Cleaning validation for line 4 (USD 45,000.00)');
    for (const expected of [
      'Title: Cleaning validation for line 4',
      'Business function: Manufacturing (MFG)',
      'Category: Validation / CQV',
      'Amount: USD 45,000.00',
      'Dates: 1 February 2027 to 30 June 2027',
      'Urgency: High',
      'Vendor: None named',
      'Requester: Mia Manufacturing <mia@techops.example>',
      'Justification: No internal validation capacity',
    ]) {
      expect(email.text).toContain(expected);
    }
    expect(email.links).toHaveLength(1);
    expect(link).toMatch(new RegExp(`^${inject('apiUrl')}/approvals/apr_[0-9a-z]{26}\\.[A-Za-z0-9_-]{43}$`));
    const request = await requestInStatus(requester, id, 'IN_APPROVAL');
    expect(currentStepOf(request.body)).toMatchObject({ approvers: [MFG_HEAD], status: 'PENDING' });
  });

  it('starts one execution per request, named after it, even when the submission is retried', async () => {
    const body = validRequestBody({ businessFunction: 'MFG', title: 'Retried submission' });
    const headers = { 'idempotency-key': `retry-${Date.now()}` };
    const first = await call('POST', '/requests', { token: requester, body, headers });
    const again = await call('POST', '/requests', { token: requester, body, headers });
    const id = first.body.id;

    expect(again.body.id).toBe(id);
    await acceptedAtTriage(id);
    await approvalEmailOf(id);
    const execution = await executionOf(id);
    expect(execution).toMatchObject({ name: id, status: 'RUNNING' });
    const emails = readOutbox().filter((mail) => mail.text.includes(id));
    expect(emails.map((mail) => mail.subject.split(':')[0])).toEqual(['Triage needed', 'Approval needed']);
  });

  it('shows the page without deciding anything, with a strict policy and no referrer', async () => {
    const id = await submit();
    const { link } = await approvalEmailOf(id);

    const first = await apiFetch(link);
    const second = await apiFetch(link);

    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(first.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'sha256-/);
    expect(first.headers.get('content-security-policy')).not.toContain('unsafe');
    expect(first.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await first.text();
    expect(html).toContain('I have reviewed this request');
    expect(html).not.toMatch(/<script|https?:\/\/(?!127\.0\.0\.1)/);
    const request = await call('GET', `/requests/${id}`, { token: requester });
    expect(request.body.status).toBe('IN_APPROVAL');
    expect(currentStepOf(request.body).status).toBe('PENDING');
  });

  it('approves from the form, settles the request, tells the requester and records the signature', async () => {
    const id = await submit(requester, { title: 'Approved through the form' });
    const { link } = await approvalEmailOf(id);

    const response = await postForm(link, { reviewed: 'yes', decision: 'APPROVED', comment: 'Go ahead' });

    expect(response.status).toBe(200);
    expect(response.text).toContain('You approved the request');
    const request = await requestInStatus(requester, id, 'APPROVED');
    expect(currentStepOf(request.body)).toMatchObject({
      status: 'APPROVED',
      decidedBy: MFG_HEAD,
      comment: 'Go ahead',
    });
    const notice = await eventually(
      () => readOutbox().find((mail) => mail.to.includes('mia@techops.example') && mail.text.includes(id)),
      'the requester notification',
    );
    expect(notice.subject).toBe('Your request was approved: Approved through the form');
    const signed = (await historyOf(id)).find((event) => event.action === 'APPROVAL_DECIDED');
    expect(signed?.signature).toMatchObject({
      printedName: MFG_HEAD.name,
      email: MFG_HEAD.email,
      meaning: 'APPROVED',
      comment: 'Go ahead',
      method: 'EMAIL_LINK',
    });
    expect(Date.parse(String(signed?.signature?.signedAt))).not.toBeNaN();
  });

  it('rejects with a comment and tells the requester why', async () => {
    const id = await submit(requester, { title: 'Rejected through the form' });
    const { link } = await approvalEmailOf(id);

    const response = await postForm(link, {
      reviewed: 'yes',
      decision: 'REJECTED',
      comment: 'Use the internal team',
    });

    expect(response.status).toBe(200);
    expect(response.text).toContain('You rejected the request');
    await requestInStatus(requester, id, 'REJECTED');
    const notice = await eventually(
      () =>
        readOutbox().find((mail) => mail.subject === 'Your request was rejected: Rejected through the form'),
      'the rejection notice',
    );
    expect(notice.text).toContain('Comment: Use the internal team');
  });
});

describe('bad decisions and bad links', () => {
  it('gives the form back, deciding nothing, without the review tick, a decision, or a rejection comment', async () => {
    const id = await submit();
    const { link } = await approvalEmailOf(id);

    const unticked = await postForm(link, { decision: 'APPROVED' });
    const noDecision = await postForm(link, { reviewed: 'yes' });
    const unknownDecision = await postForm(link, { reviewed: 'yes', decision: 'MAYBE' });
    const bareRejection = await postForm(link, { reviewed: 'yes', decision: 'REJECTED', comment: '  ' });

    expect(unticked.status).toBe(400);
    expect(unticked.text).toContain('Tick “I have reviewed this request”');
    expect(noDecision.status).toBe(400);
    expect(noDecision.text).toContain('Choose Approve or Reject.');
    expect(unknownDecision.status).toBe(400);
    expect(bareRejection.status).toBe(400);
    expect(bareRejection.text).toContain('A comment is required to reject.');
    for (const page of [unticked, noDecision, unknownDecision, bareRejection]) {
      expect(page.text).toContain('Nothing was decided.');
      expect(page.text).toContain('<form method="post"');
    }
    const request = await call('GET', `/requests/${id}`, { token: requester });
    expect(currentStepOf(request.body).status).toBe('PENDING');
    expect((await historyOf(id)).map((event) => event.action)).not.toContain('APPROVAL_DECIDED');
  });

  it('refuses tampered, truncated and unknown links with a page, deciding nothing', async () => {
    const id = await submit();
    const { link } = await approvalEmailOf(id);
    const last = link.at(-1) === 'A' ? 'B' : 'A';
    const tampered = `${link.slice(0, -1)}${last}`;
    const truncated = link.slice(0, -5);
    const unknown = link.replace(/apr_[0-9a-z]{26}/, 'apr_01jzzzzzzzzzzzzzzzzzzzzzzz');

    for (const bad of [tampered, truncated, unknown, `${inject('apiUrl')}/approvals/nonsense`]) {
      const page = await apiFetch(bad);
      const post = await postForm(bad, { reviewed: 'yes', decision: 'APPROVED' });
      expect(page.status).toBe(404);
      expect(await page.text()).toContain('This approval link is not valid');
      expect(post.status).toBe(404);
      expect(post.text).toContain('Nothing was decided.');
    }
    const request = await call('GET', `/requests/${id}`, { token: requester });
    expect(currentStepOf(request.body).status).toBe('PENDING');
  });

  it('answers a second post of a used link with what was decided, changing nothing', async () => {
    const id = await submit();
    const { link } = await approvalEmailOf(id);
    await postForm(link, { reviewed: 'yes', decision: 'APPROVED' });

    const second = await postForm(link, {
      reviewed: 'yes',
      decision: 'REJECTED',
      comment: 'Changed my mind',
    });
    const reopened = await apiFetch(link);

    expect(second.status).toBe(409);
    expect(second.text).toContain('already approved by Marcus Okafor');
    expect(reopened.status).toBe(409);
    await requestInStatus(requester, id, 'APPROVED');
  });

  it('lets exactly one of two racing decisions win, and the workflow receives exactly one', async () => {
    const id = await submit();
    const { link } = await approvalEmailOf(id);

    const results = await Promise.all([
      postForm(link, { reviewed: 'yes', decision: 'APPROVED' }),
      postForm(link, { reviewed: 'yes', decision: 'REJECTED', comment: 'Other tab' }),
    ]);

    expect(results.map((result) => result.status).sort()).toEqual([200, 409]);
    const won = results[0]?.status === 200 ? 'APPROVED' : 'REJECTED';
    const final = await requestInStatus(requester, id, won);
    const actions = (await historyOf(id)).map((event) => event.action);
    expect(actions.filter((action) => action === 'APPROVAL_DECIDED')).toHaveLength(1);
    expect(actions.filter((action) => /^REQUEST_(APPROVED|REJECTED)$/.test(action))).toHaveLength(1);
    // Submitted, asked to triage, accepted, asked, decided (the decision moves the request too), settled.
    expect(final.body.version).toBe(6);
  });

  it('lets a decision and a withdrawal race without losing either: the request ends consistent', async () => {
    const id = await submit();
    const { link } = await approvalEmailOf(id);

    const [decision, withdrawal] = await Promise.all([
      postForm(link, { reviewed: 'yes', decision: 'REJECTED', comment: 'No' }),
      call('POST', `/requests/${id}/withdraw`, { token: requester, body: { reason: 'Race' } }),
    ]);

    // Either the withdrawal voided the link first; or the rejection won, and the withdrawal
    // withdrew the decided request before the workflow settled it, or was refused after.
    const outcomes: Record<string, { status: string; version: number }> = {
      '410,200': { status: 'WITHDRAWN', version: 5 },
      '200,200': { status: 'WITHDRAWN', version: 6 },
      '200,409': { status: 'REJECTED', version: 6 },
    };
    const expected = outcomes[`${decision.status},${withdrawal.status}`];
    expect(expected, `${decision.status},${withdrawal.status}`).toBeDefined();
    const final = await requestInStatus(requester, id, expected?.status as string);
    const actions = (await historyOf(id)).map((event) => event.action);
    expect(actions.filter((action) => /^REQUEST_(REJECTED|WITHDRAWN)$/.test(action))).toHaveLength(1);
    expect(final.body.version).toBe(expected?.version);
  });
});

describe('approvers on the API', () => {
  it("lists the calling approver's pending approvals only", async () => {
    const id = await submit();
    await approvalEmailOf(id);

    const mine = await call('GET', '/approvals?status=PENDING&limit=100', { token: marcus });
    const someoneElses = await call('GET', '/approvals?status=PENDING', { token: otherApprover });
    const notAnApprover = await call('GET', '/approvals', { token: requester });
    const badStatus = await call('GET', '/approvals?status=APPROVED', { token: marcus });

    expect(mine.status).toBe(200);
    const listed = mine.body.items.find((item: { requestId: string }) => item.requestId === id);
    expect(listed).toMatchObject({
      status: 'PENDING',
      approver: MFG_HEAD,
      request: { businessFunction: 'MFG' },
    });
    expect(JSON.stringify(mine.body)).not.toMatch(/taskToken|linkSecretHash/);
    expect(someoneElses.body.items).toEqual([]);
    expect(notAnApprover.status).toBe(403);
    expect(badStatus.status).toBe(400);
  });

  it('decides by API with the same rules: assigned approver only, comment to reject', async () => {
    const id = await submit();
    await approvalEmailOf(id);
    const approvalId = pendingApprovalOf((await requestInStatus(requester, id, 'IN_APPROVAL')).body).id;

    const notAssigned = await call('POST', `/approvals/${approvalId}/decision`, {
      token: otherApprover,
      body: { decision: 'APPROVED' },
    });
    const bareRejection = await call('POST', `/approvals/${approvalId}/decision`, {
      token: marcus,
      body: { decision: 'REJECTED' },
    });
    const malformed = await call('POST', `/approvals/${approvalId}/decision`, {
      token: marcus,
      body: { decision: 'YES', extra: 1 },
    });
    const approved = await call('POST', `/approvals/${approvalId}/decision`, {
      token: marcus,
      body: { decision: 'APPROVED', comment: 'Fine' },
    });
    const again = await call('POST', `/approvals/${approvalId}/decision`, {
      token: marcus,
      body: { decision: 'APPROVED' },
    });

    expect(notAssigned.status).toBe(403);
    expect(bareRejection.status).toBe(400);
    expect(bareRejection.body.errors).toEqual([
      { field: 'comment', message: 'A comment is required to reject.' },
    ]);
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors.map((issue: { field: string }) => issue.field).sort()).toEqual([
      'decision',
      'extra',
    ]);
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      status: 'APPROVED',
      decision: { outcome: 'APPROVED', decidedBy: MFG_HEAD },
    });
    expect(again.status).toBe(409);
    await requestInStatus(requester, id, 'APPROVED');
    const signed = (await historyOf(id)).find((event) => event.action === 'APPROVAL_DECIDED');
    expect(signed?.signature).toMatchObject({ meaning: 'APPROVED', method: 'API', email: MFG_HEAD.email });
  });

  it('404s an unknown approval and 400s a malformed id', async () => {
    const unknown = await call('POST', '/approvals/apr_01jzzzzzzzzzzzzzzzzzzzzzzz/decision', {
      token: marcus,
      body: { decision: 'APPROVED' },
    });
    const malformed = await call('POST', '/approvals/not-an-id/decision', {
      token: marcus,
      body: { decision: 'APPROVED' },
    });

    expect(unknown.status).toBe(404);
    expect(malformed.status).toBe(400);
  });
});

describe('segregation of duties', () => {
  it("sends the head's own request to the head of strategy & business operations", async () => {
    const id = await submit(marcus, { title: 'Requested by the head of MFG' });

    const { email } = await approvalEmailOf(id);

    expect(email.to).toEqual([STRATEGY_HEAD.email]);
    expect(email.text).toContain(
      'Marcus Okafor is the requester (segregation of duties): the fallback approver decides.',
    );
    const request = await requestInStatus(marcus, id, 'IN_APPROVAL');
    expect(currentStepOf(request.body)).toMatchObject({
      approvers: [STRATEGY_HEAD],
      reassignedFrom: MFG_HEAD,
    });
  });

  it('refuses and audits a decision by the requester', async () => {
    const id = await submit(marcus);
    await approvalEmailOf(id);
    const approvalId = pendingApprovalOf((await requestInStatus(marcus, id, 'IN_APPROVAL')).body).id;

    const attempt = await call('POST', `/approvals/${approvalId}/decision`, {
      token: marcus,
      body: { decision: 'APPROVED' },
    });

    expect(attempt.status).toBe(403);
    expect(attempt.body.detail).toContain('segregation of duties');
    const refused = (await historyOf(id)).find((event) => event.action === 'APPROVAL_DECISION_REFUSED');
    expect(refused?.actor.email).toBe(MFG_HEAD.email);
    const request = await call('GET', `/requests/${id}`, { token: marcus });
    expect(currentStepOf(request.body).status).toBe('PENDING');
  });

  it("sends the strategy head's own request past her, to the next fallback approver: the head of FINANCE", async () => {
    const id = await submit(claire, {
      businessFunction: 'STRATEGY',
      title: 'Strategy head asks for herself',
    });

    const request = await requestInStatus(claire, id, 'IN_APPROVAL');

    expect(currentStepOf(request.body)).toMatchObject({
      approvers: [FINANCE_HEAD],
      reassignedFrom: STRATEGY_HEAD,
    });
  });
});

describe('withdrawal during approval', () => {
  it('voids the link, stops the execution, and refuses a later decision', async () => {
    const id = await submit();
    const { link } = await approvalEmailOf(id);
    const approvalId = pendingApprovalOf((await requestInStatus(requester, id, 'IN_APPROVAL')).body).id;

    const withdrawn = await call('POST', `/requests/${id}/withdraw`, {
      token: requester,
      body: { reason: 'Not needed' },
    });

    expect(withdrawn.status).toBe(200);
    expect(currentStepOf(withdrawn.body).status).toBe('VOIDED');
    const page = await apiFetch(link);
    expect(page.status).toBe(410);
    expect(await page.text()).toContain('withdrawn');
    const post = await postForm(link, { reviewed: 'yes', decision: 'APPROVED' });
    expect(post.status).toBe(410);
    const byApi = await call('POST', `/approvals/${approvalId}/decision`, {
      token: marcus,
      body: { decision: 'APPROVED' },
    });
    expect(byApi.status).toBe(410);
    const execution = await eventually(async () => {
      const described = await executionOf(id);
      return described.status === 'ABORTED' ? described : undefined;
    }, 'the execution to stop');
    expect(execution.status).toBe('ABORTED');
    const after = await call('GET', `/requests/${id}`, { token: requester });
    expect(after.body.status).toBe('WITHDRAWN');
  });
});

describe('approval consumes budget', () => {
  async function ledgerEntriesOf(requestId: string) {
    const ledger = await call('GET', '/budgets/FY2027/MFG/ledger?limit=100', { token: claire });
    expect(ledger.status).toBe(200);
    return (ledger.body.items as { requestId?: string; kind: string; amount: { amount: string } }[]).filter(
      (entry) => entry.requestId === requestId,
    );
  }

  /** Every step of the demo policy's chain approved by API (a large amount has several). */
  async function approvedByApi(id: string) {
    await approvalEmailOf(id);
    await approveSteps(requester, id);
  }

  it("commits the approved amount on the business function's line, once", async () => {
    const id = await submit();

    await approvedByApi(id);

    await requestInStatus(requester, id, 'APPROVED');
    const entries = await ledgerEntriesOf(id);
    expect(entries).toEqual([
      expect.objectContaining({
        kind: 'COMMITMENT',
        amount: expect.objectContaining({ amount: '45000.00' }),
      }),
    ]);
  });

  it('settles an approval the line cannot cover as BUDGET_EXCEEDED once its budget exception is rejected, telling requester and approver the figures', async () => {
    const id = await submit(requester, {
      title: 'Far beyond the MFG allocation',
      estimatedCost: { amount: '20000000.00', currency: 'USD' },
    });
    await approvedByApi(id);
    const exception = await budgetExceptionOf(requester, id);

    const rejected = await call('POST', `/approvals/${exception.approvalId}/decision`, {
      token: exception.approverToken,
      body: { decision: 'REJECTED', comment: 'No line can spare that much' },
    });

    expect(rejected.status, rejected.text).toBe(200);

    const request = await requestInStatus(requester, id, 'BUDGET_EXCEEDED');
    expect(request.body.budgetRefusal.figures).toMatchObject({
      businessFunction: 'MFG',
      requested: { amount: '20000000.00', currency: 'USD' },
    });
    expect(await ledgerEntriesOf(id)).toEqual([]);
    const notice = await eventually(
      () => readOutbox().find((mail) => mail.subject.startsWith('Your request is over budget: Far beyond')),
      'the over-budget notice',
    );
    // The demo policy's chain for 20,000,000.00 ends with the head of FINANCE: the last approver is told.
    expect(notice.to).toEqual(['mia@techops.example', 'samuel.adeyemi@techops.example']);
    expect(notice.text).toContain('Needed: USD 20000000.00');
    expect(notice.text).toMatch(/Available: USD \d+\.\d\d/);
    expect((await historyOf(id)).map((event) => event.action)).toContain('REQUEST_BUDGET_EXCEEDED');
  });

  it("releases an approved request's commitment when it is withdrawn", async () => {
    const id = await submit();
    await approvedByApi(id);
    await requestInStatus(requester, id, 'APPROVED');

    const withdrawn = await call('POST', `/requests/${id}/withdraw`, {
      token: requester,
      body: { reason: 'The supplier fixed it under warranty' },
    });

    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.status).toBe('WITHDRAWN');
    const kinds = (await ledgerEntriesOf(id)).map((entry) => `${entry.kind} ${entry.amount.amount}`).sort();
    expect(kinds).toEqual(['COMMITMENT 45000.00', 'RELEASE 45000.00']);
    const again = await call('POST', `/requests/${id}/withdraw`, {
      token: requester,
      body: { reason: 'Twice' },
    });
    expect(again.status).toBe(409);
    expect(await ledgerEntriesOf(id)).toHaveLength(2);
  });
});
