import type * as z from 'zod';
import type { Caller } from '../shared/auth.js';
import { NotFoundError } from '../shared/errors.js';
import { formatMoney } from '../shared/money.js';
import { getFiscalYear } from './budget-store.js';
import { type BudgetResource, type StoredEnvelope, type StoredLine, toLineResource } from './model.js';
import { budgetScopeOf } from './policy.js';

type BudgetView = z.infer<typeof BudgetResource>;

/** The year's figures: per line, and (for those who see every line) the envelope's totals. */
export function budgetViewOf(envelope: StoredEnvelope, lines: StoredLine[], wholeYear: boolean): BudgetView {
  const money = (minor: number) => formatMoney({ minor, currency: envelope.currency });
  const sum = (pick: (line: StoredLine) => number) => lines.reduce((total, line) => total + pick(line), 0);
  const sorted = [...lines].sort((a, b) => a.businessFunction.localeCompare(b.businessFunction));
  return {
    fiscalYear: envelope.fiscalYear,
    currency: envelope.currency,
    ...(wholeYear
      ? {
          envelope: money(envelope.envelope),
          allocated: money(envelope.allocated),
          unallocated: money(envelope.envelope - envelope.allocated),
          committed: money(sum((line) => line.committed)),
          actual: money(sum((line) => line.actual)),
          available: money(sum((line) => line.available)),
        }
      : {}),
    lines: sorted.map(toLineResource),
    version: envelope.version,
  };
}

export async function getBudgetView(caller: Caller, fiscalYear: string): Promise<BudgetView> {
  const scope = budgetScopeOf(caller);
  const year = await getFiscalYear(fiscalYear);
  if (!year) throw new NotFoundError(`No budget envelope is set for ${fiscalYear}.`);
  const lines = scope.all
    ? year.lines
    : year.lines.filter((line) => line.businessFunction === scope.businessFunction);
  return budgetViewOf(year.envelope, lines, scope.all);
}
