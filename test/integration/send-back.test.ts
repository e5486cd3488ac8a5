import { beforeAll, describe, expect, it } from 'vitest';
import { addBusinessFunctions } from './business-function-support.js';
import {
  approveSteps,
  call,
  currentStepOf,
  eventually,
  fundBudget,
  readOutbox,
  requestInStatus,
  tokenFor,
  validRequestBody,
} from './support.js';

/**
 * Send back (issue 12): an approver returns a request to its requester for changes; the
 * requester edits and resubmits it, and approval goes on from that step, or restarts from step
 * 1 when the amount rose beyond the policy's threshold (10% by default) or the vendor,
 * category or business function changed. The demo policy gives 120,000.00 two steps: the head
 * of the business function, then the head of STRATEGY. Business functions SBA and SBB and FY2067
 * are this file's own.
 */
const FISCAL_YEAR = 'FY2067';
const DATES = { startDate: '2067-03-01', endDate: '2067-09-30' };
const SBA_HEAD = { name: 'Head of SBA', email: 'sba@techops.example' };
const STRATEGY_HEAD = { name: 'Claire Dubois', email: 'claire.dubois@techops.example' };

type Person = { name: string; email: string };
type Step = { step: number; status: string; approvers: Person[]; approvalIds?: string[]; comment?: string };

let requester: string;

beforeAll(async () => {
  await addBusinessFunctions(['SBA', 'SBB'], 'Send back');
  await fundBudget(FISCAL_YEAR, { SBA: '5000000.00', SBB: '5000000.00' });
  requester = await tokenFor({ groups: ['requester'], businessFunction: 'SBA' });
});

/** A 120,000.00 request whose first step approved, waiting on the head of STRATEGY. */
async function waitingOnTheSecondStep(overrides: Record<string, unknown> = {}) {
  const submitted = await call('POST', '/requests', {
    token: requester,
    body: validRequestBody({
      businessFunction: 'SBA',
      ...DATES,
      estimatedCost: { amount: '120000.00', currency: 'USD' },
      ...overrides,
    }),
  });
  expect(submitted.status, submitted.text).toBe(201);
  const request = await approveSteps(requester, submitted.body.id, { exceptTheLast: true });
  expect(currentStepOf(request)).toMatchObject({ step: 2, status: 'PENDING', approvers: [STRATEGY_HEAD] });
  return request as Record<string, unknown> & { id: string; approvalChain: { steps: Step[] } };
}

async function sendBack(request: { approvalChain: { steps: Step[] } }, comment?: string) {
  const step = currentStepOf(request);
  return call('POST', `/approvals/${step.approvalIds?.[0]}/decision`, {
    token: await tokenFor({ ...(step.approvers[0] as Person), groups: ['approver'] }),
    body: { decision: 'SEND_BACK', ...(comment ? { comment } : {}) },
  });
}

/** The request once it is waiting on its requester, with its ETag. */
async function changesRequested(requestId: string) {
  const response = await requestInStatus(requester, requestId, 'CHANGES_REQUESTED');
  return { request: response.body, etag: response.headers.get('etag') as string };
}

async function editAndResubmit(requestId: string, patch: Record<string, unknown>, response: string) {
  const { etag } = await changesRequested(requestId);
  const edited = await call('PATCH', `/requests/${requestId}`, {
    token: requester,
    body: patch,
    headers: { 'if-match': etag },
  });
  expect(edited.status, edited.text).toBe(200);
  const resubmitted = await call('POST', `/requests/${requestId}/resubmit`, {
    token: requester,
    body: { response },
    headers: { 'if-match': edited.headers.get('etag') as string },
  });
  expect(resubmitted.status, resubmitted.text).toBe(200);
  return resubmitted.body;
}

/** The request once its chain waits on a step again after the resubmission. */
async function askedAgain(requestId: string) {
  return eventually(async () => {
    const response = await call('GET', `/requests/${requestId}`, { token: requester });
    if (response.body.status !== 'IN_APPROVAL' || !response.body.approvalChain) return undefined;
    const step = currentStepOf(response.body);
    return step.status === 'PENDING' && step.approvalIds?.length ? response.body : undefined;
  }, `request ${requestId} to be asked again`);
}

const approvalEmails = (person: Person, requestId: string) =>
  readOutbox().filter(
    (mail) =>
      mail.to.includes(person.email) &&
      mail.subject.startsWith('Approval needed') &&
      mail.text.includes(requestId),
  );

