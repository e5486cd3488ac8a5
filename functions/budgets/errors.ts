import * as z from 'zod';
import { ConflictError, ValidationError } from '../shared/errors.js';
import { formatMoney, MoneySchema } from '../shared/money.js';
import { problemWith, StateConflictProblem } from '../shared/problem.js';
import { ActualResource, type StoredEnvelope, type StoredLine } from './model.js';

/** The refusals of the budget rules: 409 with the figures that decided them. */

const figure = (what: string) => MoneySchema.optional().describe(what);

/** The 409 of a budget rule, with its figures (a retry-later conflict has none). */
export const BudgetRefusalProblem = problemWith({
  fiscalYear: z.string().optional(),
  businessFunction: z.string().optional().describe('The budget line refused, for a line’s rule.'),
  envelope: figure("The fiscal year's envelope."),
  allocated: figure('What is allocated: to the line, or in all for an envelope rule.'),
  unallocated: figure('The envelope less the allocations.'),
  committed: figure("The line's commitments."),
  actual: figure("The line's actuals."),
  available: figure('What the line has available.'),
  consumed: figure('What the line has committed or spent.'),
  requested: figure('The amount asked for.'),
  pipeline: figure("What the line's other undecided requests ask for (submission control)."),
  closedAt: z.string().optional().describe('When the fiscal year was closed.'),
  requestedIncrease: figure('How much more the allocations would need.'),
  budgetCurrency: z.string().optional().describe("The fiscal year's budget currency."),
  currency: z.string().optional().describe('The currency asked for.'),
}).meta({ id: 'BudgetRefusalProblem' });

/** The 409 of deciding a transfer: decided already (its status), or its source line lacks room now (the figures). */
export const TransferDecisionProblem = BudgetRefusalProblem.extend({
  currentStatus: StateConflictProblem.shape.currentStatus,
  allowedTransitions: StateConflictProblem.shape.allowedTransitions,
}).meta({ id: 'TransferDecisionProblem' });

type BudgetFigures = Omit<
  z.input<typeof BudgetRefusalProblem>,
  'type' | 'title' | 'status' | 'detail' | 'instance'
>;

/** The 409 of recording an actual: the request's status, or the invoice already recorded otherwise. */
export const ActualConflictProblem = problemWith({
  currentStatus: StateConflictProblem.shape.currentStatus,
  allowedTransitions: StateConflictProblem.shape.allowedTransitions,
  existingActual: ActualResource.optional().describe('The actual this invoice number was recorded as.'),
}).meta({ id: 'ActualConflictProblem' });

const figuresOf = (line: StoredLine): BudgetFigures => ({
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
      {
        ...figuresOf(line),
        requested: formatMoney({ minor: requestedMinor, currency: line.currency }),
      } satisfies BudgetFigures,
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
      } satisfies BudgetFigures,
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
      } satisfies BudgetFigures,
    );
    this.name = 'EnvelopeBelowAllocationsError';
  }
}

export class AllocationBelowConsumptionError extends ConflictError {
  constructor(line: StoredLine, requestedMinor: number) {
    const money = (minor: number) => formatMoney({ minor, currency: line.currency });
    super(
      `${line.businessFunction}'s allocation cannot drop to ${money(requestedMinor).amount}: ${money(line.consumed).amount} is already committed or spent.`,
      {
        ...figuresOf(line),
        consumed: money(line.consumed),
        requested: money(requestedMinor),
      } satisfies BudgetFigures,
    );
    this.name = 'AllocationBelowConsumptionError';
  }
}

/** The budget of a fiscal year is kept in one currency, fixed when its envelope is first set. */
export function currencyMismatch(
  field: string,
  given: string,
  envelope: Pick<StoredEnvelope, 'fiscalYear' | 'currency'>,
): ValidationError {
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
    } satisfies BudgetFigures);
    this.name = 'BudgetCurrencyMismatchError';
  }
}

/** The year-end close has begun: no new commitments, allocations, transfers or envelope changes. */
export class YearClosedError extends ConflictError {
  constructor(fiscalYear: string, closedAt: string) {
    super(`${fiscalYear} was closed at ${closedAt}: it takes no new commitments, allocations or transfers.`, {
      fiscalYear,
      closedAt,
    } satisfies BudgetFigures);
    this.name = 'YearClosedError';
  }
}

/**
 * A commitment in a closed fiscal year: refused like a commitment beyond available (so the
 * approval workflow settles the request as it does a budget refusal), with the year's close.
 */
export class CommitmentInClosedYearError extends InsufficientBudgetError {
  constructor(line: StoredLine, requestedMinor: number, closedAt: string) {
    super(line, requestedMinor);
    this.message = `${line.fiscalYear} was closed at ${closedAt}: it takes no new commitments.`;
    this.extensions.closedAt = closedAt;
    this.name = 'CommitmentInClosedYearError';
  }
}

/** A line's ledger range holds fewer entries than its numbers: some lack a sequence (written before sequences existed). */
export class IncompleteLedgerError extends Error {
  constructor(fiscalYear: string, businessFunction: string, expected: number, found: number) {
    super(
      `${fiscalYear} ${businessFunction}: expected ${expected} ledger entries in the range, found ${found}; entries without a sequence (written before sequences existed) cannot be read in order.`,
    );
    this.name = 'IncompleteLedgerError';
  }
}
