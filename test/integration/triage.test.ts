import { beforeAll, describe, expect, it } from 'vitest';
import { addBusinessFunctions } from './business-function-support.js';
import {
  approvalEmailOf,
  call,
  DEV_TRIAGER,
  eventually,
  fundBudget,
  readOutbox,
  requestInStatus,
  tokenFor,
  triaged,
  triagerToken,
  validRequestBody,
  vendorOnRecord,
} from './support.js';

/**
 * Triage, the first stage of a request's workflow, against the local cloud: the triagers'
 * queue and emails, the four outcomes, edit and resubmit, auto-triage by the demo policy's rule,
 * and who may triage. This file owns its business functions (added in beforeAll) and FY2078.
 */
const FLOW = 'TRIAGE_FLOW';
const AUTO = 'TRIAGE_AUTO';
const DATES = { startDate: '2078-03-01', endDate: '2078-05-31' };
const CLAIRE = 'claire.dubois@techops.example';
const CQV_TEAM_OWNER = 'hannah.berg@techops.example';

let requester: string;
let triager: string;

beforeAll(async () => {
  await addBusinessFunctions([FLOW, AUTO], 'Triage flow');
  await fundBudget('FY2078', { [FLOW]: '10000000.00', [AUTO]: '1000000.00' });
  requester = await tokenFor({
    sub: 'tessa-triage',
    name: 'Tessa Flow',
    email: 'tessa.flow@techops.example',
    groups: ['requester'],
    businessFunction: FLOW,
  });
  triager = await triagerToken();
});

async function submitted(overrides: Record<string, unknown> = {}, token = requester) {
  const response = await call('POST', '/requests', {
    token,
    body: validRequestBody({ businessFunction: FLOW, ...DATES, ...overrides }),
  });
  expect(response.status, response.text).toBe(201);
  return response.body.id as string;
}

const historyOf = async (id: string) =>
  (await call('GET', `/requests/${id}/history?limit=100`, { token: requester })).body.items as {
    action: string;
    actor: { name: string };
    before?: Record<string, unknown>;
    after?: Record<string, unknown>;
    reason?: string;
  }[];

const emailTo = (address: string, subject: string, requestId?: string) =>
  eventually(
    () =>
      readOutbox().find(
        (mail) =>
          mail.to.includes(address) &&
          mail.subject.startsWith(subject) &&
          (requestId === undefined || mail.text.includes(requestId)),
      ),
    `"${subject}" to ${address}`,
  );

