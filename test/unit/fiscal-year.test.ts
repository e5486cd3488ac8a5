import { describe, expect, it } from 'vitest';
import { FISCAL_YEAR_PATTERN, fiscalYearOf } from '../../functions/shared/fiscal-year.js';

describe('fiscalYearOf', () => {
  it.each([
    ['2026-01-01', 'FY2026'],
    ['2026-06-30', 'FY2026'],
    ['2026-12-31', 'FY2026'],
  ])('with a January start puts %s in the calendar year, %s', (date, fiscalYear) => {
    const result = fiscalYearOf(date, 1);

    expect(result).toBe(fiscalYear);
  });

  it.each([
    ['2026-01-01', 'FY2026'],
    ['2026-06-30', 'FY2026'],
    ['2026-07-01', 'FY2027'],
    ['2026-12-31', 'FY2027'],
    ['2027-06-30', 'FY2027'],
    ['2027-07-01', 'FY2028'],
  ])('with a July start puts %s in %s (named by the year it ends)', (date, fiscalYear) => {
    const result = fiscalYearOf(date, 7);

    expect(result).toBe(fiscalYear);
  });

  it.each([
    ['2026-09-30', 'FY2026'],
    ['2026-10-01', 'FY2027'],
    ['2026-12-31', 'FY2027'],
    ['2027-01-01', 'FY2027'],
    ['2027-09-30', 'FY2027'],
  ])('with an October start puts %s in %s', (date, fiscalYear) => {
    const result = fiscalYearOf(date, 10);

    expect(result).toBe(fiscalYear);
  });

  it.each([
    ['2026-11-30', 'FY2026'],
    ['2026-12-01', 'FY2027'],
  ])('with a December start puts %s in %s', (date, fiscalYear) => {
    const result = fiscalYearOf(date, 12);

    expect(result).toBe(fiscalYear);
  });

  it('names a fiscal year in the FYyyyy form', () => {
    const result = fiscalYearOf('2026-08-15', 7);

    expect(result).toMatch(FISCAL_YEAR_PATTERN);
  });

  it.each([0, 13, -1, 1.5, Number.NaN])('rejects the start month %s', (startMonth) => {
    const compute = () => fiscalYearOf('2026-07-01', startMonth);

    expect(compute).toThrow(RangeError);
    expect(compute).toThrow('Fiscal year start month must be 1-12');
  });
});

describe('FISCAL_YEAR_PATTERN', () => {
  it.each(['FY2027', 'FY1999'])('accepts %s', (name) => {
    expect(FISCAL_YEAR_PATTERN.test(name)).toBe(true);
  });

  it.each(['2027', 'FY27', 'fy2027', 'FY20271', 'FY 2027'])('rejects %s', (name) => {
    expect(FISCAL_YEAR_PATTERN.test(name)).toBe(false);
  });
});
