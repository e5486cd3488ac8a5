import * as z from 'zod';
import { FiscalYear } from '../budgets/model.js';
import { requireEnv } from '../shared/config.js';
import { taskHandler } from '../shared/task.js';
import { openFiscalYears, runDailySpendExports } from './daily-exports.js';

const startMonth = Number(requireEnv('FISCAL_YEAR_START_MONTH'));

/**
 * The daily spend export, invoked by its EventBridge schedule (the event's other members are
 * ignored). `fiscalYears` picks the years instead of the open ones: for a run by hand.
 */
const DailyExportEvent = z.object({ fiscalYears: z.array(FiscalYear).min(1).optional() });

export const handler = taskHandler(DailyExportEvent, async (event) => {
  const now = new Date();
  const fiscalYears =
    event.fiscalYears ?? (await openFiscalYears(now.toISOString().slice(0, 10), startMonth));
  return { exports: await runDailySpendExports(fiscalYears) };
});
