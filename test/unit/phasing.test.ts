import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fiscalYearsTouched,
  phasingIssues,
  phasingOf,
  proRataByDays,
} from '../../functions/shared/phasing.js';

const usd = (minor: number) => ({ minor, currency: 'USD' });

describe('fiscalYearsTouched', () => {
  it('counts the days of a request in each fiscal year, start and end inclusive (January start)', () => {
    const years = fiscalYearsTouched('2027-11-01', '2028-02-28', 1);

    expect(years).toEqual([
      { fiscalYear: 'FY2027', days: 61 },
      { fiscalYear: 'FY2028', days: 59 },
    ]);
  });

  it('counts 29 February in a leap year', () => {
    const years = fiscalYearsTouched('2027-11-01', '2028-02-29', 1);

    expect(years).toEqual([
      { fiscalYear: 'FY2027', days: 61 },
      { fiscalYear: 'FY2028', days: 60 },
    ]);
  });

  it('splits at the configured start month (July: FY2027 ends on 30 June 2027)', () => {
    const years = fiscalYearsTouched('2027-06-01', '2028-07-10', 7);

    expect(years).toEqual([
      { fiscalYear: 'FY2027', days: 30 },
      { fiscalYear: 'FY2028', days: 366 },
      { fiscalYear: 'FY2029', days: 10 },
    ]);
  });

  it('gives a request within one fiscal year one year', () => {
    expect(fiscalYearsTouched('2027-03-01', '2027-03-01', 1)).toEqual([{ fiscalYear: 'FY2027', days: 1 }]);
  });
});

describe('proRataByDays', () => {
  it('splits exactly by days when the amount divides', () => {
    const parts = proRataByDays(usd(12_000_000), fiscalYearsTouched('2027-11-01', '2028-02-28', 1));

    expect(parts.map((part) => [part.fiscalYear, part.amount.minor])).toEqual([
      ['FY2027', 6_100_000],
      ['FY2028', 5_900_000],
    ]);
  });

  it('rounds each year but the last down and gives the remainder to the last year', () => {
    // 10,000 cents over 61 and 59 days: 5,083.33 and 4,916.67.
    const parts = proRataByDays(usd(10_000), fiscalYearsTouched('2027-11-01', '2028-02-28', 1));

    expect(parts.map((part) => part.amount.minor)).toEqual([5_083, 4_917]);
  });

  it('stays exact beyond 2^53 when multiplying the largest amounts by days', () => {
    const total = Number.MAX_SAFE_INTEGER;
    const parts = proRataByDays(usd(total), fiscalYearsTouched('2027-01-01', '2029-12-31', 1));

    expect(parts.reduce((sum, part) => sum + part.amount.minor, 0)).toBe(total);
    expect(parts[0]?.amount.minor).toBe(Number((BigInt(total) * 365n) / 1096n));
  });

  it('always sums to the total, each part within one minor unit per year of its exact share', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000_000_000 }),
        fc.array(fc.integer({ min: 1, max: 366 }), { minLength: 1, maxLength: 6 }),
        (total, days) => {
          const years = days.map((count, index) => ({ fiscalYear: `FY${2030 + index}`, days: count }));
          const allDays = days.reduce((sum, count) => sum + count, 0);

          const parts = proRataByDays(usd(total), years);

          expect(parts.reduce((sum, part) => sum + part.amount.minor, 0)).toBe(total);
          for (const [index, part] of parts.entries()) {
            const exact = (total * (days[index] as number)) / allDays;
            expect(part.amount.minor).toBeGreaterThanOrEqual(0);
            expect(Math.abs(part.amount.minor - exact)).toBeLessThan(days.length + 1);
          }
        },
      ),
    );
  });
});

describe('phasingOf', () => {
  it('works out a request spanning fiscal years pro rata by days', () => {
    const phasing = phasingOf(
      { estimatedCost: usd(12_000_000), startDate: '2027-11-01', endDate: '2028-02-28' },
      1,
    );

    expect(phasing).toEqual({
      basis: 'PRO_RATA_BY_DAYS',
      parts: [
        { fiscalYear: 'FY2027', amount: usd(6_100_000), days: 61 },
        { fiscalYear: 'FY2028', amount: usd(5_900_000), days: 59 },
      ],
    });
  });

  it('keeps the stated parts, in fiscal year order', () => {
    const phasing = phasingOf(
      {
        estimatedCost: usd(12_000_000),
        startDate: '2027-11-01',
        endDate: '2028-02-28',
        phasing: [
          { fiscalYear: 'FY2028', amount: { amount: '20000.00', currency: 'USD' } },
          { fiscalYear: 'FY2027', amount: { amount: '100000.00', currency: 'USD' } },
        ],
      },
      1,
    );

    expect(phasing).toEqual({
      basis: 'STATED',
      parts: [
        { fiscalYear: 'FY2027', amount: usd(10_000_000), days: 61 },
        { fiscalYear: 'FY2028', amount: usd(2_000_000), days: 59 },
      ],
    });
  });

  it('has none for a request within one fiscal year', () => {
    const phasing = phasingOf({ estimatedCost: usd(100), startDate: '2027-03-01', endDate: '2027-09-30' }, 1);

    expect(phasing).toBeUndefined();
  });
});

describe('phasingIssues', () => {
  const request = {
    estimatedCost: { amount: '120000.00', currency: 'USD' },
    startDate: '2027-11-01',
    endDate: '2028-02-28',
  };
  const part = (fiscalYear: string, amount: string, currency = 'USD') => ({
    fiscalYear,
    amount: { amount, currency },
  });

  it('accepts one part per fiscal year summing exactly to the estimated cost', () => {
    const issues = phasingIssues([part('FY2027', '100000.00'), part('FY2028', '20000.00')], request, 1);

    expect(issues).toEqual([]);
  });

  it('lists every problem at once: a year twice, a year the dates do not touch, a missing year, the sum', () => {
    const issues = phasingIssues(
      [part('FY2027', '1.00'), part('FY2027', '2.00'), part('FY2030', '3.00')],
      request,
      1,
    );

    expect(issues).toEqual([
      { field: 'phasing.1.fiscalYear', message: 'FY2027 is listed twice.' },
      {
        field: 'phasing.2.fiscalYear',
        message: 'FY2030 is not among the fiscal years the dates touch (FY2027, FY2028).',
      },
      {
        field: 'phasing',
        message: 'Missing FY2028: give one entry per fiscal year the dates touch (FY2027, FY2028).',
      },
      {
        field: 'phasing',
        message: 'The parts sum to 6.00 USD; they must sum exactly to the estimated cost, 120000.00 USD.',
      },
    ]);
  });

  it("refuses a part in another currency than the estimated cost's", () => {
    const issues = phasingIssues(
      [part('FY2027', '100000.00', 'EUR'), part('FY2028', '20000.00')],
      request,
      1,
    );

    expect(issues).toEqual([
      { field: 'phasing.0.amount.currency', message: "Must be the estimated cost's currency, USD." },
    ]);
  });
});
