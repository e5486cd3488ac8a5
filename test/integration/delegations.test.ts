import { beforeAll, describe, expect, it } from 'vitest';
import { addBusinessFunctions } from './business-function-support.js';
import {
  acceptedAtTriage,
  approvalEmailOf,
  call,
  currentStepOf,
  eventually,
  fetchOutsideApi,
  fundBudget,
  postForm,
  readOutbox,
  requestInStatus,
  tokenFor,
  validRequestBody,
} from './support.js';

/**
 * Delegation against the local cloud: the routes and their rules, a new step routed to the
 * active delegate, pending approvals moved when a delegation starts, and decisions recorded on
 * behalf of the delegator. This file owns its business functions (added in beforeAll) and FY2065.
 */
const ROUTE = 'DELEGATION_ROUTE';
const MOVE = 'DELEGATION_MOVE';
const RULES = 'DELEGATION_RULES';
const headOf = (code: string) => ({
  name: `Head of ${code}`,
  email: `${code.toLowerCase()}@techops.example`,
});
const DANA = { name: 'Dana Stand-in', email: 'dana.standin@techops.example' };
const OMAR = { name: 'Omar Cover', email: 'omar.cover@techops.example' };

const HOUR = 60 * 60 * 1000;
const inHours = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString();

let admin: string;

beforeAll(async () => {
  await addBusinessFunctions([ROUTE, MOVE, RULES], 'Delegation test');
  await fundBudget('FY2065', { [ROUTE]: '1000000.00', [MOVE]: '1000000.00', [RULES]: '1000000.00' });
  admin = await tokenFor({ groups: ['admin'], businessFunction: 'STRATEGY' });
});

const approverToken = (person: { name: string; email: string }) =>
  tokenFor({ ...person, sub: `delegation-${person.email}`, groups: ['approver'] });

const delegate = (token: string, body: Record<string, unknown>) =>
  call('PUT', '/me/delegations', { token, body });

const delegationTo = (person: { name: string; email: string }, startsInHours = -1, endsInHours = 24) => ({
  delegate: person,
  startsAt: inHours(startsInHours),
  endsAt: inHours(endsInHours),
  reason: 'Annual leave',
});

/** A small request of the business function, accepted at triage: its first step asked. */
async function submitted(businessFunction: string, requester?: { name: string; email: string }) {
  const token = await tokenFor({ ...requester, groups: ['requester'], businessFunction });
  const created = await call('POST', '/requests', {
    token,
    body: validRequestBody({
      businessFunction,
      title: `Delegation ${businessFunction} ${Date.now()}`,
      estimatedCost: { amount: '1000.00', currency: 'USD' },
      startDate: '2065-03-01',
      endDate: '2065-06-30',
    }),
  });
  expect(created.status, created.text).toBe(201);
  const asked = await acceptedAtTriage(created.body.id);
  return { id: created.body.id as string, token, asked: asked.body };
}

