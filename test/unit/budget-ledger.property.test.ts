import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InsufficientBudgetError } from '../../functions/budgets/errors.js';
import {
  actualEffect,
  allocationEffect,
  applyEffect,
  availableNeededFor,
  carryForwardInEffect,
  carryForwardOutEffect,
  commitmentEffect,
  consumptionOf,
  EMPTY_LINE,
  type LedgerEntryKind,
  type LineEffect,
  type LineTotals,
  type RequestPosition,
  releasedAmountOf,
  releaseEffect,
  transferInEffect,
  transferOutEffect,
  utilizationPercent,
} from '../../functions/budgets/ledger.js';
import { planCommitment, type YearAsRead } from '../../functions/budgets/phased-commitment.js';

/**
 * The ledger rules as the store applies them: each accepted entry's effect is ADDed to the line's
 * running totals, guarded by availableNeededFor (the store's condition expression) and, for
 * allocations, by the envelope. Here the same functions run on an in-memory book, and every
 * invariant is checked against figures recomputed from scratch.
 */

const FUNCTIONS = ['QA', 'MFG', 'ENG'] as const;
type Code = (typeof FUNCTIONS)[number];

interface Entry {
  businessFunction: Code;
  kind: LedgerEntryKind;
  effect: LineEffect;
}

class Book {
  readonly lines = new Map<Code, LineTotals>(FUNCTIONS.map((code) => [code, EMPTY_LINE]));
  readonly positions = new Map<string, RequestPosition & { businessFunction: Code; released: boolean }>();
  readonly entries: Entry[] = [];
  /** Lines where an actual ran beyond its commitment: only there may available go below zero. */
  readonly overrun = new Set<Code>();

  constructor(readonly envelope: number) {}

  allocated(): number {
    return [...this.lines.values()].reduce((sum, line) => sum + line.allocated, 0);
  }

  /** Writes the entries only if every line has what its entry needs: all or nothing, like a transaction. */
  /** Transfers above it wait for a second person (four eyes); undefined: never. */
  fourEyesThreshold: number | undefined;
  readonly pendingTransfers = new Map<number, { from: Code; to: Code; amount: number }>();
  private nextTransferId = 0;

  write(entries: Entry[]): boolean {
    for (const entry of entries) {
      const need = availableNeededFor(entry.kind, entry.effect);
      if (need !== undefined && this.lines.get(entry.businessFunction)!.available < need) return false;
    }
    for (const entry of entries) {
      this.lines.set(
        entry.businessFunction,
        applyEffect(this.lines.get(entry.businessFunction)!, entry.effect),
      );
      this.entries.push(entry);
    }
    return true;
  }

  allocate(code: Code, amount: number): boolean {
    const effect = allocationEffect(this.lines.get(code)!.allocated, amount);
    if (effect.allocated > this.envelope - this.allocated()) return false;
    return this.write([{ businessFunction: code, kind: 'ALLOCATION', effect }]);
  }

  transfer(from: Code, to: Code, amount: number): boolean {
    if (from === to) return false;
    return this.write([
      { businessFunction: from, kind: 'TRANSFER_OUT', effect: transferOutEffect(amount) },
      { businessFunction: to, kind: 'TRANSFER_IN', effect: transferInEffect(amount) },
    ]);
  }

  /** A transfer as asked for: executed at once, or PENDING above the threshold (if the source can afford it now). */
  requestTransfer(from: Code, to: Code, amount: number): 'EXECUTED' | 'PENDING' | 'REFUSED' {
    if (this.fourEyesThreshold === undefined || amount <= this.fourEyesThreshold)
      return this.transfer(from, to, amount) ? 'EXECUTED' : 'REFUSED';
    const need = availableNeededFor('TRANSFER_OUT', transferOutEffect(amount)) ?? 0;
    if (from === to || this.lines.get(from)!.available < need) return 'REFUSED';
    this.pendingTransfers.set(this.nextTransferId++, { from, to, amount });
    return 'PENDING';
  }

  /** The second person's approval: availability checked again, executed once (a decided transfer is gone). */
  approveTransfer(transferId: number): boolean {
    const pending = this.pendingTransfers.get(transferId);
    if (!pending || !this.transfer(pending.from, pending.to, pending.amount)) return false;
    this.pendingTransfers.delete(transferId);
    return true;
  }

