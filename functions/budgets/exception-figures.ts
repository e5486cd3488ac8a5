import { emptyLine } from './budget-items.js';
import { getFiscalYear } from './budget-store.js';
import type { CommitmentRequest } from './commitments.js';
import { availableNeededFor, commitmentEffect } from './ledger.js';
import type { StoredLine } from './model.js';

/**
 * What the over-budget exception route reads (the approver's page, the workflow's task): read
 * only, so the page needs nothing but read access to budgets. Its writes: exception-funding.ts.
 */

/** Where a request stands against its line: the figures the exception approver decides on. */
export interface ExceptionFigures {
  line: StoredLine;
  /** What the commitment needs beyond what the line has available (0 when it fits now). */
  shortfallMinor: number;
  /** The year's other lines with something available: where a transfer can come from. */
  sources: StoredLine[];
}

/**
 * Whether a refused commitment can take the exception route: its year is open and in its
 * currency. A request phased over several fiscal years cannot yet: a transfer funds one line,
 * and which year's part to fund is not decided; it ends BUDGET_EXCEEDED as before.
 */
export async function exceptionRouteOpen(request: CommitmentRequest): Promise<boolean> {
  if ((request.phasing?.parts.length ?? 1) > 1) return false;
  const year = await getFiscalYear(request.fiscalYear);
  return (
    year !== undefined && !year.envelope.closedAt && year.envelope.currency === request.estimatedCost.currency
  );
}

/** What a commitment needs beyond what the line has available (0 when it fits). */
export function shortfallOf(line: StoredLine, committedBefore: number, amountMinor: number): number {
  const need =
    availableNeededFor(
      'COMMITMENT',
      commitmentEffect({ committed: committedBefore, actual: 0 }, amountMinor),
    ) ?? 0;
  return Math.max(need - line.available, 0);
}

/** The request's line, its shortfall and the possible sources, as they stand now. */
export async function exceptionFiguresOf(request: CommitmentRequest): Promise<ExceptionFigures> {
  const year = await getFiscalYear(request.fiscalYear);
  const currency = year?.envelope.currency ?? request.estimatedCost.currency;
  const lines = year?.lines ?? [];
  const line =
    lines.find((candidate) => candidate.businessFunction === request.businessFunction) ??
    emptyLine(request.fiscalYear, request.businessFunction, currency);
  return {
    line,
    shortfallMinor: shortfallOf(line, 0, request.estimatedCost.minor),
    sources: lines.filter(
      (candidate) => candidate.businessFunction !== request.businessFunction && candidate.available > 0,
    ),
  };
}
