import { describe, expect, it } from 'vitest';
import {
  ageBandOf,
  concentrationOf,
  durationFiguresOf,
  fiscalQuartersOf,
  quarterIndexOf,
} from '../../functions/reports/figures.js';
import { percentOf } from '../../functions/shared/ratio.js';
import { groupedAmount } from '../../functions/shared/readable.js';

describe('spend concentration', () => {
  it('matches the hand-computed top-5 share and Herfindahl-Hirschman index', () => {
    // Spends 400, 300, 150, 100, 30, 20 (of 1,000.00): shares 40, 30, 15, 10, 3, 2 percent.
    // HHI = 40² + 30² + 15² + 10² + 3² + 2² = 1600 + 900 + 225 + 100 + 9 + 4 = 2838; top 5 = 98%.
    const spends = [30_00, 400_00, 20_00, 150_00, 300_00, 100_00];

    expect(concentrationOf(spends)).toEqual({
      top5SharePercent: '98.00',
      herfindahlHirschmanIndex: '2838.00',
    });
  });

  it('rounds the index and shares half up to two decimals, exactly', () => {
    // Thirds: each share 33.333...%; HHI = 3 × (100/3)² = 3333.333... -> 3333.33; 2/3 -> 66.67.
    expect(concentrationOf([1, 1, 1])).toEqual({
      top5SharePercent: '100.00',
      herfindahlHirschmanIndex: '3333.33',
    });
    expect(percentOf(2, 3)).toBe('66.67');
    expect(percentOf(1, 8)).toBe('12.50');
  });

  it('gives one vendor the whole index, and none without spend', () => {
    expect(concentrationOf([5_000_00])).toEqual({
      top5SharePercent: '100.00',
      herfindahlHirschmanIndex: '10000.00',
    });
    expect(concentrationOf([0, 0])).toEqual({ top5SharePercent: null, herfindahlHirschmanIndex: null });
  });
});

describe('cycle times and ages', () => {
  it('takes nearest-rank medians and 90th percentiles', () => {
    expect(durationFiguresOf([5, 1, 4, 2, 3, 10, 6, 7, 8, 9])).toEqual({
      count: 10,
      medianDays: 5,
      p90Days: 9,
    });
    expect(durationFiguresOf([])).toEqual({ count: 0, medianDays: null, p90Days: null });
  });

  it('bands waits by whole days, upper bounds inclusive', () => {
    const now = new Date('2055-06-30T12:00:00Z');
    expect(ageBandOf('2055-06-28T13:00:00Z', now)).toBe('0-2 days');
    expect(ageBandOf('2055-06-27T12:00:00Z', now)).toBe('3-7 days');
    expect(ageBandOf('2055-05-01T00:00:00Z', now)).toBe('over 30 days');
  });
});

describe('fiscal quarters', () => {
  it('splits a July-start year into quarters, putting dates outside it in Q1 or Q4', () => {
    const quarters = fiscalQuartersOf('FY2056', 7);

    expect(quarters.map(({ from, to }) => `${from}..${to}`)).toEqual([
      '2055-07-01..2055-09-30',
      '2055-10-01..2055-12-31',
      '2056-01-01..2056-03-31',
      '2056-04-01..2056-06-30',
    ]);
    expect(quarterIndexOf(quarters, '2054-12-01')).toBe(0);
    expect(quarterIndexOf(quarters, '2056-02-29')).toBe(2);
    expect(quarterIndexOf(quarters, '2057-01-01')).toBe(3);
  });
});

it('groups an amount’s digits for reading, keeping its sign and decimals', () => {
  expect(groupedAmount('1234567.89')).toBe('1,234,567.89');
  expect(groupedAmount('-1000.00')).toBe('-1,000.00');
  expect(groupedAmount('999')).toBe('999');
});
