import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  actualEffect,
  allocationEffect,
  applyEffect,
  availableNeededFor,
  commitmentEffect,
  consumptionOf,
  EMPTY_LINE,
  type LedgerEntryKind,
  type LineEffect,
  type LineTotals,
  type RequestPosition,
  releaseEffect,
  transferInEffect,
  transferOutEffect,
  utilizationPercent,
} from '../../functions/budgets/ledger.js';

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
  private write(entries: Entry[]): boolean {
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
        fc.array(operation, { maxLength: 60 }),
        (envelope, operations) => {
          const book = new Book(envelope);
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
