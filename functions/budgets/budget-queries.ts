import type * as z from 'zod';
import { getBusinessFunction } from '../reference-data/business-functions.js';
import type { Caller } from '../shared/auth.js';
import { NotFoundError } from '../shared/errors.js';
import { formatMoney } from '../shared/money.js';
import type { Page } from '../shared/pagination.js';
import { getEnvelope, getFiscalYear, listLedgerEntries } from './budget-store.js';
import {
  type BudgetResource,
  type LedgerEntryResource,
  type StoredEnvelope,
  type StoredLine,
  toLedgerEntryResource,
  toLineResource,
} from './model.js';
import { assertMaySeeLine, budgetScopeOf } from './policy.js';

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

/** A line's ledger, newest first: 404 for an unknown fiscal year or business function. */
export async function listLedgerVisibleTo(
  caller: Caller,
  fiscalYear: string,
  businessFunction: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<z.infer<typeof LedgerEntryResource>>> {
  assertMaySeeLine(caller, businessFunction);
  const [envelope, known, entries] = await Promise.all([
    getEnvelope(fiscalYear),
    getBusinessFunction(businessFunction),
    listLedgerEntries(fiscalYear, businessFunction, page),
  ]);
  if (!envelope) throw new NotFoundError(`No budget envelope is set for ${fiscalYear}.`);
  if (!known) throw new NotFoundError(`No business function ${businessFunction}.`);
  return { ...entries, items: entries.items.map(toLedgerEntryResource) };
}