  /** Year-end: a request's open commitment goes to `next`'s line whole, or stays (nothing written). */
  carryTo(next: Book, requestId: string): 'CARRIED' | 'NOT_CARRIED' | 'NOTHING_OPEN' {
    const position = this.positions.get(requestId);
    if (!position || position.released || releasedAmountOf(position) === 0) return 'NOTHING_OPEN';
    const open = releasedAmountOf(position);
    const into = carryForwardInEffect(open);
    const code = position.businessFunction;
    // The next line's hard stop is checked first: both writes land, or neither.
    if (next.lines.get(code)!.available < (availableNeededFor('CARRY_FORWARD_IN', into) ?? 0))
      return 'NOT_CARRIED';
    const out = carryForwardOutEffect(position);
    expect(next.write([{ businessFunction: code, kind: 'CARRY_FORWARD_IN', effect: into }])).toBe(true);
    expect(this.write([{ businessFunction: code, kind: 'CARRY_FORWARD_OUT', effect: out }])).toBe(true);
    this.positions.set(requestId, {
      ...position,
      committed: position.committed + out.committed,
      released: true,
    });
    next.positions.set(`${requestId}@carried`, {
      committed: open,
      actual: 0,
      businessFunction: code,
      released: false,
    });
    return 'CARRIED';
  }

  commit(code: Code, requestId: string, amount: number): boolean {
    const position = this.positions.get(requestId) ?? {
      committed: 0,
      actual: 0,
      businessFunction: code,
      released: false,
    };
    if (position.committed > 0 || position.released || position.businessFunction !== code) return false;
    const effect = commitmentEffect(position, amount);
    if (!this.write([{ businessFunction: code, kind: 'COMMITMENT', effect }])) return false;
    this.positions.set(requestId, { ...position, committed: position.committed + effect.committed });
    return true;
  }

  release(requestId: string): boolean {
    const position = this.positions.get(requestId);
    if (!position || position.committed === 0 || position.released) return false;
    const effect = releaseEffect(position);
    this.write([{ businessFunction: position.businessFunction, kind: 'RELEASE', effect }]);
    this.positions.set(requestId, {
      ...position,
      committed: position.committed + effect.committed,
      released: true,
    });
    return true;
  }

  actual(requestId: string, amount: number): boolean {
    const position = this.positions.get(requestId);
    if (!position) return false;
    const effect = actualEffect(position, amount);
    this.write([{ businessFunction: position.businessFunction, kind: 'ACTUAL', effect }]);
    if (position.actual + amount > position.committed) this.overrun.add(position.businessFunction);
    this.positions.set(requestId, { ...position, actual: position.actual + amount });
    return true;
  }
}

const code = fc.constantFrom(...FUNCTIONS);
const amount = fc.integer({ min: 1, max: 50_000_00 });
const requestId = fc.constantFrom('r1', 'r2', 'r3', 'r4', 'r5', 'r6');

const operation = fc.oneof(
  fc.record({ op: fc.constant('allocate' as const), code, amount }),
  fc.record({ op: fc.constant('transfer' as const), from: code, to: code, amount }),
  fc.record({ op: fc.constant('commit' as const), code, requestId, amount }),
  fc.record({ op: fc.constant('release' as const), requestId }),
  fc.record({ op: fc.constant('actual' as const), requestId, amount }),
  fc.record({ op: fc.constant('requestTransfer' as const), from: code, to: code, amount }),
  fc.record({ op: fc.constant('approveTransfer' as const), transferId: fc.integer({ min: 0, max: 5 }) }),
);
type Operation = typeof operation extends fc.Arbitrary<infer T> ? T : never;

function run(book: Book, operation: Operation): void {
  switch (operation.op) {
    case 'allocate':
      book.allocate(operation.code, operation.amount);
      break;
    case 'transfer':
      book.transfer(operation.from, operation.to, operation.amount);
      break;
    case 'commit':
      book.commit(operation.code, operation.requestId, operation.amount);
      break;
    case 'release':
      book.release(operation.requestId);
      break;
    case 'actual':
      book.actual(operation.requestId, operation.amount);
      break;
    case 'requestTransfer':
      book.requestTransfer(operation.from, operation.to, operation.amount);
      break;
    case 'approveTransfer':
      book.approveTransfer(operation.transferId);
      break;
  }
}