describe('an approver sends a request back for changes', () => {
  it('goes on from the step that sent it back after a small change: the first approval stands', async () => {
    // Prepare
    const request = await waitingOnTheSecondStep();
    const firstApproval = request.approvalChain.steps[0]?.approvalIds?.[0];

    // Act
    const sent = await sendBack(request, 'Please split the validation work into phases.');

    // Assess
    expect(sent.status, sent.text).toBe(200);
    expect(sent.body.status).toBe('SENT_BACK');
    const { request: waiting } = await changesRequested(request.id);
    expect(waiting.waitingOn).toEqual([{ name: expect.any(String), email: expect.any(String) }]);
    expect(waiting.sendBacks).toEqual([
      expect.objectContaining({
        round: 1,
        step: 2,
        by: STRATEGY_HEAD,
        comment: 'Please split the validation work into phases.',
      }),
    ]);
    expect(currentStepOf(waiting)).toMatchObject({ step: 2, status: 'SENT_BACK' });
    const told = await eventually(
      () =>
        readOutbox().find(
          (mail) =>
            mail.subject.includes('was sent back to you for changes') && mail.text.includes(request.id),
        ),
      'the send-back email to the requester',
    );
    expect(told.text).toContain('Comment: Please split the validation work into phases.');
    expect(told.text).toContain(`POST /requests/${request.id}/resubmit`);

    // Act: a 5% rise and a clearer description, then resubmission
    const resubmitted = await editAndResubmit(
      request.id,
      {
        estimatedCost: { amount: '126000.00', currency: 'USD' },
        description: 'Validation in two phases: IQ/OQ first, then PQ.',
      },
      'Split into two phases as asked.',
    );

    // Assess: the second step is asked again, the first one's approval stands
    expect(resubmitted.sendBacks[0]).toMatchObject({
      continuedFromStep: 2,
      resubmittedAt: expect.any(String),
    });
    const again = await askedAgain(request.id);
    expect(again.approvalChain.currentStep).toBe(2);
    expect(again.approvalChain.steps[0]).toMatchObject({ status: 'APPROVED', approvalIds: [firstApproval] });
    expect(again.supersededChains).toBeUndefined();
    expect(approvalEmails(SBA_HEAD, request.id)).toHaveLength(1);
    await eventually(() => approvalEmails(STRATEGY_HEAD, request.id).length === 2, 'the second ask');
    const approved = await approveSteps(requester, request.id);
    expect(approved.status).toBe('APPROVED');

    const history = await call('GET', `/requests/${request.id}/history?limit=100`, { token: requester });
    const actions = history.body.items.map((event: { action: string }) => event.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'APPROVAL_DECIDED',
        'REQUEST_EDITED',
        'REQUEST_RESUBMITTED',
        'REQUEST_RETURNED_TO_APPROVAL',
        'REQUEST_APPROVED',
      ]),
    );
    const resubmission = history.body.items.find(
      (event: { action: string }) => event.action === 'REQUEST_RESUBMITTED',
    );
    expect(resubmission.after).toMatchObject({ round: 2, continuesFromStep: 2 });
    const sentBackEvent = history.body.items.find(
      (event: { action: string; after?: { approvalStatus?: string } }) =>
        event.action === 'APPROVAL_DECIDED' && event.after?.approvalStatus === 'SENT_BACK',
    );
    expect(sentBackEvent.signature).toMatchObject({ meaning: 'SENT_BACK', printedName: STRATEGY_HEAD.name });
  });

  it('restarts the chain from step 1 when the amount rises by 20%, keeping the first chain as superseded', async () => {
    // Prepare
    const request = await waitingOnTheSecondStep();
    await sendBack(request, 'The scope needs the cleaning validation too.');

    // Act
    const resubmitted = await editAndResubmit(
      request.id,
      { estimatedCost: { amount: '144000.00', currency: 'USD' } },
      'Cleaning validation added.',
    );

    // Assess
    expect(resubmitted.sendBacks[0].restartedBecause).toEqual([
      "the estimated cost rose from 120000.00 to 144000.00 USD, more than the policy's 10%",
    ]);
    const again = await askedAgain(request.id);
    expect(again.approvalChain.currentStep).toBe(1);
    expect(again.approvalChain.steps.map((step: Step) => step.status)).toEqual(['PENDING', 'WAITING']);
    expect(again.supersededChains).toEqual([
      expect.objectContaining({
        reason: expect.stringContaining('Restarted on resubmission: the estimated cost rose'),
        steps: [
          expect.objectContaining({ step: 1, status: 'APPROVED' }),
          expect.objectContaining({ step: 2, status: 'SENT_BACK' }),
        ],
      }),
    ]);
    await eventually(() => approvalEmails(SBA_HEAD, request.id).length === 2, 'step 1 asked again');
    const approved = await approveSteps(requester, request.id);
    expect(approved.status).toBe('APPROVED');
  });

  it('restarts when the category changes, whatever the amount', async () => {
    // Prepare
    const request = await waitingOnTheSecondStep({ category: 'VALIDATION_CQV' });
    await sendBack(request, 'This is regulatory work, not validation.');

    // Act
    const resubmitted = await editAndResubmit(request.id, { category: 'REGULATORY' }, 'Recategorised.');

    // Assess
    expect(resubmitted.sendBacks[0].restartedBecause).toEqual([
      'the category changed from VALIDATION_CQV to REGULATORY',
    ]);
    expect((await askedAgain(request.id)).approvalChain.currentStep).toBe(1);
  });

  it("records a delegate's send-back on behalf of the approver, and asks the approver again once the delegation ended", async () => {
    // Prepare: SBB's head is away; their delegate decides their steps meanwhile.
    const head = { name: 'Head of SBB', email: 'sbb@techops.example' };
    const standIn = { name: 'Sasha Standin', email: 'sasha.standin@techops.example' };
    const headToken = await tokenFor({ ...head, groups: ['approver'] });
    const hour = 3_600_000;
    const delegation = await call('PUT', '/me/delegations', {
      token: headToken,
      body: {
        delegate: standIn,
        startsAt: new Date(Date.now() - hour).toISOString(),
        endsAt: new Date(Date.now() + 24 * hour).toISOString(),
        reason: 'Annual leave',
      },
    });
    expect(delegation.status, delegation.text).toBe(201);
    const sbbRequester = await tokenFor({ groups: ['requester'], businessFunction: 'SBB' });
    const submitted = await call('POST', '/requests', {
      token: sbbRequester,
      body: validRequestBody({ businessFunction: 'SBB', ...DATES }),
    });
    const asked = await approveSteps(sbbRequester, submitted.body.id, { exceptTheLast: true });
    expect(currentStepOf(asked).approvers).toEqual([standIn]);

    // Act
    const sent = await call('POST', `/approvals/${currentStepOf(asked).approvalIds?.[0]}/decision`, {
      token: await tokenFor({ ...standIn, groups: ['approver'] }),
      body: { decision: 'SEND_BACK', comment: 'Name the vendor, please.' },
    });
    const ended = await call('POST', `/me/delegations/${delegation.body.id}/end`, { token: headToken });
    const waiting = await requestInStatus(sbbRequester, submitted.body.id, 'CHANGES_REQUESTED');
    const resubmitted = await call('POST', `/requests/${submitted.body.id}/resubmit`, {
      token: sbbRequester,
      body: { response: 'No vendor in mind yet; triage may suggest one.' },
      headers: { 'if-match': waiting.headers.get('etag') as string },
    });

    // Assess
    expect(sent.status, sent.text).toBe(200);
    expect(ended.status, ended.text).toBe(200);
    expect(waiting.body.sendBacks[0]).toMatchObject({ by: standIn, onBehalfOf: head });
    expect(resubmitted.status, resubmitted.text).toBe(200);
    const again = await eventually(async () => {
      const response = await call('GET', `/requests/${submitted.body.id}`, { token: sbbRequester });
      const step = response.body.approvalChain && currentStepOf(response.body);
      return step?.status === 'PENDING' && step.approvalIds?.length ? step : undefined;
    }, 'the step asked again');
    expect(again.approvers).toEqual([head]);
    expect(again.delegations).toBeUndefined();
  });

  it('refuses a send-back without a comment, and on a request already sent back, changing nothing', async () => {
    // Prepare
    const request = await waitingOnTheSecondStep();

    // Act
    const withoutComment = await sendBack(request);

    // Assess
    expect(withoutComment.status).toBe(400);
    expect(withoutComment.body.errors).toEqual([
      expect.objectContaining({ field: 'comment', message: expect.stringContaining('send it back') }),
    ]);
    const unchanged = await call('GET', `/requests/${request.id}`, { token: requester });
    expect(unchanged.body.status).toBe('IN_APPROVAL');

    await sendBack(request, 'Needs a second quote.');
    const twice = await sendBack(request, 'Needs a second quote.');
    expect(twice.status).toBe(409);
  });

  it('lets the requester withdraw a request sent back, and refuses an edit while it is in approval', async () => {
    // Prepare
    const request = await waitingOnTheSecondStep();
    const read = await call('GET', `/requests/${request.id}`, { token: requester });

    // Act
    const editInApproval = await call('PATCH', `/requests/${request.id}`, {
      token: requester,
      body: { title: 'Changed while in approval' },
      headers: { 'if-match': read.headers.get('etag') as string },
    });
    await sendBack(request, 'Not the right vendor.');
    const { etag } = await changesRequested(request.id);
    const withdrawn = await call('POST', `/requests/${request.id}/withdraw`, {
      token: requester,
      body: { reason: 'We will do it internally.' },
      headers: { 'if-match': etag },
    });

    // Assess
    expect(editInApproval.status).toBe(409);
    expect(editInApproval.body.allowedTransitions).not.toContain('EDIT');
    expect(withdrawn.status, withdrawn.text).toBe(200);
    expect(withdrawn.body.status).toBe('WITHDRAWN');
  });
});