describe('triage as the first stage of the workflow', () => {
  it('asks the triagers, whose queue lists it most urgent first with its age', async () => {
    const normal = await submitted({ title: 'Cleaning validation review', urgency: 'NORMAL' });
    const critical = await submitted({ title: 'Deviation investigation support', urgency: 'CRITICAL' });

    const waiting = await requestInStatus(requester, normal, 'IN_TRIAGE');
    await requestInStatus(requester, critical, 'IN_TRIAGE');
    const queue = await call('GET', '/triage?status=PENDING', { token: triager });
    const refused = await call('GET', '/triage', { token: requester });

    expect(waiting.body.waitingOn).toEqual([
      { name: 'Claire Dubois', email: CLAIRE },
      { name: DEV_TRIAGER.name, email: DEV_TRIAGER.email },
    ]);
    expect(waiting.body.triage).toMatchObject({ round: 1, askedAt: expect.any(String) });
    expect(waiting.body.triage.secondsInTriage).toBeGreaterThanOrEqual(0);
    const mine = queue.body.items.filter((item: { id: string }) => [normal, critical].includes(item.id));
    expect(mine.map((item: { id: string }) => item.id)).toEqual([critical, normal]);
    expect(mine[1]).toMatchObject({ urgency: 'NORMAL', round: 1, ageSeconds: expect.any(Number) });
    expect(queue.body.count).toBe(queue.body.items.length);
    expect(refused.status).toBe(403);
    const email = await emailTo(CLAIRE, 'Triage needed', normal);
    expect(email.to).toEqual([CLAIRE, DEV_TRIAGER.email]);
    expect(email.text).toContain('Category: Validation / CQV');
    expect(email.text).toContain('Internal capabilities: In-house CQV team');
    expect(email.text).toContain(`POST http://`);
  });

  it("ACCEPT corrects the category, sets a priority and starts the chain; the approver reads the triager's note", async () => {
    const id = await submitted({ title: 'Transfer of the fill-finish process' });

    const accepted = await triaged(id, {
      outcome: 'ACCEPT',
      note: 'A transfer, not validation: the MSAT team confirmed.',
      category: 'TECH_TRANSFER',
      priority: 'P1',
    });

    expect(accepted.body).toMatchObject({
      status: 'IN_APPROVAL',
      category: 'TECH_TRANSFER',
      triage: {
        outcome: 'ACCEPT',
        priority: 'P1',
        categoryCorrectedFrom: 'VALIDATION_CQV',
        decidedBy: { email: DEV_TRIAGER.email },
        note: 'A transfer, not validation: the MSAT team confirmed.',
      },
    });
    const { email } = await approvalEmailOf(id);
    expect(email.text).toContain("Triager's note: A transfer, not validation: the MSAT team confirmed.");
    expect(email.text).toContain('Category: Technology transfer');
    expect(email.text).toMatch(
      /Triage: Accepted by Jonas Weber on \d{1,2} \w+ \d{4}, \d\d:\d\d UTC, priority P1\./,
    );
    expect(email.text).toContain('Category corrected: from Validation / CQV');
    const accept = (await historyOf(id)).find((event) => event.action === 'REQUEST_ACCEPTED');
    expect(accept).toMatchObject({
      actor: { name: DEV_TRIAGER.name },
      before: { status: 'IN_TRIAGE', category: 'VALIDATION_CQV' },
      after: { status: 'IN_APPROVAL', category: 'TECH_TRANSFER', priority: 'P1' },
    });
  });

  it("REDIRECT_INTERNAL ends it REDIRECTED and tells the requester and the team's owner", async () => {
    const id = await submitted({ title: 'Requalification of the autoclave' });

    const redirected = await triaged(id, {
      outcome: 'REDIRECT_INTERNAL',
      note: 'The CQV team has capacity in March.',
      internalCapabilityId: 'CQV_TEAM',
    });

    expect(redirected.body).toMatchObject({
      status: 'REDIRECTED',
      triage: { internalCapability: { id: 'CQV_TEAM', owner: { email: CQV_TEAM_OWNER } } },
    });
    const toRequester = await emailTo('tessa.flow@techops.example', 'Your request was redirected', id);
    expect(toRequester.text).toContain('The CQV team has capacity in March.');
    expect(toRequester.text).toContain('The work goes to In-house CQV team');
    const toTeam = await emailTo(CQV_TEAM_OWNER, 'Work redirected to In-house CQV team', id);
    expect(toTeam.text).toContain('Requester: Tessa Flow <tessa.flow@techops.example>');
  });

  it('DECLINE names the duplicate and ends it DECLINED; a duplicate that is itself is refused', async () => {
    const original = await submitted({ title: 'Line clearance audit' });
    const duplicate = await submitted({ title: 'Line clearance audit, again' });
    await requestInStatus(requester, duplicate, 'IN_TRIAGE');

    const itself = await call('POST', `/requests/${duplicate}/triage`, {
      token: triager,
      body: { outcome: 'DECLINE', note: 'Duplicate.', duplicateOf: duplicate },
    });
    const declined = await triaged(duplicate, {
      outcome: 'DECLINE',
      note: 'The same audit is already asked for.',
      duplicateOf: original,
    });

    expect(itself.status).toBe(400);
    expect(itself.body.errors).toEqual([
      { field: 'duplicateOf', message: `${duplicate} is not another request of ${FLOW}.` },
    ]);
    expect(declined.body).toMatchObject({ status: 'DECLINED', triage: { duplicateOf: original } });
    const email = await emailTo(
      'tessa.flow@techops.example',
      'Your request was declined at triage',
      duplicate,
    );
    expect(email.text).toContain(`It duplicates request ${original}.`);
  });

  it('refuses a decision that names an unknown team, or asks nothing, and changes nothing', async () => {
    const id = await submitted({ title: 'Stability study design' });
    const waiting = await requestInStatus(requester, id, 'IN_TRIAGE');

    const unknownTeam = await call('POST', `/requests/${id}/triage`, {
      token: triager,
      body: { outcome: 'REDIRECT_INTERNAL', note: 'Inside.', internalCapabilityId: 'NO_SUCH_TEAM' },
    });
    const noQuestions = await call('POST', `/requests/${id}/triage`, {
      token: triager,
      body: { outcome: 'NEEDS_INFO', note: 'Tell me more.', questions: [] },
    });

    expect(unknownTeam.status).toBe(400);
    expect(unknownTeam.body.errors).toEqual([
      { field: 'internalCapabilityId', message: 'Unknown internal capability "NO_SUCH_TEAM".' },
    ]);
    expect(noQuestions.status).toBe(400);
    const after = await call('GET', `/requests/${id}`, { token: requester });
    expect(after.body).toMatchObject({ status: 'IN_TRIAGE', version: waiting.body.version });
  });
});