const sumOf = (values: number[]) => values.reduce((sum, value) => sum + value, 0);

function assertInvariants(book: Book): void {
  expect(book.allocated()).toBeLessThanOrEqual(book.envelope);
  for (const businessFunction of FUNCTIONS) {
    const line = book.lines.get(businessFunction)!;
    const entries = book.entries.filter((entry) => entry.businessFunction === businessFunction);
    const positions = [...book.positions.values()].filter(
      (position) => position.businessFunction === businessFunction,
    );
    // Running totals equal the sum of the line's entries...
    for (const total of ['allocated', 'committed', 'actual', 'consumed'] as const) {
      expect(line[total], `${businessFunction} ${total}`).toBe(
        sumOf(entries.map((entry) => entry.effect[total])),
      );
    }
    // ...and the figures recomputed from the requests' positions.
    expect(line.committed).toBe(sumOf(positions.map((position) => position.committed)));
    expect(line.actual).toBe(sumOf(positions.map((position) => position.actual)));
    expect(line.consumed).toBe(sumOf(positions.map(consumptionOf)));
    expect(line.available).toBe(line.allocated - line.consumed);
    expect(line.allocated).toBeGreaterThanOrEqual(0);
    if (!book.overrun.has(businessFunction)) expect(line.available).toBeGreaterThanOrEqual(0);
  }
}

