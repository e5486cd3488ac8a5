import { percentOf } from '../shared/ratio.js';

/**
 * The rules of the budget ledger, as plain arithmetic on integer minor units. The store applies
 * each entry's effect to the line's running totals with DynamoDB ADD in the same transaction as
 * the entry, and turns each entry's guard into a condition; the property test drives the same
 * functions through random sequences.
 *
 * Per request the line keeps a position: its commitment and its actuals. The budget it consumes
 * is max(commitment, actuals): an invoice beyond the commitment consumes more.
 * available = allocated - the sum of consumption.
 */

export const LEDGER_ENTRY_KINDS = [
  'ALLOCATION',
  'TRANSFER_OUT',
  'TRANSFER_IN',
  'COMMITMENT',
  'RELEASE',
  'ACTUAL',
  'CARRY_FORWARD_OUT',
  'CARRY_FORWARD_IN',
] as const;
export type LedgerEntryKind = (typeof LEDGER_ENTRY_KINDS)[number];

/** Changes an entry makes to a line's running totals (signed minor units). */
export interface LineEffect {
  allocated: number;
  committed: number;
  actual: number;
  consumed: number;
}

export interface LineTotals extends LineEffect {
  available: number;
}

export interface RequestPosition {
  committed: number;
  actual: number;
}

export const NO_EFFECT: LineEffect = { allocated: 0, committed: 0, actual: 0, consumed: 0 };
export const EMPTY_LINE: LineTotals = { ...NO_EFFECT, available: 0 };

export const consumptionOf = (position: RequestPosition) => Math.max(position.committed, position.actual);

/** How much an effect changes the line's available (negative: it uses budget up). */
export const availableChangeOf = (effect: LineEffect) => effect.allocated - effect.consumed;

export function applyEffect(totals: LineTotals, effect: LineEffect): LineTotals {
  return {
    allocated: totals.allocated + effect.allocated,
    committed: totals.committed + effect.committed,
    actual: totals.actual + effect.actual,
    consumed: totals.consumed + effect.consumed,
    available: totals.available + availableChangeOf(effect),
  };
}

/** Setting a line's allocation from `current` to `next`. */
export const allocationEffect = (current: number, next: number): LineEffect => ({
  ...NO_EFFECT,
  allocated: next - current,
});

export const transferOutEffect = (amount: number): LineEffect => ({ ...NO_EFFECT, allocated: -amount });
export const transferInEffect = (amount: number): LineEffect => ({ ...NO_EFFECT, allocated: amount });

/** Reserving a request's approved amount. */
export function commitmentEffect(position: RequestPosition, amount: number): LineEffect {
  const after = { ...position, committed: position.committed + amount };
  return {
    ...NO_EFFECT,
    committed: amount,
    consumed: consumptionOf(after) - consumptionOf(position),
  };
}

/** The unused part of a commitment (what is not yet invoiced) goes back to the line. */
export function releasedAmountOf(position: RequestPosition): number {
  return Math.max(position.committed - position.actual, 0);
}

export function releaseEffect(position: RequestPosition): LineEffect {
  const released = releasedAmountOf(position);
  const after = { ...position, committed: position.committed - released };
  return { ...NO_EFFECT, committed: -released, consumed: consumptionOf(after) - consumptionOf(position) };
}

/**
 * Year-end carry-forward of a request's open commitment (committed - invoiced): the closed
 * year gives it back exactly as a release would, the next year reserves it as a commitment.
 */
export const carryForwardOutEffect = releaseEffect;
export const carryForwardInEffect = (amount: number): LineEffect =>
  commitmentEffect({ committed: 0, actual: 0 }, amount);

/** An invoice: recorded even beyond the commitment (the money is spent), which consumes more. */
export function actualEffect(position: RequestPosition, amount: number): LineEffect {
  const after = { ...position, actual: position.actual + amount };
  return { ...NO_EFFECT, actual: amount, consumed: consumptionOf(after) - consumptionOf(position) };
}

export const isBeyondCommitment = (position: RequestPosition, amount: number) =>
  position.actual + amount > position.committed;

export function positionAfter(position: RequestPosition, effect: LineEffect): RequestPosition {
  return { committed: position.committed + effect.committed, actual: position.actual + effect.actual };
}

/**
 * The least available a line must have for an entry to be written: the hard stop. Every entry
 * that uses budget up needs it available, except an actual: an invoice is a fact to record
 * (flagged when beyond its commitment), never refused for lack of budget.
 */
export function availableNeededFor(kind: LedgerEntryKind, effect: LineEffect): number | undefined {
  if (kind === 'ACTUAL') return undefined;
  const decrease = -availableChangeOf(effect);
  return decrease > 0 ? decrease : undefined;
}

/** The share of a line's allocation consumed, as a percentage with two decimals (exact, half up). */
export function utilizationPercent(totals: Pick<LineTotals, 'allocated' | 'consumed'>): string | null {
  return percentOf(totals.consumed, totals.allocated);
}
