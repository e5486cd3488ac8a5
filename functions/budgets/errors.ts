import { ConflictError, ValidationError } from '../shared/errors.js';
import { formatMoney } from '../shared/money.js';
import type { StoredEnvelope, StoredLine } from './model.js';

/** The refusals of the budget rules: 409 with the figures that decided them. */

const figuresOf = (line: StoredLine) => ({
  fiscalYear: line.fiscalYear,
  businessFunction: line.businessFunction,
  allocated: formatMoney({ minor: line.allocated, currency: line.currency }),
  committed: formatMoney({ minor: line.committed, currency: line.currency }),
  actual: formatMoney({ minor: line.actual, currency: line.currency }),
  available: formatMoney({ minor: line.available, currency: line.currency }),
});

/**
 * The hard stop: a commitment or transfer would need more than the line has available.
 * Its name is stable so that a workflow can catch it (Step Functions ErrorEquals).
 */
export class InsufficientBudgetError extends ConflictError {
  constructor(
    readonly line: StoredLine,
    readonly requestedMinor: number,
  ) {
    super(
      `${line.businessFunction} has ${formatMoney({ minor: line.available, currency: line.currency }).amount} ${line.currency} available in ${line.fiscalYear}; ${formatMoney({ minor: requestedMinor, currency: line.currency }).amount} is needed.`,
      { ...figuresOf(line), requested: formatMoney({ minor: requestedMinor, currency: line.currency }) },
    );
    this.name = 'InsufficientBudgetError';
  }
}

export class EnvelopeExceededError extends ConflictError {
  constructor(envelope: StoredEnvelope, requestedIncreaseMinor: number) {
    const money = (minor: number) => formatMoney({ minor, currency: envelope.currency });
    super(
      `Allocations would exceed the ${envelope.fiscalYear} envelope: ${money(envelope.envelope - envelope.allocated).amount} is unallocated, ${money(requestedIncreaseMinor).amount} more was asked for.`,
      {
        fiscalYear: envelope.fiscalYear,
        envelope: money(envelope.envelope),
        allocated: money(envelope.allocated),
        unallocated: money(envelope.envelope - envelope.allocated),
        requestedIncrease: money(requestedIncreaseMinor),
      },
    );
    this.name = 'EnvelopeExceededError';
  }
}

export class EnvelopeBelowAllocationsError extends ConflictError {
  constructor(envelope: StoredEnvelope, requestedMinor: number) {
    const money = (minor: number) => formatMoney({ minor, currency: envelope.currency });
    super(
      `The ${envelope.fiscalYear} envelope cannot be ${money(requestedMinor).amount}: ${money(envelope.allocated).amount} is already allocated.`,
      {
        fiscalYear: envelope.fiscalYear,
        allocated: money(envelope.allocated),
        requested: money(requestedMinor),
      },
    );
    this.name = 'EnvelopeBelowAllocationsError';
  }
}

export class AllocationBelowConsumptionError extends ConflictError {
  constructor(line: StoredLine, requestedMinor: number) {
    const money = (minor: number) => formatMoney({ minor, currency: line.currency });
    super(
      `${line.businessFunction}'s allocation cannot drop to ${money(requestedMinor).amount}: ${money(line.consumed).amount} is already committed or spent.`,
      { ...figuresOf(line), consumed: money(line.consumed), requested: money(requestedMinor) },
    );
    this.name = 'AllocationBelowConsumptionError';
  }
}

/** The budget of a fiscal year is kept in one currency, fixed when its envelope is first set. */
export function currencyMismatch(field: string, given: string, envelope: StoredEnvelope): ValidationError {
  return new ValidationError([
    {
      field,
      message: `The ${envelope.fiscalYear} budget is kept in ${envelope.currency}, not ${given}.`,
    },
  ]);
}

/** A commitment whose currency is not its fiscal year's budget currency: it cannot be reserved. */
export class BudgetCurrencyMismatchError extends ConflictError {
  constructor(envelope: StoredEnvelope, given: string) {
    super(`The ${envelope.fiscalYear} budget is kept in ${envelope.currency}, not ${given}.`, {
      fiscalYear: envelope.fiscalYear,
      budgetCurrency: envelope.currency,
      currency: given,
    });
    this.name = 'BudgetCurrencyMismatchError';
  }
}
