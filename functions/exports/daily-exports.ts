import type { Actor } from '../budgets/budget-items.js';
import { getEnvelope } from '../budgets/budget-store.js';
import { fiscalYearOf } from '../shared/fiscal-year.js';
import { putJsonObject } from './export-bucket.js';
import { runExport } from './export-jobs.js';
import { newExportJob } from './export-requests.js';
import { advanceLatestScheduled, getExport, getLatestScheduled, putNewExport } from './export-store.js';

/**
 * The daily spend export: for each open fiscal year, the ledger entries recorded since the
 * previous daily export of that year, as CSV under scheduled/<date>/ with a manifest beside it.
 * A run with nothing new writes an empty increment (the header only) and its manifest, so
 * finance's tools always find the day's files. A failed run moves nothing on: the next attempt
 * (Lambda's retry, or tomorrow) starts from the same export.
 */

const KIND = 'spend';
const SCHEDULE: Actor = { sub: 'schedule:daily-spend-export', name: 'Daily spend export', email: '' };

export interface DailyExport {
  fiscalYear: string;
  exportId: string;
  since: string | null;
  rows: number;
  bytes: number;
  sha256: string;
  file: string;
  manifest: string;
}

/** The fiscal years a day's export covers: this one and the ones either side, where a budget is set. */
export async function openFiscalYears(date: string, startMonth: number): Promise<string[]> {
  const current = Number(fiscalYearOf(date, startMonth).slice(2));
  const years = [current - 1, current, current + 1].map((year) => `FY${year}`);
  const envelopes = await Promise.all(years.map((year) => getEnvelope(year)));
  return years.filter((_, index) => envelopes[index] !== undefined);
}

/** One fiscal year's increment: recorded, run, its manifest written, then the pointer moved. */
async function exportIncrement(fiscalYear: string, date: string, now: () => Date): Promise<DailyExport> {
  const previousId = await getLatestScheduled(KIND, fiscalYear);
  const previous = previousId ? await getExport(previousId) : undefined;
  const job = newExportJob(
    { kind: KIND, fiscalYear, format: 'csv', since: previous },
    SCHEDULE,
    'SCHEDULE',
    () => `scheduled/${date}`,
    now(),
  );
  await putNewExport(job);
  const done = await runExport(job.id, now);
  const manifestKey = job.file.key.replace(/\.csv$/, '.manifest.json');
  const result: DailyExport = {
    fiscalYear,
    exportId: job.id,
    since: previous?.id ?? null,
    rows: done.rows,
    bytes: done.bytes ?? 0,
    sha256: done.sha256 ?? '',
    file: job.file.key,
    manifest: manifestKey,
  };
  await putJsonObject(manifestKey, {
    ...result,
    kind: KIND,
    format: 'csv',
    afterSequences: job.afterSequences,
    throughSequences: done.throughSequences,
    writtenAt: now().toISOString(),
  });
  await advanceLatestScheduled(KIND, fiscalYear, previous?.id, job.id, now().toISOString());
  return result;
}

/** The day's increments, one fiscal year after the other; any failure fails the run (and it is retried). */
export async function runDailySpendExports(
  fiscalYears: string[],
  now: () => Date = () => new Date(),
): Promise<DailyExport[]> {
  const date = now().toISOString().slice(0, 10);
  const done: DailyExport[] = [];
  for (const fiscalYear of fiscalYears) done.push(await exportIncrement(fiscalYear, date, now));
  return done;
}