describe('delegation', { timeout: 120_000 }, () => {
  it('routes a new step to the active delegate, who decides on behalf of the approver', async () => {
    const head = headOf(ROUTE);
    const headToken = await approverToken(head);
    const put = await delegate(headToken, delegationTo(DANA));
    expect(put.status, put.text).toBe(201);
    expect(put.body).toMatchObject({
      delegator: head,
      delegate: DANA,
      status: 'ACTIVE',
      reassignedApprovals: 0,
    });

    const request = await submitted(ROUTE);

    const step = currentStepOf(request.asked);
    expect(step.approvers).toEqual([DANA]);
    expect(step.delegations).toEqual([
      { from: head, to: DANA, delegationId: put.body.id, reason: 'Annual leave' },
    ]);
    const { email, link } = await approvalEmailOf(request.id, undefined, DANA.email);
    expect(email.text).toContain(`the delegate of ${head.name}`);
    const page = await fetchOutsideApi(link);
    expect(await page.text()).toContain(`For ${DANA.name} on behalf of ${head.name}.`);
    const decided = await call('POST', `/approvals/${step.approvalIds?.[0]}/decision`, {
      token: await approverToken(DANA),
      body: { decision: 'APPROVED' },
    });
    expect(decided.status, decided.text).toBe(200);
    expect(decided.body.decision.onBehalfOf).toEqual(head);
    const approved = await requestInStatus(request.token, request.id, 'APPROVED');
    expect(currentStepOf(approved.body)).toMatchObject({ decidedBy: DANA, decidedOnBehalfOf: head });
    const history = await call('GET', `/requests/${request.id}/history?limit=100`, { token: request.token });
    const signature = history.body.items.find(
      (event: { action: string }) => event.action === 'APPROVAL_DECIDED',
    ).signature;
    expect(signature).toMatchObject({ printedName: DANA.name, meaning: 'APPROVED', onBehalfOf: head });
    const outcome = await eventually(
      () =>
        readOutbox().find(
          (mail) => mail.subject.startsWith('Your request was approved') && mail.text.includes(request.id),
        ),
      'the outcome email',
    );
    expect(outcome.text).toContain(`Decided by ${DANA.name} <${DANA.email}> on behalf of ${head.name}`);

    const ended = await call('POST', `/me/delegations/${put.body.id}/end`, { token: headToken });
    expect(ended.status, ended.text).toBe(200);
    expect(ended.body.status).toBe('ENDED');
    const after = await submitted(ROUTE);
    expect(currentStepOf(after.asked).approvers).toEqual([head]);
  });

  it('moves the approvals pending on an approver to the delegate when a delegation starts, emailing both', async () => {
    const head = headOf(MOVE);
    const request = await submitted(MOVE);
    const { link: oldLink } = await approvalEmailOf(request.id, undefined, head.email);
    const headToken = await approverToken(head);

    const put = await delegate(headToken, delegationTo(OMAR));

    expect(put.status, put.text).toBe(201);
    expect(put.body.reassignedApprovals).toBe(1);
    const read = await call('GET', `/requests/${request.id}`, { token: request.token });
    const step = currentStepOf(read.body);
    expect(step).toMatchObject({ status: 'PENDING', approvers: [OMAR] });
    const toldHead = readOutbox().find(
      (mail) =>
        mail.to.includes(head.email) &&
        mail.subject.startsWith('No longer needed') &&
        mail.text.includes(request.id),
    );
    expect(toldHead?.text).toContain(`Your delegation gave it to ${OMAR.name}`);
    expect((await fetchOutsideApi(oldLink)).status).toBe(410);
    const { link } = await approvalEmailOf(request.id, undefined, OMAR.email);
    const form = await postForm(link, { reviewed: 'yes', decision: 'APPROVED' });
    expect(form.status).toBe(200);
    expect(form.text).toContain(`on behalf of ${head.name}`);
    await requestInStatus(request.token, request.id, 'APPROVED');
    const history = await call('GET', `/requests/${request.id}/history?limit=100`, { token: request.token });
    expect(history.body.items.map((event: { action: string }) => event.action)).toContain(
      'APPROVAL_REASSIGNED',
    );

    const mine = await call('GET', '/me/delegations', { token: await approverToken(OMAR) });
    expect(mine.body.items.map((item: { id: string }) => item.id)).toContain(put.body.id);
    const all = await call('GET', '/delegations?limit=100', { token: admin });
    expect(all.body.items.map((item: { id: string }) => item.id)).toContain(put.body.id);
    expect((await call('POST', `/me/delegations/${put.body.id}/end`, { token: headToken })).status).toBe(200);
  });

  it('refuses a delegation to oneself, a loop, a second hop and one to a requester waiting on the delegator, each with 400', async () => {
    const xena = { name: 'Xena Rules', email: 'xena.rules@techops.example' };
    const yuri = { name: 'Yuri Rules', email: 'yuri.rules@techops.example' };
    const zoe = { name: 'Zoe Rules', email: 'zoe.rules@techops.example' };
    const [xenaToken, yuriToken] = await Promise.all([approverToken(xena), approverToken(yuri)]);
    // Next week, so nothing pending moves.
    const first = await delegate(xenaToken, delegationTo(yuri, 24 * 7, 24 * 9));
    expect(first.status, first.text).toBe(201);
    expect(first.body.status).toBe('SCHEDULED');

    const [self, loop, hop] = await Promise.all([
      delegate(yuriToken, delegationTo(yuri, 24 * 7, 24 * 8)),
      delegate(yuriToken, delegationTo(xena, 24 * 8, 24 * 10)),
      delegate(yuriToken, delegationTo(zoe, 24 * 6, 24 * 8)),
    ]);

    expect(self.status).toBe(400);
    expect(self.body.errors).toContainEqual({
      field: 'delegate.email',
      message: 'You cannot delegate to yourself.',
    });
    expect(loop.status).toBe(400);
    expect(loop.body.errors.map((issue: { message: string }) => issue.message).join(' ')).toContain(
      'A delegation loop',
    );
    expect(hop.status).toBe(400);
    expect(hop.body.errors[0].message).toContain('a delegate cannot delegate onwards');

    const head = headOf(RULES);
    const request = await submitted(RULES, zoe);
    const toRequester = await delegate(await approverToken(head), delegationTo(zoe));
    expect(toRequester.status).toBe(400);
    expect(toRequester.body.errors[0].message).toContain(request.id);
    const untouched = await call('GET', `/requests/${request.id}`, { token: request.token });
    expect(currentStepOf(untouched.body).approvers).toEqual([head]);
  });

  it('refuses a period that ends before it starts or lasts over 90 days, listing both fields', async () => {
    const token = await approverToken({ name: 'Period Rules', email: 'period.rules@techops.example' });

    const [backwards, long] = await Promise.all([
      delegate(token, { ...delegationTo(DANA, 5, 1), reason: '' }),
      delegate(token, delegationTo(DANA, 1, 24 * 91)),
    ]);

    expect(backwards.status).toBe(400);
    expect(backwards.body.errors.map((issue: { field: string }) => issue.field).sort()).toEqual([
      'endsAt',
      'reason',
    ]);
    expect(long.status).toBe(400);
    expect(long.body.errors).toEqual([{ field: 'endsAt', message: 'A delegation lasts at most 90 days.' }]);
  });

  it('answers the same delegation put again with 200, and lets only approvers and admins delegate', async () => {
    const token = await approverToken({ name: 'Repeat Rules', email: 'repeat.rules@techops.example' });
    const body = delegationTo({ name: 'Repeat Cover', email: 'repeat.cover@techops.example' }, 48, 72);
    const first = await delegate(token, body);
    const again = await delegate(token, body);
    const requester = await tokenFor({ groups: ['requester'], businessFunction: RULES });

    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body.id).toBe(first.body.id);
    expect((await delegate(requester, body)).status).toBe(403);
    expect((await call('GET', '/delegations', { token })).status).toBe(403);
    expect((await call('POST', `/me/delegations/${first.body.id}/end`, { token: admin })).status).toBe(200);
    expect((await call('POST', `/me/delegations/${first.body.id}/end`, { token })).status).toBe(409);
  });
});
