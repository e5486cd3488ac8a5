/**
 * The portfolio view's derived figures, as plain arithmetic. Money stays integer minor units;
 * the ratios derived from it (shares, the Herfindahl-Hirschman index) are exact and rounded
 * once (shared/ratio.ts).
 */
import { roundedRatio } from '../shared/ratio.js';

export interface Concentration {
  /** The five largest spends' share of the total, in percent (two decimals); null without spend. */
  top5SharePercent: string | null;
  /**
   * The Herfindahl-Hirschman index: the sum of the squared shares in percent, 0 to 10,000
   * (above 2,500 is commonly read as highly concentrated), two decimals; null without spend.
   */
  herfindahlHirschmanIndex: string | null;
}

/** How concentrated spends (minor units, one per vendor) are: exact until the one rounding. */
export function concentrationOf(spends: readonly number[]): Concentration {
  const positive = spends.filter((spend) => spend > 0).sort((a, b) => b - a);
  const total = positive.reduce((sum, spend) => sum + BigInt(spend), 0n);
  if (total === 0n) return { top5SharePercent: null, herfindahlHirschmanIndex: null };
  const top5 = positive.slice(0, 5).reduce((sum, spend) => sum + BigInt(spend), 0n);
  // sum((100 s_i / S)^2) = 10,000 sum(s_i^2) / S^2
  const squares = positive.reduce((sum, spend) => sum + BigInt(spend) * BigInt(spend), 0n);
  return {
    top5SharePercent: roundedRatio(top5 * 100n, total),
    herfindahlHirschmanIndex: roundedRatio(squares * 10_000n, total * total),
  };
}

/** Days between two timestamps, rounded half up to one decimal (never negative). */
export function daysBetween(from: string, to: string): number {
  const ms = Math.max(0, Date.parse(to) - Date.parse(from));
  return Math.floor((ms * 10) / 86_400_000 + 0.5) / 10;
}

export interface DurationFigures {
  count: number;
  /** Nearest-rank median and 90th percentile, in days (one decimal); null without durations. */
  medianDays: number | null;
  p90Days: number | null;
}

/** The nearest-rank percentile (the smallest value with at least p% at or below it). */
function nearestRank(sorted: readonly number[], percent: number): number {
  const rank = Math.max(1, Math.ceil((percent / 100) * sorted.length));
  return sorted[rank - 1]!;
}

export function durationFiguresOf(days: readonly number[]): DurationFigures {
  const sorted = [...days].sort((a, b) => a - b);
  if (sorted.length === 0) return { count: 0, medianDays: null, p90Days: null };
  return { count: sorted.length, medianDays: nearestRank(sorted, 50), p90Days: nearestRank(sorted, 90) };
}

/** How long something has waited, in bands a leader reads at a glance; the upper bound is inclusive. */
export const AGE_BANDS = [
  { band: '0-2 days', upToDays: 2 },
  { band: '3-7 days', upToDays: 7 },
  { band: '8-14 days', upToDays: 14 },
  { band: '15-30 days', upToDays: 30 },
  { band: 'over 30 days', upToDays: Number.POSITIVE_INFINITY },
] as const;
export type AgeBand = (typeof AGE_BANDS)[number]['band'];

/** The band of an age in whole days waited (a wait of 2 days and 23 hours is 2 days). */
export function ageBandOf(from: string, now: Date): AgeBand {
  const wholeDays = Math.floor(Math.max(0, now.getTime() - Date.parse(from)) / 86_400_000);
  return AGE_BANDS.find((band) => wholeDays <= band.upToDays)!.band;
}

export interface FiscalQuarter {
  quarter: 'Q1' | 'Q2' | 'Q3' | 'Q4';
  /** First and last day, YYYY-MM-DD. */
  from: string;
  to: string;
}

/** The four quarters of a fiscal year (named by the calendar year it ends in) with the given start month. */
export function fiscalQuartersOf(fiscalYear: string, startMonth: number): FiscalQuarter[] {
  const endYear = Number(fiscalYear.slice(2));
  const startYear = startMonth === 1 ? endYear : endYear - 1;
  const iso = (date: Date) => date.toISOString().slice(0, 10);
  return (['Q1', 'Q2', 'Q3', 'Q4'] as const).map((quarter, index) => {
    const first = new Date(Date.UTC(startYear, startMonth - 1 + 3 * index, 1));
    const last = new Date(Date.UTC(startYear, startMonth - 1 + 3 * index + 3, 0));
    return { quarter, from: iso(first), to: iso(last) };
  });
}

/**
 * The quarter a date falls in; a date before the year counts in Q1 and one after it in Q4
 * (a multi-year request's start, a late invoice), so the quarters always add up to the year.
 */
export function quarterIndexOf(quarters: readonly FiscalQuarter[], isoDate: string): number {
  const day = isoDate.slice(0, 10);
  const index = quarters.findIndex((quarter) => day <= quarter.to);
  return index === -1 ? quarters.length - 1 : index;
}
