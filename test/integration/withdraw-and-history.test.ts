import { beforeAll, describe, expect, it } from 'vitest';
import {
  acceptedAtTriage,
  call,
  eventually,
  readOutbox,
  requestInStatus,
  tokenFor,
  validRequestBody,
} from './support.js';

// This file works on SC requests.
let requester: string;
let colleague: string;

beforeAll(async () => {
  requester = await tokenFor({
    sub: 'sam-sc',
    name: 'Sam Supply',
    email: 'sam@techops.example',
    groups: ['requester'],
    businessFunction: 'SC',
  });
  colleague = await tokenFor({ groups: ['requester'], businessFunction: 'SC' });
});

/** A request accepted at triage and waiting on its approver (IN_APPROVAL, version 4). */
async function submitted(): Promise<string> {
  const response = await call('POST', '/requests', {
    token: requester,
    body: validRequestBody({ businessFunction: 'SC' }),
  });
  await acceptedAtTriage(response.body.id);
  await requestInStatus(requester, response.body.id, 'IN_APPROVAL');
  return response.body.id;
}

describe('POST /requests/{id}/withdraw', () => {
  it('withdraws an undecided request and records who, when and why', async () => {
    const id = await submitted();

    const response = await call('POST', `/requests/${id}/withdraw`, {
      token: requester,
      body: { reason: 'Budget moved to Q3' },
      headers: { 'if-match': '"4"' },
    });

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      status: 'WITHDRAWN',
      version: 5,
      withdrawal: { reason: 'Budget moved to Q3', by: { sub: 'sam-sc' } },
    });
    expect(response.headers.get('etag')).toBe('"5"');
    // The approver whose link the withdrawal voided is told they are no longer needed.
    const notice = await eventually(
      () =>
        readOutbox().find(
          (mail) =>
            mail.to.includes('elena.vasquez@techops.example') &&
            mail.subject.startsWith('No longer needed') &&
            mail.text.includes(id),
        ),
      'the notice to the approver',
    );
    expect(notice.text).toContain('was withdrawn by Sam Supply on');
    expect(notice.text).toContain('Budget moved to Q3');
  });

  it('refuses to withdraw a withdrawn request again with 409', async () => {
    const id = await submitted();
    await call('POST', `/requests/${id}/withdraw`, { token: requester, body: { reason: 'First' } });

    const again = await call('POST', `/requests/${id}/withdraw`, {
      token: requester,
      body: { reason: 'Second' },
    });

    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ type: 'urn:techops:problem:conflict', currentStatus: 'WITHDRAWN' });
  });

  it('lets exactly one of two simultaneous withdrawals win', async () => {
    const id = await submitted();

    const results = await Promise.all([
      call('POST', `/requests/${id}/withdraw`, { token: requester, body: { reason: 'One' } }),
      call('POST', `/requests/${id}/withdraw`, { token: requester, body: { reason: 'Two' } }),
    ]);

    expect(results.map((result) => result.status).sort()).toEqual([200, 409]);
    const history = await call('GET', `/requests/${id}/history`, { token: requester });
    expect(
      history.body.items.filter((event: { action: string }) => event.action === 'REQUEST_WITHDRAWN'),
    ).toHaveLength(1);
  });

  it('refuses a stale If-Match with 412 and changes nothing', async () => {
    const id = await submitted();

    const response = await call('POST', `/requests/${id}/withdraw`, {
      token: requester,
      body: { reason: 'Stale' },
      headers: { 'if-match': '"7"' },
    });

    expect(response.status).toBe(412);
    expect((await call('GET', `/requests/${id}`, { token: requester })).body.status).toBe('IN_APPROVAL');
  });

  it('accepts If-Match: * as any current version', async () => {
    const id = await submitted();

    const response = await call('POST', `/requests/${id}/withdraw`, {
      token: requester,
      body: { reason: 'Any version will do' },
      headers: { 'if-match': '*' },
    });

    expect(response.status).toBe(200);
  });

  it('refuses someone other than the requester with 403', async () => {
    const id = await submitted();

    const response = await call('POST', `/requests/${id}/withdraw`, {
      token: colleague,
      body: { reason: 'Not mine' },
    });

    expect(response.status).toBe(403);
  });

  it('answers 400 without a reason and 404 for an unknown request', async () => {
    const id = await submitted();

    const withoutReason = await call('POST', `/requests/${id}/withdraw`, { token: requester, body: {} });
    const unknown = await call('POST', '/requests/req_00000000000000000000000000/withdraw', {
      token: requester,
      body: { reason: 'Gone' },
    });

    expect(withoutReason.status).toBe(400);
    expect(withoutReason.body.errors).toEqual([expect.objectContaining({ field: 'reason' })]);
    expect(unknown.status).toBe(404);
  });
});

describe('GET /requests/{id}/history', () => {
  it('tells who did what, when, with before and after, oldest first', async () => {
    const id = await submitted();
    await call('POST', `/requests/${id}/withdraw`, {
      token: requester,
      body: { reason: 'No longer needed' },
    });

    const response = await call('GET', `/requests/${id}/history`, { token: requester });

    expect(response.status).toBe(200);
    expect(response.body.items).toHaveLength(5);
    const [submission, triageRequested, accepted, approvalRequested, withdrawal] = response.body.items;
    expect(submission).toMatchObject({
      action: 'REQUEST_SUBMITTED',
      actor: { sub: 'sam-sc', name: 'Sam Supply', email: 'sam@techops.example' },
      after: { id, status: 'SUBMITTED' },
    });
    expect(triageRequested).toMatchObject({
      action: 'TRIAGE_REQUESTED',
      actor: { sub: 'system:approval-workflow' },
      after: { status: 'IN_TRIAGE', round: 1 },
    });
    expect(accepted).toMatchObject({
      action: 'REQUEST_ACCEPTED',
      actor: { sub: 'triager-jonas-weber' },
      before: { status: 'IN_TRIAGE' },
      after: { status: 'IN_APPROVAL', outcome: 'ACCEPT' },
      reason: 'Accepted for approval.',
    });
    expect(approvalRequested).toMatchObject({
      action: 'APPROVAL_REQUESTED',
      actor: { sub: 'system:approval-workflow' },
      after: { status: 'IN_APPROVAL', step: 1, approvers: [{ email: 'elena.vasquez@techops.example' }] },
    });
    expect(withdrawal).toMatchObject({
      action: 'REQUEST_WITHDRAWN',
      before: { status: 'IN_APPROVAL', version: 4 },
      after: { status: 'WITHDRAWN', version: 5 },
      reason: 'No longer needed',
    });
    expect(Date.parse(withdrawal.at)).toBeGreaterThanOrEqual(Date.parse(submission.at));
  });

  it("refuses another business function's requester with 403 and answers 404 for an unknown request", async () => {
    const id = await submitted();
    const outsider = await tokenFor({ groups: ['requester'], businessFunction: 'QA' });

    const forbidden = await call('GET', `/requests/${id}/history`, { token: outsider });
    const unknown = await call('GET', '/requests/req_00000000000000000000000000/history', {
      token: requester,
    });

    expect(forbidden.status).toBe(403);
    expect(unknown.status).toBe(404);
  });
});
