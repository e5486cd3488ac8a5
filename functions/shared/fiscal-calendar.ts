import { optionalEnv } from './config.js';
import { assertFiscalYearStartMonth, fiscalYearOf } from './fiscal-year.js';

/**
 * The deployment's fiscal calendar: the month fiscal years start in (`techops:fiscalYearStartMonth`,
 * given to the Lambdas whose routes ask for the `fiscalYearStartMonth` setting), read once.
 */
export const fiscalYearStartMonth = Number(optionalEnv('FISCAL_YEAR_START_MONTH', '1'));
assertFiscalYearStartMonth(fiscalYearStartMonth);

/** The fiscal year a date falls in, by the configured start month. */
export const fiscalYearOfDate = (isoDate: string) => fiscalYearOf(isoDate, fiscalYearStartMonth);
