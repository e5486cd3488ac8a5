import { beforeAll, describe, expect, it } from 'vitest';
import { expectLedgersMatchLines, ledgerOfLine } from './budget-support.js';
import { addBusinessFunctions } from './business-function-support.js';
import { type FollowUpOutcome, runFollowUps } from './follow-up-support.js';
import {
  approvedRequest,
  assertInvariants,
  budgetException,
  cents,
  decideByApi,
  decideByLink,
  decideExceptionByApi,
  inTriageRequest,
  pendingRequest,
  type RequestUnderTest,
  recordActual,
  type Stage,
  settled,
  stage,
  triageBy,
  withdraw,
} from './lifecycle-support.js';
import {
  acceptedAtTriage,
  approvalEmailOf,
  call,
  createVendor,
  currentStepOf,
  fundBudget,
  pendingApprovalOf,
  postForm,
  readOutbox,
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

  it('never leaves a withdrawn request waiting on its requester when a send-back and a withdrawal race', async () => {
    await race(
      () => pendingRequest(on),
      async (request, index) => {
        const [sendBack, withdrawal] = await Promise.all([
          index % 2 ? decideByLink(request, 'SEND_BACK') : decideByApi(request, 'SEND_BACK'),
          jitter().then(() => withdraw(request)),
        ]);

        // A send-back that landed first leaves CHANGES_REQUESTED, which is withdrawn all the same.
        expect(withdrawal.status, withdrawal.text).toBe(200);
        expect([200, 409, 410]).toContain(sendBack.status);
      },
    );
  });

  it('never asks a withdrawn request again when a resubmission after a send-back and a withdrawal race', async () => {
    await race(
      async () => {
        const request = await pendingRequest(on);
        const sent = await decideByApi(request, 'SEND_BACK');
        expect(sent.status, sent.text).toBe(200);
        await requestInStatus(request.requester, request.id, 'CHANGES_REQUESTED');
        return request;
      },
      async (request) => {
        const [resubmission, withdrawal] = await Promise.all([
          call('POST', `/requests/${request.id}/resubmit`, {
            token: request.requester,
            body: { response: 'Lowered.' },
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

// Budget controls racing approvals: FY2088's ENG and SC lines (four eyes above 100.00), closed
// by the last pair into FY2089. Nobody else budgets either year.
describe('racing budget controls against approvals', { timeout: 600_000 }, () => {
  let budgetOn: Stage;
  let secondFinance: string;

  beforeAll(async () => {
    budgetOn = await stage('FY2088', 'ENG');
    await fundBudget('FY2088', { SC: '1500.00' });
    await fundBudget('FY2089', { ENG: '100000000.00' });
    const threshold = await call('PUT', '/budgets/FY2088', {
      token: budgetOn.admin,
      body: {
        amount: '900000000.00',
        currency: 'USD',
        fourEyesThreshold: { amount: '100.00', currency: 'USD' },
      },
    });
    expect(threshold.status, threshold.text).toBe(200);
    secondFinance = await tokenFor({ groups: ['finance'], businessFunction: 'FINANCE' });
  });

  const pendingTransfer = async (from: string, to: string, amount: string) => {
    const created = await call('POST', '/budgets/FY2088/transfers', {
      token: budgetOn.admin,
      body: { from, to, amount: { amount, currency: 'USD' }, reason: 'Race' },
    });
    if (created.status !== 202) throw new Error(`Transfer: ${created.status} ${created.text}`);
    return created.body.transferId as string;
  };
  const approveTransfer = (transferId: string, token: string) =>
    call('POST', `/budgets/FY2088/transfers/${transferId}/decision`, {
      token,
      body: { decision: 'APPROVE' },
    });

  it('lets exactly one of two approvers of a pending transfer execute it', async () => {
    for (let start = 0; start < RUNS; start += BATCH) {
      const transferIds = await Promise.all(
        Array.from({ length: BATCH }, () => pendingTransfer('ENG', 'SC', '200.00')),
      );

      const outcomes = await Promise.all(
        transferIds.map((transferId) =>
          Promise.all([
            approveTransfer(transferId, budgetOn.finance),
            jitter().then(() => approveTransfer(transferId, secondFinance)),
          ]),
        ),
      );

      for (const [first, second] of outcomes) {
        expect([first.status, second.status].sort(), `${first.text} ${second.text}`).toEqual([200, 409]);
      }
      const entries = await ledgerOfLine(budgetOn.admin, 'FY2088', 'ENG');
      for (const transferId of transferIds) {
        expect(entries.filter((entry) => entry.transferId === transferId)).toHaveLength(1);
      }
      await expectLedgersMatchLines(budgetOn.admin, 'FY2088', ['ENG', 'SC']);
    }
  });

  it("never lets a transfer's approval and a request's commitment both spend a line's last room", async () => {
    // SC has 1,500.00 available at each trial: room for the request (1,000.00) or the transfer, not both.
    const msat = { ...budgetOn, businessFunction: 'SC' };
    for (let trial = 0; trial < 8; trial++) {
      const view = await call('GET', '/budgets/FY2088', { token: budgetOn.admin });
      const line = view.body.lines.find(
        (candidate: { businessFunction: string }) => candidate.businessFunction === 'SC',
      );
      const topUp = cents('1500.00') - cents(line.available.amount);
      const allocated = cents(line.allocated.amount) + topUp;
      const allocation = await call('PUT', '/budgets/FY2088/allocations/SC', {
        token: budgetOn.admin,
        body: { amount: `${allocated / 100n}.${String(allocated % 100n).padStart(2, '0')}`, currency: 'USD' },
      });
      expect(allocation.status, allocation.text).toBe(200);
      const request = await pendingRequest(msat);
      const transferId = await pendingTransfer('SC', 'ENG', '1000.00');

      const [decision, transfer] = await Promise.all([
        decideByApi(request, 'APPROVED'),
        pause(Math.floor(Math.random() * 400)).then(() => approveTransfer(transferId, budgetOn.finance)),
      ]);

      expect(decision.status).toBe(200);
      // The transfer won: the request's budget exception is rejected (no line funds it here).
      const exception = await budgetException(request);
      if (exception) expect((await decideExceptionByApi(exception)).status).toBe(200);
      const settledRequest = await settled(request);
      const requestCommitted = settledRequest.status === 'APPROVED';
      expect(
        [transfer.status === 200, requestCommitted].filter(Boolean),
        `${transfer.text} ${settledRequest.status}`,
      ).toHaveLength(1);
      if (!requestCommitted) expect(settledRequest.status).toBe('BUDGET_EXCEEDED');
      else expect(transfer.status).toBe(409);
      await expectLedgersMatchLines(budgetOn.admin, 'FY2088', ['ENG', 'SC']);
    }
  });

  it('carries a commitment that lands before the close and refuses one after it: never lost, never counted twice', async () => {
    const requests = await Promise.all(Array.from({ length: 8 }, () => pendingRequest(budgetOn, '1000.00')));

    const [decisions, close] = await Promise.all([
      Promise.all(requests.map((request) => jitter().then(() => decideByApi(request, 'APPROVED')))),
      pause(Math.floor(Math.random() * 600)).then(() =>
        call('POST', '/budgets/FY2088/close', { token: budgetOn.admin }),
      ),
    ]);

    expect(decisions.map((decision) => decision.status)).toEqual(requests.map(() => 200));
    expect(close.status, close.text).toBe(200);
    const statuses = (await Promise.all(requests.map(settled))).map((request) => String(request.status));
    const closed = await ledgerOfLine(budgetOn.admin, 'FY2088', 'ENG');
    const next = await ledgerOfLine(budgetOn.admin, 'FY2089', 'ENG');
    for (const [index, request] of requests.entries()) {
      const kinds = (entries: typeof closed) =>
        entries
          .filter((entry) => entry.requestId === request.id)
          .map((entry) => `${entry.kind} ${entry.amount.amount}`);
      if (statuses[index] === 'APPROVED') {
        expect(kinds(closed).sort(), request.id).toEqual(['CARRY_FORWARD_OUT 1000.00', 'COMMITMENT 1000.00']);
        expect(kinds(next), request.id).toEqual(['CARRY_FORWARD_IN 1000.00']);
      } else {
        expect(statuses[index], request.id).toBe('BUDGET_EXCEEDED');
        expect([...kinds(closed), ...kinds(next)], request.id).toEqual([]);
      }
    }
    await expectLedgersMatchLines(budgetOn.admin, 'FY2088', ['ENG', 'SC']);
    await expectLedgersMatchLines(budgetOn.admin, 'FY2089', ['ENG']);
  });
});

// A delegation that starts moves its delegator's pending approvals to the delegate while the
// delegator decides them: DELEGATION_RACE's line in FY2066, this file's own.
describe('racing a delegation against the delegator deciding', { timeout: 600_000 }, () => {
  const DELEGATION_RACE = 'DELEGATION_RACE';
  const head = { name: `Head of ${DELEGATION_RACE}`, email: 'delegation_race@techops.example' };
  const stand = { name: 'Rae Standby', email: 'rae.standby@techops.example' };
  let raceOn: Stage;

  beforeAll(async () => {
    await addBusinessFunctions([DELEGATION_RACE], 'Delegation race');
    raceOn = await stage('FY2066', DELEGATION_RACE);
  });

  it('leaves exactly one decision and no approval stranded when a delegation moves an approval being decided', async () => {
    const [headToken, standToken] = await Promise.all([
      tokenFor({ ...head, sub: 'race-head', groups: ['approver'] }),
      tokenFor({ ...stand, sub: 'race-stand', groups: ['approver'] }),
    ]);
    for (let start = 0; start < RUNS; start += BATCH) {
      const requests = await Promise.all(Array.from({ length: BATCH }, () => pendingRequest(raceOn)));

      const [delegation, ...decisions] = await Promise.all([
        call('PUT', '/me/delegations', {
          token: headToken,
          body: {
            delegate: stand,
            // From now: the previous batch's delegation ended just before.
            startsAt: new Date().toISOString(),
            endsAt: new Date(Date.now() + 3_600_000).toISOString(),
            reason: 'Race',
          },
        }),
        ...requests.map((request, index) =>
          pause(Math.floor(Math.random() * 150)).then(() =>
            index % 2 ? decideByLink(request, 'APPROVED') : decideByApi(request, 'REJECTED'),
          ),
        ),
      ]);

      expect(delegation.status, delegation.text).toBe(201);
      let moved = 0;
      for (const [index, request] of requests.entries()) {
        const decision = decisions[index] as { status: number; text: string };
        const read = await call('GET', `/requests/${request.id}`, { token: request.requester });
        const step = currentStepOf(read.body);
        if (ok(decision.status)) {
          // Decided first: the delegation found nothing pending to move.
          expect(step.approvers, decision.text).toEqual([head]);
          expect(step.delegations).toBeUndefined();
          continue;
        }
        expect(decision.status, decision.text).toBe(410);
        expect(step).toMatchObject({ status: 'PENDING', approvers: [stand] });
        moved += 1;
        const byStand = await call('POST', `/approvals/${step.approvalIds?.[0]}/decision`, {
          token: standToken,
          body: { decision: 'APPROVED' },
        });
        expect(byStand.status, byStand.text).toBe(200);
      }
      expect(delegation.body.reassignedApprovals).toBe(moved);
      await assertInvariants(raceOn, requests);
      const pendingOnHead = await call('GET', '/approvals', { token: headToken });
      expect(pendingOnHead.body.items).toEqual([]);
      const ended = await call('POST', `/me/delegations/${delegation.body.id}/end`, { token: headToken });
      expect(ended.status, ended.text).toBe(200);
    }
  });
});

// The over-budget exception route racing: FY2037's DIGITAL line (emptied before each batch,
// each request asks 1,000.00) and MFG's, which funds each exception. Nobody else budgets the year.
describe('racing budget exception decisions', { timeout: 600_000 }, () => {
  let exceptionOn: Stage;

  beforeAll(async () => {
    exceptionOn = await stage('FY2037', 'DIGITAL');
    await fundBudget('FY2037', { DIGITAL: '1000.00', MFG: '1000000.00' });
  });

  /**
   * 1,000.00 more than DIGITAL has available: what it has (given back by withdrawals of funded
   * requests) goes back to MFG first, so each exception asks MFG for 1,000.00 and MFG never runs dry.
   */
  async function beyondAvailable(): Promise<string> {
    const view = await call('GET', '/budgets/FY2037', { token: exceptionOn.admin });
    const line = view.body.lines.find(
      (candidate: { businessFunction: string }) => candidate.businessFunction === 'DIGITAL',
    );
    if (cents(line.available.amount) > 0n) {
      const back = await call('POST', '/budgets/FY2037/transfers', {
        token: exceptionOn.admin,
        body: { from: 'DIGITAL', to: 'MFG', amount: line.available, reason: 'Race reset' },
      });
      expect(back.status, back.text).toBe(201);
    }
    return '1000.00';
  }

  /** A request beyond DIGITAL's available, its chain approved, waiting on its budget exception step. */
  async function exceptionPending(amount: string): Promise<RequestUnderTest> {
    const request = await pendingRequest(exceptionOn, amount);
    expect((await decideByApi(request, 'APPROVED')).status).toBe(200);
    const exception = await budgetException(request);
    if (!exception) {
      const stored = await call('GET', `/requests/${request.id}`, { token: request.requester });
      const { status, failure, budgetRefusal } = stored.body;
      throw new Error(
        `${request.id} got no budget exception step: ${JSON.stringify({ status, failure, budgetRefusal })}`,
      );
    }
    return exception;
  }

  it('never leaves money committed or transferred for nothing when funding races a withdrawal', async () => {
    for (let start = 0; start < RUNS; start += BATCH) {
      const amount = await beyondAvailable();
      const requests = await Promise.all(Array.from({ length: BATCH }, () => exceptionPending(amount)));

      const outcomes = await Promise.all(
        requests.map((request) =>
          Promise.all([decideExceptionByApi(request, 'MFG'), jitter().then(() => withdraw(request))]),
        ),
      );

      for (const [funding, withdrawal] of outcomes) {
        // Withdrawn first (the approval voided: 410, or 409 if read changed), or funded first and
        // then withdrawn from APPROVED (the commitment released; the transfer stays made).
        expect([200, 409, 410], funding.text).toContain(funding.status);
        expect([200, 409], withdrawal.text).toContain(withdrawal.status);
        expect([funding.status, withdrawal.status].filter(ok).length).toBeGreaterThan(0);
      }
      await assertInvariants(exceptionOn, requests);
      await expectLedgersMatchLines(exceptionOn.admin, 'FY2037', ['DIGITAL', 'MFG']);
    }
  });

  it('lets exactly one of two clicks on the exception link decide, funding once', async () => {
    for (let start = 0; start < RUNS; start += BATCH) {
      const amount = await beyondAvailable();
      const requests = await Promise.all(Array.from({ length: BATCH }, () => exceptionPending(amount)));

      const outcomes = await Promise.all(
        requests.map((request) => {
          const fund = { reviewed: 'yes', decision: 'FUND_BY_TRANSFER', fundFrom: 'MFG' };
          return Promise.all([
            postForm(request.link, fund),
            jitter().then(() => postForm(request.link, fund)),
          ]);
        }),
      );

      for (const [first, second] of outcomes) {
        expect([first.status, second.status].sort(), `${first.status} ${second.status}`).toEqual([200, 409]);
      }
      await assertInvariants(exceptionOn, requests);
      const transfers = (await ledgerOfLine(exceptionOn.admin, 'FY2037', 'MFG')).filter(
        (entry) => entry.kind === 'TRANSFER_OUT',
      );
      const committed = (await ledgerOfLine(exceptionOn.admin, 'FY2037', 'DIGITAL')).filter(
        (entry) => entry.kind === 'COMMITMENT' && requests.some((request) => request.id === entry.requestId),
      );
      expect(committed).toHaveLength(requests.length);
      expect(new Set(transfers.map((entry) => entry.transferId)).size).toBe(transfers.length);
      await expectLedgersMatchLines(exceptionOn.admin, 'FY2037', ['DIGITAL', 'MFG']);
    }
  });
});

// The follow-up job (moved to the step's due time) racing the approver's decision: ZREM_RACE's
// line in FY2062, this file's own. The job runs for that business function only.
describe('racing reminders and escalation against the decision', { timeout: 600_000 }, () => {
  const ZREM_RACE = 'ZREM_RACE';
  const strategyHead = { name: 'Claire Dubois', email: 'claire.dubois@techops.example' };
  let raceOn: Stage;

  beforeAll(async () => {
    await addBusinessFunctions([ZREM_RACE], 'Follow-up race');
    raceOn = await stage('FY2062', ZREM_RACE);
  });

  /** BATCH pending requests, each with its approval as its approver lists it (due times included). */
  async function pendingWithDueTimes() {
    const requests = await Promise.all(Array.from({ length: BATCH }, () => pendingRequest(raceOn)));
    const listed = await Promise.all(
      requests.map(async (request) => {
        const page = await call('GET', '/approvals?limit=100', { token: request.approver });
        return page.body.items.find((approval: { id: string }) => approval.id === request.approvalId);
      }),
    );
    return requests.map((request, index) => ({ request, listed: listed[index] }));
  }

  const actionsOf = async (request: RequestUnderTest) => {
    const history = await call('GET', `/requests/${request.id}/history?limit=100`, { token: raceOn.admin });
    return history.body.items.map((event: { action: string }) => event.action) as string[];
  };

  /**
   * BATCH pending requests, each decided (by link and by API in turn) while the job runs at the
   * time `dueOf` reads from its approval; each decision's answer, and what the batch's runs did
   * together (each run follows up every due approval of the business function).
   */
  async function decidedWhileFollowedUp(
    dueOf: (listed: { escalatesAt: string; reminders: { nextAt: string } }) => string,
    rejectByApi: boolean,
  ) {
    const batch = await pendingWithDueTimes();
    const outcomes = await Promise.all(
      batch.map(({ request, listed }, index) =>
        Promise.all([
          jitter().then(() =>
            index % 2
              ? decideByLink(request, 'APPROVED')
              : decideByApi(request, rejectByApi ? 'REJECTED' : 'APPROVED'),
          ),
          runFollowUps(new Date(dueOf(listed)), [ZREM_RACE]),
        ]),
      ),
    );
    const runs = outcomes.map(([, followUp]) => followUp as FollowUpOutcome);
    return {
      requests: batch.map(({ request }) => request),
      decisions: outcomes.map(([decision]) => decision as { status: number; text: string }),
      escalated: runs.flatMap((run) => run.escalated),
      reminded: runs.flatMap((run) => run.reminded),
    };
  }

  it("lets exactly one decision count when the step's escalation and its approver's decision race", async () => {
    for (let start = 0; start < RUNS; start += BATCH) {
      const {
        requests,
        decisions,
        escalated: escalatedIds,
      } = await decidedWhileFollowedUp((listed) => listed.escalatesAt, true);

      for (const [index, request] of requests.entries()) {
        const decision = decisions[index] as { status: number; text: string };
        // An escalation that landed first leaves the decision to go ahead: it always counts.
        expect(decision.status, decision.text).toBe(200);
        const stored = await settled(request);
        const step = currentStepOf(stored);
        expect(step.decidedBy, request.id).toMatchObject({
          email: `${ZREM_RACE.toLowerCase()}@techops.example`,
        });
        const escalated = escalatedIds.includes(request.approvalId);
        expect(step.approvers.map((person) => person.email)).toEqual([
          `${ZREM_RACE.toLowerCase()}@techops.example`,
          ...(escalated ? [strategyHead.email] : []),
        ]);
        expect((await actionsOf(request)).filter((action) => action === 'APPROVAL_ESCALATED')).toHaveLength(
          escalated ? 1 : 0,
        );
      }
      await assertInvariants(raceOn, requests);
      // Nothing pending is left to follow up: the decision took every approval of the step out of the index.
      const later = await runFollowUps(new Date(Date.now() + 60 * 86_400_000), [ZREM_RACE]);
      expect(later).toMatchObject({ reminded: [], escalated: [] });
    }
  });

  it('sends no reminder after the decision when a reminder and the decision race', async () => {
    for (let start = 0; start < RUNS; start += BATCH) {
      const {
        requests,
        decisions,
        reminded: remindedIds,
      } = await decidedWhileFollowedUp((listed) => listed.reminders.nextAt, false);

      for (const [index, request] of requests.entries()) {
        const decision = decisions[index] as { status: number; text: string };
        expect(decision.status, decision.text).toBe(200);
        await settled(request);
        // A reminder is recorded, and emailed, only when it landed before the decision: at most once.
        const reminded = remindedIds.filter((id) => id === request.approvalId).length;
        expect(reminded, request.id).toBeLessThanOrEqual(1);
        const reminders = readOutbox().filter(
          (mail) => mail.subject.startsWith('Reminder:') && mail.text.includes(request.id),
        );
        expect(reminders, request.id).toHaveLength(reminded);
        expect((await actionsOf(request)).filter((action) => action === 'APPROVAL_REMINDED')).toHaveLength(
          reminded,
        );
      }
      await assertInvariants(raceOn, requests);
      const later = await runFollowUps(new Date(Date.now() + 60 * 86_400_000), [ZREM_RACE]);
      expect(later).toMatchObject({ reminded: [], escalated: [] });
    }
  });
});
