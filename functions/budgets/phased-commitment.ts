import type { Money } from '../shared/money.js';
import { emptyLine, newPosition, type StoredPosition } from './budget-items.js';
import {
  BudgetCurrencyMismatchError,
  CommitmentInClosedYearError,
  InsufficientBudgetError,
} from './errors.js';
import { availableNeededFor, commitmentEffect, type LineEffect } from './ledger.js';
import type { StoredEnvelope, StoredLine } from './model.js';

/**
 * The decision of a commitment, as a plain function of what was read: a request asks money of
 * one fiscal year, or (multi-year, functions/shared/phasing.ts) of each year of its phasing.
 * Every year must take its part, or none is committed: the first year that cannot refuses the
 * whole commitment with that year's figures. commitments.ts writes the plan in one
 * transaction, each line's hard stop its condition; the property test drives it in memory.
 */

/** One fiscal year's part of a request, with what was read of that year. */
export interface YearAsRead {
  fiscalYear: string;
  amount: Money;
  envelope: Pick<StoredEnvelope, 'fiscalYear' | 'currency' | 'closedAt'> | undefined;
  position: StoredPosition | undefined;
  line: StoredLine | undefined;
}

/** What committing one year's part writes: the line's effect under its hard stop. */
export interface YearCommitment {
  fiscalYear: string;
  amountMinor: number;
  /** The position as read, or a new one. */
  position: StoredPosition;
  storedVersion: number | undefined;
  line: StoredLine;
  effect: LineEffect;
  /** The least the line must have available (the transaction's condition). */
  need: number;
}

/**
 * Plans committing every year's part, or throws for the first year that refuses:
 * InsufficientBudgetError (no envelope, or less available than the part; that year's figures),
 * CommitmentInClosedYearError, BudgetCurrencyMismatchError.
 */
export function planCommitment(
  request: { id: string; businessFunction: string; preferredVendorId?: string | undefined },
  years: readonly YearAsRead[],
): YearCommitment[] {
  return years.map(({ fiscalYear, amount, envelope, position: stored, line: storedLine }) => {
    if (!envelope) {
      throw new InsufficientBudgetError(
        emptyLine(fiscalYear, request.businessFunction, amount.currency),
        amount.minor,
      );
    }
    if (envelope.currency !== amount.currency)
      throw new BudgetCurrencyMismatchError(envelope as StoredEnvelope, amount.currency);
    const position = stored ?? newPosition({ ...request, fiscalYear }, envelope.currency);
    const line = storedLine ?? emptyLine(fiscalYear, request.businessFunction, envelope.currency);
    if (envelope.closedAt) throw new CommitmentInClosedYearError(line, amount.minor, envelope.closedAt);
    const effect = commitmentEffect(position, amount.minor);
    const need = availableNeededFor('COMMITMENT', effect) ?? 0;
    if (line.available < need) throw new InsufficientBudgetError(line, need);
    return {
      fiscalYear,
      amountMinor: amount.minor,
      position,
      storedVersion: stored?.version,
      line,
      effect,
      need,
    };
  });
}
