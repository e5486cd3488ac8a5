import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addBusinessDays, isoDateOf } from '../../functions/shared/business-days.js';
import { addBusinessFunctions } from './business-function-support.js';
import { runFollowUps } from './follow-up-support.js';
import {
  acceptedAtTriage,
  apiFetch,
  approvalEmailOf,
  call,
  eventually,
  fundBudget,
  postForm,
  readOutbox,
  requestInStatus,
  tokenFor,
  validRequestBody,
} from './support.js';

// Reminders and escalation against the local cloud, time moved by running the follow-up job
// with a later scheduled time. This file's business functions (ZREM_*) and fiscal year
// (FY2060) are its own; the demo policy gives their requests below 50,000.00 one step, the head
// of the business function, escalating to the head of STRATEGY (the default).
const FIRST = 'ZREM_A';
const SECOND = 'ZREM_B';
const STRATEGY_HEAD = { name: 'Claire Dubois', email: 'claire.dubois@techops.example' };
const headOf = (code: string) => ({
  name: `Head of ${code}`,
  email: `${code.toLowerCase()}@techops.example`,
});

let admin: string;

beforeAll(async () => {
  await addBusinessFunctions([FIRST, SECOND], 'Reminders');
  await fundBudget('FY2060', { [FIRST]: '100000.00', [SECOND]: '100000.00' });
  admin = await tokenFor({ groups: ['admin'], businessFunction: 'STRATEGY' });
});

/** A 1,000.00 request of the business function, accepted at triage: waiting on its head. */
async function waitingOnHead(code: string) {
  const requester = await tokenFor({ groups: ['requester'], businessFunction: code });
  const submitted = await call('POST', '/requests', {
    token: requester,
    body: validRequestBody({
      businessFunction: code,
      title: `Reminders ${code} ${Date.now()}`,
      estimatedCost: { amount: '1000.00', currency: 'USD' },
      startDate: '2060-03-01',
      endDate: '2060-06-30',
    }),
  });
  expect(submitted.status, submitted.text).toBe(201);
  const asked = await acceptedAtTriage(submitted.body.id);
  const step = asked.body.approvalChain.steps[0];
  const head = headOf(code);
  const { link } = await approvalEmailOf(submitted.body.id, undefined, head.email);
  return {
    id: submitted.body.id as string,
    requester,
    approvalId: step.approvalIds[0] as string,
    askedAt: new Date(step.requestedAt),
    head,
    headToken: await tokenFor({ ...head, groups: ['approver'] }),
    link,
  };
}

/** The approval as its approver lists it. */
async function approvalAsListed(token: string, approvalId: string) {
  const listed = await call('GET', '/approvals?status=PENDING&limit=100', { token });
  return listed.body.items.find((approval: { id: string }) => approval.id === approvalId);
}

const emailsAbout = (requestId: string, subjectStart: string, to: string) =>
  readOutbox().filter(
    (mail) => mail.subject.startsWith(subjectStart) && mail.text.includes(requestId) && mail.to.includes(to),
  );

/** The holidays of a year's calendar (none when it has no calendar), and its ETag. */
async function calendarOf(year: number) {
  const response = await call('GET', `/holiday-calendars/${year}`, { token: admin });
  return response.status === 200
    ? {
        holidays: response.body.holidays as { date: string; name: string }[],
        etag: response.headers.get('etag'),
      }
    : { holidays: [], etag: null };
}

async function putCalendar(year: number, holidays: { date: string; name: string }[]) {
  const { etag } = await calendarOf(year);
  const put = await call('PUT', `/holiday-calendars/${year}`, {
    token: admin,
    body: { holidays },
    ...(etag ? { headers: { 'If-Match': etag } } : {}),
  });
  expect(put.status, put.text).toBeLessThan(300);
}