describe('NEEDS_INFO, edit and resubmit', () => {
  it('asks the requester, who edits and resubmits; triage again accepts it and the chain starts', async () => {
    const id = await submitted({ title: 'Media fill support' });
    const asked = await triaged(id, {
      outcome: 'NEEDS_INFO',
      note: 'Before we buy this outside:',
      questions: ['Which filling lines?', 'Could the CQV team take part of it?'],
    });
    expect(asked.body).toMatchObject({
      status: 'NEEDS_INFO',
      waitingOn: [{ email: 'tessa.flow@techops.example' }],
    });
    const email = await emailTo('tessa.flow@techops.example', 'Your request needs more information', id);
    expect(email.text).toContain('1. Which filling lines?');
    expect(email.text).toContain(`POST /requests/${id}/resubmit`);
    const etag = asked.headers.get('etag') ?? '';

    const withoutIfMatch = await call('PATCH', `/requests/${id}`, { token: requester, body: { title: 'x' } });
    const invalid = await call('PATCH', `/requests/${id}`, {
      token: requester,
      headers: { 'If-Match': etag },
      body: { endDate: '2078-01-01', estimatedCost: { amount: '-5.00', currency: 'USD' } },
    });
    const byTriager = await call('PATCH', `/requests/${id}`, {
      token: triager,
      headers: { 'If-Match': etag },
      body: { title: 'Changed by someone else' },
    });
    const edited = await call('PATCH', `/requests/${id}`, {
      token: requester,
      headers: { 'If-Match': etag },
      body: {
        title: 'Media fill support, lines 2 and 3',
        estimatedCost: { amount: '38000.00', currency: 'USD' },
      },
    });

    expect(withoutIfMatch.status).toBe(428);
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors.map((issue: { field: string }) => issue.field).sort()).toEqual([
      'endDate',
      'estimatedCost.amount',
    ]);
    expect(byTriager.status).toBe(403);
    expect(edited.status, edited.text).toBe(200);
    expect(edited.body).toMatchObject({
      status: 'NEEDS_INFO',
      title: 'Media fill support, lines 2 and 3',
      estimatedCost: { amount: '38000.00', currency: 'USD' },
      version: asked.body.version + 1,
    });
    const editEvent = (await historyOf(id)).find((event) => event.action === 'REQUEST_EDITED');
    expect(editEvent).toMatchObject({
      before: { title: 'Media fill support', estimatedCost: { amount: '45000.00', currency: 'USD' } },
      after: {
        title: 'Media fill support, lines 2 and 3',
        estimatedCost: { amount: '38000.00', currency: 'USD' },
      },
    });

    const resubmitted = await call('POST', `/requests/${id}/resubmit`, {
      token: requester,
      headers: { 'If-Match': edited.headers.get('etag') ?? '' },
      body: { response: 'Lines 2 and 3; the CQV team takes the protocols.' },
    });

    expect(resubmitted.status, resubmitted.text).toBe(200);
    expect(resubmitted.body).toMatchObject({
      status: 'SUBMITTED',
      triage: {
        round: 2,
        questions: ['Which filling lines?', 'Could the CQV team take part of it?'],
        response: 'Lines 2 and 3; the CQV team takes the protocols.',
      },
      assessment: { budget: { requested: { amount: '38000.00' } } },
    });
    expect(resubmitted.body.assessment.assessedAt > asked.body.assessment.assessedAt).toBe(true);
    const again = await call('POST', `/requests/${id}/resubmit`, {
      token: requester,
      body: { response: 'Twice.' },
    });
    expect(again.status).toBe(409);
    const accepted = await triaged(id, { outcome: 'ACCEPT', note: 'Answered: go ahead.' });
    expect(accepted.body).toMatchObject({ status: 'IN_APPROVAL', triage: { round: 2, outcome: 'ACCEPT' } });
    const waiting = await eventually(async () => {
      const response = await call('GET', `/requests/${id}`, { token: requester });
      return response.body.approvalChain?.steps[0]?.status === 'PENDING' ? response : undefined;
    }, 'the first step to be asked');
    expect(waiting.body.waitingOn).toHaveLength(1);
    expect((await historyOf(id)).map((event) => event.action)).toEqual([
      'REQUEST_SUBMITTED',
      'TRIAGE_REQUESTED',
      'REQUEST_INFO_REQUESTED',
      'REQUEST_EDITED',
      'REQUEST_RESUBMITTED',
      'TRIAGE_REQUESTED',
      'REQUEST_ACCEPTED',
      'APPROVAL_REQUESTED',
    ]);
  });

  it('refuses to edit or resubmit a request that is not waiting for its requester', async () => {
    const id = await submitted({ title: 'Batch record review' });
    const waiting = await requestInStatus(requester, id, 'IN_TRIAGE');

    const edit = await call('PATCH', `/requests/${id}`, {
      token: requester,
      headers: { 'If-Match': waiting.headers.get('etag') ?? '' },
      body: { title: 'Too early' },
    });
    const resubmit = await call('POST', `/requests/${id}/resubmit`, {
      token: requester,
      body: { response: 'Too early.' },
    });

    expect(edit.status).toBe(409);
    expect(edit.body).toMatchObject({ currentStatus: 'IN_TRIAGE' });
    expect(resubmit.status).toBe(409);
  });

  it('withdraws a request in triage, and one that needs information', async () => {
    const inTriage = await submitted({ title: 'Withdrawn in triage' });
    const needsInfo = await submitted({ title: 'Withdrawn while asked' });
    await requestInStatus(requester, inTriage, 'IN_TRIAGE');
    await triaged(needsInfo, { outcome: 'NEEDS_INFO', note: 'Why?', questions: ['Why now?'] });

    const withdrawals = await Promise.all(
      [inTriage, needsInfo].map((id) =>
        call('POST', `/requests/${id}/withdraw`, { token: requester, body: { reason: 'Not needed now.' } }),
      ),
    );

    expect(withdrawals.map((response) => [response.status, response.body.status])).toEqual([
      [200, 'WITHDRAWN'],
      [200, 'WITHDRAWN'],
    ]);
    const late = await call('POST', `/requests/${inTriage}/triage`, {
      token: triager,
      body: { outcome: 'ACCEPT', note: 'Too late.' },
    });
    expect(late.status).toBe(409);
    expect(late.body.currentStatus).toBe('WITHDRAWN');
  });
});