describe('the budget ledger (property-based)', () => {
  it('keeps totals equal to the sum of entries, and available non-negative unless actuals overran', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200_000_00 }),
        fc.option(amount, { nil: undefined }),
        fc.array(operation, { maxLength: 60 }),
        (envelope, fourEyesThreshold, operations) => {
          const book = new Book(envelope);
          book.fourEyesThreshold = fourEyesThreshold;
          for (const next of operations) {
            const availableBefore = new Map([...book.lines].map(([key, line]) => [key, line.available]));
            run(book, next);
            assertInvariants(book);
            // No rule but an actual ever takes a line further below zero.
            if (next.op !== 'actual') {
              for (const [key, line] of book.lines) {
                expect(line.available).toBeGreaterThanOrEqual(Math.min(0, availableBefore.get(key)!));
              }
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('executes a pending transfer at most once, and only while its source can afford it', () => {
    fc.assert(
      fc.property(amount, amount, amount, (allocated, pendingAmount, spentMeanwhile) => {
        const book = new Book(allocated * 2);
        book.fourEyesThreshold = 0;
        book.allocate('QA', allocated);
        const asked = book.requestTransfer('QA', 'MFG', pendingAmount);
        book.commit('QA', 'r1', spentMeanwhile);
        const availableAtApproval = book.lines.get('QA')!.available;

        const first = book.approveTransfer(0);
        const second = book.approveTransfer(0);

        expect(asked).toBe(pendingAmount <= allocated ? 'PENDING' : 'REFUSED');
        expect(first).toBe(asked === 'PENDING' && pendingAmount <= availableAtApproval);
        expect(second).toBe(false);
        expect(book.lines.get('MFG')!.allocated).toBe(first ? pendingAmount : 0);
        assertInvariants(book);
      }),
    );
  });

  it('carries each open commitment to the next year whole or not at all, and both years keep their invariants', () => {
    fc.assert(
      fc.property(
        fc.array(operation, { maxLength: 60 }),
        fc.array(fc.record({ code, amount }), { maxLength: 6 }),
        (operations, nextAllocations) => {
          const closing = new Book(200_000_00);
          const next = new Book(200_000_00);
          for (const operation of operations) run(closing, operation);
          for (const { code: nextCode, amount: nextAmount } of nextAllocations)
            next.allocate(nextCode, nextAmount);
          const before = new Map([...closing.positions].map(([id, position]) => [id, { ...position }]));

          const outcomes = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6'].map(
            (id) => [id, closing.carryTo(next, id)] as const,
          );

          for (const [id, outcome] of outcomes) {
            const was = before.get(id);
            const now = closing.positions.get(id);
            const carried = next.positions.get(`${id}@carried`);
            if (outcome === 'CARRIED') {
              expect(carried!.committed).toBe(releasedAmountOf(was!));
              expect(now!.committed).toBe(Math.min(was!.committed, was!.actual));
            } else {
              expect(carried).toBeUndefined();
              expect(now).toEqual(was);
            }
            // Carried again later (a resumed close): nothing left to carry.
            expect(closing.carryTo(next, id)).not.toBe('CARRIED');
          }
          assertInvariants(closing);
          assertInvariants(next);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("commits a multi-year request on every year's line or on none, and releases every year's part", () => {
    const YEARS = ['FY2096', 'FY2097'] as const;
    /** One year's commitment of each part as commitments.ts plans it: all years, or a refusal. */
    function commitPhased(books: Book[], businessFunction: Code, id: string, parts: number[]): boolean {
      const years: YearAsRead[] = YEARS.map((fiscalYear, index) => {
        const book = books[index]!;
        return {
          fiscalYear,
          amount: { minor: parts[index]!, currency: 'USD' },
          envelope: { fiscalYear, currency: 'USD' },
          position: undefined,
          line: {
            ...book.lines.get(businessFunction)!,
            fiscalYear,
            businessFunction,
            currency: 'USD',
            version: 1,
          },
        };
      });
      let plan: ReturnType<typeof planCommitment>;
      try {
        plan = planCommitment({ id, businessFunction }, years);
      } catch (error) {
        expect(error).toBeInstanceOf(InsufficientBudgetError);
        return false;
      }
      for (const [index, year] of plan.entries()) {
        // The transaction's condition per line: each line has what its part needs.
        expect(books[index]!.commit(businessFunction, id, year.amountMinor)).toBe(true);
      }
      return true;
    }

    fc.assert(
      fc.property(
        fc.array(fc.record({ year: fc.constantFrom(0, 1), code, amount }), { maxLength: 8 }),
        fc.array(fc.record({ code, requestId, parts: fc.tuple(amount, amount), release: fc.boolean() }), {
          maxLength: 12,
        }),
        (allocations, requests) => {
          const books = YEARS.map(() => new Book(200_000_00));
          for (const allocation of allocations)
            books[allocation.year]!.allocate(allocation.code, allocation.amount);

          for (const request of requests) {
            if (books.some((book) => book.positions.has(request.requestId))) continue;
            const fits = books.every(
              (book, index) => book.lines.get(request.code)!.available >= request.parts[index]!,
            );

            const committed = commitPhased(books, request.code, request.requestId, request.parts);

            expect(committed).toBe(fits);
            if (committed && request.release) for (const book of books) book.release(request.requestId);
          }

          for (const request of requests) {
            const parts = books.map((book) => book.positions.get(request.requestId));
            // Every year or none: never one year's part without the other's.
            expect(parts[0] === undefined).toBe(parts[1] === undefined);
            if (parts[0] && parts[1]) expect(parts[0].released).toBe(parts[1].released);
          }
          for (const book of books) assertInvariants(book);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses commitments beyond available: the hard stop', () => {
    fc.assert(
      fc.property(amount, amount, (allocated, requested) => {
        const book = new Book(allocated);
        book.allocate('QA', allocated);

        const accepted = book.commit('QA', 'r1', requested);

        expect(accepted).toBe(requested <= allocated);
        expect(book.lines.get('QA')!.available).toBe(accepted ? allocated - requested : allocated);
      }),
    );
  });
});

describe('utilizationPercent', () => {
  it.each([
    [0, 100, '0.00'],
    [1, 3, '33.33'],
    [2, 3, '66.67'],
    [1, 1, '100.00'],
    [5, 4, '125.00'],
    [1, 200_000, '0.00'],
    [1, 20_000, '0.01'],
  ])('is %i of %i as "%s" percent, rounded half up', (consumed, allocated, expected) => {
    expect(utilizationPercent({ consumed, allocated })).toBe(expected);
  });

  it('is null without an allocation', () => {
    expect(utilizationPercent({ consumed: 5, allocated: 0 })).toBeNull();
  });
});