describe('reminders and escalation of a pending step', { timeout: 180_000 }, () => {
  const thisYear = new Date().getUTCFullYear();
  const restore: { year: number; holidays: { date: string; name: string }[] }[] = [];
  afterAll(async () => {
    for (const { year, holidays } of restore) await putCalendar(year, holidays);
  });

  it('reminds after the business days the policy sets, skipping a holiday of the calendar, stops after the maximum, and escalates at the deadline to an approver whose decision counts', async () => {
    // A holiday on the next business day: the reminders and the deadline move by a day.
    const calendars = [await calendarOf(thisYear), await calendarOf(thisYear + 1)];
    const existing = new Set(
      calendars.flatMap((calendar) => calendar.holidays.map((holiday) => holiday.date)),
    );
    const holiday = isoDateOf(addBusinessDays(new Date(), 1, existing));
    const holidayYear = Number(holiday.slice(0, 4));
    const before = calendars[holidayYear - thisYear] ?? { holidays: [] };
    restore.push({ year: holidayYear, holidays: before.holidays });
    await putCalendar(holidayYear, [...before.holidays, { date: holiday, name: 'Reminders test holiday' }]);
    const holidays = new Set([...existing, holiday]);

    const request = await waitingOnHead(FIRST);
    const at = (days: number, from = request.askedAt) => addBusinessDays(from, days, holidays);
    const firstReminder = at(2);
    const listed = await approvalAsListed(request.headToken, request.approvalId);
    const withoutTheHoliday = addBusinessDays(request.askedAt, 2, existing);
    const early = await runFollowUps(withoutTheHoliday, [FIRST]);
    const first = await runFollowUps(firstReminder, [FIRST]);
    const again = await runFollowUps(firstReminder, [FIRST]);

    expect(withoutTheHoliday.getTime()).toBeLessThan(firstReminder.getTime());
    expect(listed.reminders).toEqual({ sent: 0, max: 3, nextAt: firstReminder.toISOString() });
    expect(listed.escalatesAt).toBe(at(5).toISOString());
    expect(early.reminded).not.toContain(request.approvalId);
    expect(first.reminded).toEqual([request.approvalId]);
    expect(again.reminded).toEqual([]);
    const [reminder] = emailsAbout(request.id, 'Reminder:', request.head.email);
    const freshLink = reminder?.links.find((link) => link.includes('/approvals/'));
    expect(freshLink).toBeDefined();
    expect(freshLink).not.toBe(request.link);
    expect((await apiFetch(freshLink as string)).status).toBe(200);
    expect((await apiFetch(request.link)).status).toBe(200);

    const secondReminder = at(2, firstReminder);
    const second = await runFollowUps(secondReminder, [FIRST]);
    const escalation = await runFollowUps(at(5), [FIRST]);
    const thirdReminder = at(2, secondReminder);
    const third = await runFollowUps(thirdReminder, [FIRST]);
    const later = await runFollowUps(at(20, thirdReminder), [FIRST]);

    expect(second.reminded).toEqual([request.approvalId]);
    expect(escalation).toMatchObject({ escalated: [request.approvalId], reminded: [] });
    expect(third.reminded).toEqual([request.approvalId]);
    expect(later).toMatchObject({ reminded: [], escalated: [] });
    expect(emailsAbout(request.id, 'Reminder:', request.head.email)).toHaveLength(3);
    const escalated = await call('GET', `/requests/${request.id}`, { token: request.requester });
    const step = escalated.body.approvalChain.steps[0];
    expect(step.approvers).toEqual([request.head, STRATEGY_HEAD]);
    expect(step.escalatedAt).toBe(at(5).toISOString());
    expect(emailsAbout(request.id, 'Escalated:', request.head.email)).toHaveLength(1);
    const [asked] = emailsAbout(request.id, 'Escalated: Approval needed', STRATEGY_HEAD.email);
    const history = await call('GET', `/requests/${request.id}/history?limit=100`, { token: admin });
    const actions = history.body.items.map((event: { action: string }) => event.action);
    expect(actions.filter((action: string) => action === 'APPROVAL_REMINDED')).toHaveLength(3);
    expect(actions.filter((action: string) => action === 'APPROVAL_ESCALATED')).toHaveLength(1);

    const decided = await postForm(asked?.links.find((link) => link.includes('/approvals/')) as string, {
      reviewed: 'yes',
      decision: 'APPROVED',
    });

    expect(decided.status, decided.text).toBe(200);
    const approved = await requestInStatus(request.requester, request.id, 'APPROVED');
    expect(approved.body.approvalChain.steps[0]).toMatchObject({
      status: 'APPROVED',
      decidedBy: STRATEGY_HEAD,
    });
    expect((await apiFetch(request.link)).status).toBe(410);
  });

  it("lets the step's approver decide after the escalation: the escalation approver's link stops working and nothing more is sent", async () => {
    const request = await waitingOnHead(SECOND);
    const listed = await approvalAsListed(request.headToken, request.approvalId);

    const escalation = await runFollowUps(new Date(listed.escalatesAt), [SECOND]);
    const asked = await eventually(
      () => emailsAbout(request.id, 'Escalated: Approval needed', STRATEGY_HEAD.email)[0],
      'the escalation email',
    );
    const decided = await call('POST', `/approvals/${request.approvalId}/decision`, {
      token: request.headToken,
      body: { decision: 'APPROVED' },
    });
    const after = await runFollowUps(new Date(Date.parse(listed.escalatesAt) + 30 * 86_400_000), [SECOND]);

    expect(escalation.escalated).toEqual([request.approvalId]);
    expect(decided.status, decided.text).toBe(200);
    const approved = await requestInStatus(request.requester, request.id, 'APPROVED');
    expect(approved.body.approvalChain.steps[0]).toMatchObject({
      status: 'APPROVED',
      decidedBy: request.head,
    });
    expect((await apiFetch(asked.links.find((link) => link.includes('/approvals/')) as string)).status).toBe(
      410,
    );
    expect(after).toMatchObject({ reminded: [], escalated: [] });
  });
});
