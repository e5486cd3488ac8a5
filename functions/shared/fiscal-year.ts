/**
 * Fiscal years are named by the calendar year in which they end (FY2027). The start month
 * is configuration: with a July start, 2026-07-01 .. 2027-06-30 is FY2027.
 */
export function fiscalYearOf(isoDate: string, startMonth: number): string {
  assertFiscalYearStartMonth(startMonth);
  const year = Number(isoDate.slice(0, 4));
  const month = Number(isoDate.slice(5, 7));
  const endYear = startMonth === 1 || month < startMonth ? year : year + 1;
  return `FY${endYear}`;
}

export function assertFiscalYearStartMonth(startMonth: number): void {
  if (!Number.isInteger(startMonth) || startMonth < 1 || startMonth > 12) {
    throw new RangeError(`Fiscal year start month must be 1-12, got ${startMonth}`);
  }
}

export const FISCAL_YEAR_PATTERN = /^FY[0-9]{4}$/;
