import type * as z from 'zod';
import { listUndecidedRequestsOf, type UndecidedRequest } from '../requests/request-queries.js';
import type { Caller } from '../shared/auth.js';
import { NotFoundError } from '../shared/errors.js';
import { formatMoney } from '../shared/money.js';
import { getFiscalYear } from './budget-store.js';
import { type BudgetResource, type StoredEnvelope, type StoredLine, toLineResource } from './model.js';
import { pipelineOf } from './pipeline.js';
import { budgetScopeOf } from './policy.js';

type BudgetView = z.infer<typeof BudgetResource>;

/** The pipeline (minor units) of each line, by business function. */
export type LinePipelines = ReadonlyMap<string, number>;

/** The year's figures: per line, and (for those who see every line) the envelope's totals. */
export function budgetViewOf(
  envelope: StoredEnvelope,
  lines: StoredLine[],
  wholeYear: boolean,
  pipelines: LinePipelines = new Map(),
): BudgetView {
  const money = (minor: number) => formatMoney({ minor, currency: envelope.currency });
  const sum = (pick: (line: StoredLine) => number) => lines.reduce((total, line) => total + pick(line), 0);
  const requestedOf = (line: StoredLine) => pipelines.get(line.businessFunction) ?? 0;
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
          requested: money(sum(requestedOf)),
          availableAfterPipeline: money(sum((line) => line.available - requestedOf(line))),
        }
      : {}),
    controls: envelope.controls,
    ...(envelope.fourEyesThreshold !== undefined
      ? { fourEyesThreshold: money(envelope.fourEyesThreshold) }
      : {}),
    ...(envelope.closedAt ? { closedAt: envelope.closedAt } : {}),
    lines: sorted.map((line) => ({
      ...toLineResource(line),
      requested: money(requestedOf(line)),
      availableAfterPipeline: money(line.available - requestedOf(line)),
    })),
    version: envelope.version,
  };
}

/** Lines whose pipelines are read at once: one Query each of the sparse index of undecided requests. */
const PIPELINE_READS_AT_ONCE = 8;

/** Each line's undecided requests, one Query per business function, a batch of them at a time. */
export async function undecidedRequestsOf(lines: StoredLine[]): Promise<Map<string, UndecidedRequest[]>> {
  const undecided = new Map<string, UndecidedRequest[]>();
  for (let start = 0; start < lines.length; start += PIPELINE_READS_AT_ONCE) {
    const batch = lines.slice(start, start + PIPELINE_READS_AT_ONCE);
    const read = await Promise.all(batch.map((line) => listUndecidedRequestsOf(line.businessFunction)));
    for (const [index, line] of batch.entries()) undecided.set(line.businessFunction, read[index]!);
  }
  return undecided;
}

/** Each line's pipeline, from its business function's undecided requests. */
export function pipelinesOf(
  lines: StoredLine[],
  undecided: ReadonlyMap<string, UndecidedRequest[]>,
): LinePipelines {
  return new Map(
    lines.map((line) => [
      line.businessFunction,
      pipelineOf(undecided.get(line.businessFunction) ?? [], line).minor,
    ]),
  );
}

export async function getBudgetView(caller: Caller, fiscalYear: string): Promise<BudgetView> {
  const scope = budgetScopeOf(caller);
  const year = await getFiscalYear(fiscalYear);
  if (!year) throw new NotFoundError(`No budget envelope is set for ${fiscalYear}.`);
  const lines = scope.all
    ? year.lines
    : year.lines.filter((line) => line.businessFunction === scope.businessFunction);
  return budgetViewOf(year.envelope, lines, scope.all, pipelinesOf(lines, await undecidedRequestsOf(lines)));
}