describe('who may triage', () => {
  it('refuses a requester, and a triager deciding their own request', async () => {
    const ownTriager = await tokenFor({
      name: 'Tom Both',
      email: 'tom.both@techops.example',
      groups: ['requester', 'triager'],
      businessFunction: FLOW,
    });
    const id = await submitted({ title: 'Submitted by a triager' }, ownTriager);
    await requestInStatus(requester, id, 'IN_TRIAGE');

    const byRequester = await call('POST', `/requests/${id}/triage`, {
      token: requester,
      body: { outcome: 'ACCEPT', note: 'Mine to decide?' },
    });
    const ownRequest = await call('POST', `/requests/${id}/triage`, {
      token: ownTriager,
      body: { outcome: 'ACCEPT', note: 'Fine by me.' },
    });

    expect(byRequester.status).toBe(403);
    expect(byRequester.body.detail).toBe('Triage needs the triager role.');
    expect(ownRequest.status).toBe(403);
    expect(ownRequest.body.detail).toBe('You cannot triage your own request.');
  });
});

describe('auto-triage', () => {
  it('accepts a small request with a preferred vendor and nothing flagged without a triager, and says which rule', async () => {
    const vendorId = await vendorOnRecord({ status: 'PREFERRED', score: 5, paperwork: true, year: 2078 });
    const autoRequester = await tokenFor({ groups: ['requester'], businessFunction: AUTO });

    const id = await submitted(
      {
        businessFunction: AUTO,
        title: 'Small CQV task',
        estimatedCost: { amount: '20000.00', currency: 'USD' },
        preferredVendorId: vendorId,
      },
      autoRequester,
    );

    const accepted = await requestInStatus(autoRequester, id, 'IN_APPROVAL');
    expect(accepted.body.assessment.flags).toEqual([]);
    expect(accepted.body.triage).toMatchObject({
      outcome: 'ACCEPT',
      autoRule: 'Below 25,000.00 with a preferred vendor',
      why: [
        'amount 20000.00 is below 25000.00',
        "the preferred vendor's status is PREFERRED",
        'the triage assessment raised no flag',
      ],
    });
    expect(accepted.body.triage.decidedBy).toBeUndefined();
    const history = (await call('GET', `/requests/${id}/history`, { token: autoRequester })).body.items;
    expect(history.map((event: { action: string }) => event.action).slice(0, 2)).toEqual([
      'REQUEST_SUBMITTED',
      'REQUEST_ACCEPTED',
    ]);
    expect(history[1].reason).toMatch(
      /^Accepted by the auto-triage rule "Below 25,000.00 with a preferred vendor"/,
    );
    const { email } = await approvalEmailOf(id);
    expect(email.text).toContain(
      'Triage: Accepted by the auto-triage rule "Below 25,000.00 with a preferred vendor"',
    );
    expect(
      readOutbox().some((mail) => mail.subject.startsWith('Triage needed') && mail.text.includes(id)),
    ).toBe(false);
  });
});
