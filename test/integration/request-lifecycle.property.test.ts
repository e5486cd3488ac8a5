import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  cents,
  decideByApi,
  decideByLink,
  pendingRequest,
  type RequestUnderTest,
  recordActual,
  requestMoney,
  type Stage,
  settled,
  stage,
  withdraw,
} from './lifecycle-support.js';
import { call } from './support.js';

// Model-based: random sequences of API operations on a request, against the local cloud and a
// small in-memory model of the lifecycle (lifecycle.ts) and its money; after every operation
// the answer and the request's status must be what the model says, and after every sequence
// the request's ledger entries too. This file works on SC's line in FY2032 only.
const SEQUENCES = 100;
const AMOUNT = '1000.00';

let on: Stage;

beforeAll(async () => {
  on = await stage('FY2032', 'SC');
});

interface Model {
  status: 'IN_APPROVAL' | 'APPROVED' | 'REJECTED' | 'WITHDRAWN';
  decided: boolean;
  committed: bigint;
  released: bigint;
  invoices: Map<string, bigint>;
}

const invoiced = (model: Model) => [...model.invoices.values()].reduce((total, amount) => total + amount, 0n);

type Command = fc.AsyncCommand<Model, RequestUnderTest>;

/** What a decision answers: 200 while the approval waits, else it was decided (409) or voided (410). */
function expectedDecisionStatus(model: Model): number {
  if (model.status === 'IN_APPROVAL' && !model.decided) return 200;
  return model.decided ? 409 : 410;
}

class Decide implements Command {
  constructor(
    readonly decision: 'APPROVED' | 'REJECTED',
    readonly by: 'API' | 'LINK',
  ) {}
  check = () => true;
  async run(model: Model, request: RequestUnderTest) {
    const response =
      this.by === 'API'
        ? await decideByApi(request, this.decision)
        : await decideByLink(request, this.decision);

    expect(response.status).toBe(expectedDecisionStatus(model));
    if (response.status !== 200) return;
    model.decided = true;
    model.status = this.decision;
    if (this.decision === 'APPROVED') model.committed = cents(AMOUNT);
    expect((await settled(request)).status).toBe(model.status);
  }
  toString = () => `${this.decision} by ${this.by}`;
}

class Withdraw implements Command {
  check = () => true;
  async run(model: Model, request: RequestUnderTest) {
    const response = await withdraw(request);

    const withdrawable = model.status === 'IN_APPROVAL' || model.status === 'APPROVED';
    expect(response.status, response.text).toBe(withdrawable ? 200 : 409);
    if (!withdrawable) {
      // Nothing is allowed any more from REJECTED or WITHDRAWN.
      expect(response.body).toMatchObject({ currentStatus: model.status, allowedTransitions: [] });
      return;
    }
    if (model.status === 'APPROVED') {
      const notInvoiced = model.committed - invoiced(model);
      model.released = notInvoiced > 0n ? notInvoiced : 0n;
    }
    model.status = 'WITHDRAWN';
    expect(response.body.status).toBe('WITHDRAWN');
  }
  toString = () => 'withdraw';
}

class RecordActual implements Command {
  constructor(
    readonly invoice: string,
    readonly amount: string,
  ) {}
  check = () => true;
  async run(model: Model, request: RequestUnderTest) {
    const invoiceNumber = `${request.id}-${this.invoice}`;
    const response = await recordActual(on, request, invoiceNumber, this.amount);

    const recorded = model.invoices.get(invoiceNumber);
    if (recorded !== undefined) {
      // The same invoice again is the same actual; the same number with other details a conflict.
      expect(response.status).toBe(recorded === cents(this.amount) ? 200 : 409);
    } else if (model.status === 'APPROVED') {
      expect(response.status, response.text).toBe(201);
      model.invoices.set(invoiceNumber, cents(this.amount));
    } else {
      expect(response.status, response.text).toBe(409);
      expect(response.body.currentStatus).toBe(model.status);
    }
  }
  toString = () => `actual ${this.invoice} ${this.amount}`;
}

const commands = [
  fc
    .constantFrom('APPROVED' as const, 'REJECTED' as const)
    .chain((decision) =>
      fc.constantFrom('API' as const, 'LINK' as const).map((by) => new Decide(decision, by)),
    ),
  fc.constant(new Withdraw()),
  fc
    .tuple(fc.constantFrom('INV-1', 'INV-2'), fc.constantFrom('300.00', '900.00'))
    .map(([invoice, amount]) => new RecordActual(invoice, amount)),
];

describe('the request lifecycle, as a model', () => {
  it('answers every random sequence of decisions, withdrawals and invoices as the model does', {
    timeout: 1_200_000,
  }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 5 }), async (sequence) => {
        const request = await pendingRequest(on, AMOUNT);
        const model: Model = {
          status: 'IN_APPROVAL',
          decided: false,
          committed: 0n,
          released: 0n,
          invoices: new Map(),
        };

        await fc.asyncModelRun(() => ({ model, real: request }), sequence);

        // This request's entries are the line's newest: the first page holds them all.
        const ledger = await call('GET', `/budgets/${on.fiscalYear}/${on.businessFunction}/ledger?limit=50`, {
          token: on.admin,
        });
        const money = requestMoney(ledger.body.items, request.id);
        expect(money).toMatchObject({
          committed: model.committed,
          released: model.released,
          invoiced: invoiced(model),
        });
      }),
      { numRuns: SEQUENCES },
    );
  });
});
