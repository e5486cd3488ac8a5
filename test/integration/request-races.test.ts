import { beforeAll, describe, expect, it } from 'vitest';
import {
  approvedRequest,
  assertInvariants,
  decideByApi,
  decideByLink,
  inTriageRequest,
  pendingRequest,
  type RequestUnderTest,
  recordActual,
  type Stage,
  stage,
  triageBy,
  withdraw,
} from './lifecycle-support.js';
import {
  acceptedAtTriage,
  approvalEmailOf,
  call,
  createVendor,
  pendingApprovalOf,
  postForm,
  requestInStatus,
  tokenFor,
  validRequestBody,
} from './support.js';

// Every pair of operations that can meet on one request, run at once many times against the
// local cloud; after each batch the lifecycle's invariants must hold (the chain agreeing with
// its approvals among them). This file works on DIGITAL's
// line in FY2031 only.
const RUNS = 25;
/** Trials run this many at a time: more interleavings per second, each still a tight race. */
const BATCH = 5;

let on: Stage;
/** A high-risk vendor: the demo policy adds the QA_LEADS group's step for it. */
let highRiskVendorId: string;

beforeAll(async () => {
  on = await stage('FY2031', 'DIGITAL');
  highRiskVendorId = await createVendor('Race High Risk Partners', undefined, 'HIGH');
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** 0-40 ms: the window in which the probe found the races. */
const jitter = () => pause(Math.floor(Math.random() * 40));
const ok = (status: number) => status >= 200 && status < 300;

const QA_LEADS = ['amara.nwosu@techops.example', 'lars.becker@techops.example'] as const;

/** A 60,000.00 request waiting at the first of its two steps (the function head, then STRATEGY's). */
async function firstOfTwoSteps(): Promise<RequestUnderTest> {
  const requester = await tokenFor({ groups: ['requester'], businessFunction: on.businessFunction });
  const submitted = await call('POST', '/requests', {
    token: requester,
    body: validRequestBody({
      businessFunction: on.businessFunction,
      estimatedCost: { amount: '60000.00', currency: 'USD' },
      startDate: '2031-03-01',
      endDate: '2031-06-30',
    }),
  });
  await acceptedAtTriage(submitted.body.id);
  const waiting = await requestInStatus(requester, submitted.body.id, 'IN_APPROVAL');
  const { id: approvalId, approver } = pendingApprovalOf(waiting.body);
  const { link } = await approvalEmailOf(submitted.body.id, undefined, approver.email);
  return {
    id: submitted.body.id,
    amount: '60000.00',
    requester,
    approvalId,
    approver: await tokenFor({ ...approver, groups: ['approver'] }),
    link,
  };
}

/** Runs `trial` RUNS times, BATCH at a time, on fresh requests, then checks the invariants. */
async function race(
  prepare: () => Promise<RequestUnderTest>,
  trial: (request: RequestUnderTest, index: number) => Promise<void>,
): Promise<void> {
  for (let start = 0; start < RUNS; start += BATCH) {
    const count = Math.min(BATCH, RUNS - start);
    const requests = await Promise.all(Array.from({ length: count }, prepare));
    await Promise.all(requests.map((request, index) => trial(request, start + index)));
    await assertInvariants(on, requests);
  }
}

describe('racing operations on one request', { timeout: 600_000 }, () => {
  it('lets exactly one of a decision by link and one by API win', async () => {
    await race(
      () => pendingRequest(on),
      async (request, index) => {
        const [byLink, byApi] = await Promise.all([
          decideByLink(request, index % 2 ? 'APPROVED' : 'REJECTED'),
          jitter().then(() => decideByApi(request, index % 2 ? 'REJECTED' : 'APPROVED')),
        ]);

        expect([byLink.status, byApi.status].filter(ok)).toHaveLength(1);
      },
    );
  });

  it('lets exactly one member of a group step decide it', async () => {
    await race(
      () => pendingRequest({ ...on, vendorId: highRiskVendorId }),
      async (request, index) => {
        const [amara, lars] = await Promise.all([
          approvalEmailOf(request.id, undefined, QA_LEADS[0]),
          approvalEmailOf(request.id, undefined, QA_LEADS[1]),
        ]);
        const decision = index % 2 ? 'APPROVED' : 'REJECTED';

        const [first, second] = await Promise.all([
          postForm(amara.link, { reviewed: 'yes', decision, comment: 'First' }),
          jitter().then(() => postForm(lars.link, { reviewed: 'yes', decision: 'APPROVED' })),
        ]);

        // The other member's approval is voided with the decision: 410, or 409 if it read it decided.
        expect([first.status, second.status].filter(ok), `${first.status} ${second.status}`).toHaveLength(1);
        expect([409, 410]).toContain([first.status, second.status].find((status) => !ok(status)));
      },
    );
  });

  it("never leaves a withdrawn request's next step asked when a step's approval and a withdrawal race", async () => {
    // From 50,000.00 the demo policy asks the head of STRATEGY after the function head.
    await race(
      () => firstOfTwoSteps(),
      async (request, index) => {
        const [decision, withdrawal] = await Promise.all([
          index % 2 ? decideByLink(request, 'APPROVED') : decideByApi(request, 'APPROVED'),
          pause(Math.floor(Math.random() * 300)).then(() => withdraw(request)),
        ]);

        expect(withdrawal.status, withdrawal.text).toBe(200);
        expect([200, 409, 410]).toContain(decision.status);
      },
    );
  });

  it('lets exactly one of two triagers deciding at once decide', async () => {
    await race(
      () => inTriageRequest(on),
      async (request, index) => {
        const redirect = {
          outcome: 'REDIRECT_INTERNAL',
          note: 'Inside.',
          internalCapabilityId: 'DATA_OFFICE',
        };
        const decline = { outcome: 'DECLINE', note: 'Not needed.' };
        const [first, second] = await Promise.all([
          triageBy(0, request, index % 2 ? redirect : decline),
          jitter().then(() => triageBy(1, request, index % 2 ? decline : redirect)),
        ]);

        expect([first.status, second.status].filter(ok), `${first.status} ${second.status}`).toHaveLength(1);
        expect([first.status, second.status].find((status) => !ok(status))).toBe(409);
        const winner = ok(first.status) ? first : second;
        const read = await requestInStatus(request.requester, request.id, winner.body.status);
        expect(read.body.triage.decidedBy.email).toBe(winner.body.triage.decidedBy.email);
      },
    );
  });

  it('never leaves a withdrawn request asked when a triage acceptance and a withdrawal race', async () => {
    await race(
      () => inTriageRequest(on),
      async (request) => {
        const [acceptance, withdrawal] = await Promise.all([
          triageBy(0, request, { outcome: 'ACCEPT', note: 'Go ahead.' }),
          pause(Math.floor(Math.random() * 200)).then(() => withdraw(request)),
        ]);

        expect(withdrawal.status, withdrawal.text).toBe(200);
        expect([200, 409]).toContain(acceptance.status);
      },
    );
  });

  it('never returns a withdrawn request to triage when a resubmission and a withdrawal race', async () => {
    await race(
      async () => {
        const request = await inTriageRequest(on);
        const asked = await triageBy(1, request, {
          outcome: 'NEEDS_INFO',
          note: 'Why?',
          questions: ['Why now?'],
        });
        expect(asked.status, asked.text).toBe(200);
        return request;
      },
      async (request) => {
        const [resubmission, withdrawal] = await Promise.all([
          call('POST', `/requests/${request.id}/resubmit`, {
            token: request.requester,
            body: { response: 'Because of the audit.' },
          }),
          jitter().then(() => withdraw(request)),
        ]);

        expect(withdrawal.status, withdrawal.text).toBe(200);
        expect([200, 409]).toContain(resubmission.status);
        const read = await requestInStatus(request.requester, request.id, 'WITHDRAWN');
        expect(read.body.status).toBe('WITHDRAWN');
      },
    );
  });

  it('never leaves money committed when a decision and a withdrawal race', async () => {
    await race(
      () => pendingRequest(on),
      async (request, index) => {
        const [decision, withdrawal] = await Promise.all([
          index % 2 ? decideByLink(request, 'APPROVED') : decideByApi(request, 'APPROVED'),
          jitter().then(() => withdraw(request)),
        ]);

        // The withdrawal reads a decision that landed first again and withdraws all the same.
        expect(withdrawal.status, withdrawal.text).toBe(200);
        expect([200, 409, 410]).toContain(decision.status);
      },
    );
  });

  it('never leaves money committed when the commitment and a withdrawal race', async () => {
    await race(
      () => pendingRequest(on),
      async (request) => {
        const decision = await decideByApi(request, 'APPROVED');
        expect(decision.status).toBe(200);
        // The workflow commits within a few hundred milliseconds of the decision: withdraw around it.
        await pause(Math.floor(Math.random() * 400));

        const withdrawal = await withdraw(request);

        expect(withdrawal.status, withdrawal.text).toBe(200);
      },
    );
  });

  it('never settles a withdrawn request, nor withdraws a settled one twice', async () => {
    await race(
      () => pendingRequest(on),
      async (request) => {
        const decision = await decideByApi(request, 'REJECTED');
        expect(decision.status).toBe(200);
        await pause(Math.floor(Math.random() * 400));

        const withdrawal = await withdraw(request);

        // Withdrawn before the workflow settled it, or refused because it is REJECTED already.
        expect([200, 409]).toContain(withdrawal.status);
      },
    );
  });

  it('never commits when a budget refusal and a withdrawal race', async () => {
    // More than the line was given: the approval is refused its commitment (BUDGET_EXCEEDED).
    await race(
      () => pendingRequest(on, '200000000.00'),
      async (request) => {
        const decision = await decideByApi(request, 'APPROVED');
        expect(decision.status).toBe(200);
        await pause(Math.floor(Math.random() * 400));

        const withdrawal = await withdraw(request);

        // Withdrawn before the workflow settled it, or refused because it is BUDGET_EXCEEDED already.
        expect([200, 409]).toContain(withdrawal.status);
      },
    );
  });

  it('records an actual only while its request is still approved', async () => {
    await race(
      () => approvedRequest(on),
      async (request, index) => {
        const [actual, withdrawal] = await Promise.all([
          recordActual(on, request, `RACE-W-${request.id}-${index}`, '300.00'),
          jitter().then(() => withdraw(request)),
        ]);

        expect(withdrawal.status, withdrawal.text).toBe(200);
        expect([201, 409]).toContain(actual.status);
      },
    );
  });

  it('counts the same invoice once when it is recorded twice at once', async () => {
    await race(
      () => approvedRequest(on),
      async (request) => {
        const invoice = `RACE-I-${request.id}`;
        const [first, second] = await Promise.all([
          recordActual(on, request, invoice, '300.00'),
          jitter().then(() => recordActual(on, request, invoice, '300.00')),
        ]);

        expect([first.status, second.status].sort()).toEqual([200, 201]);
        expect(first.body.id).toBe(second.body.id);
      },
    );
  });
});
