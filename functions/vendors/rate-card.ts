import type { FieldIssue } from '../shared/errors.js';
import type { Rate } from './model.js';

/** Rates of one role must not overlap in time; periods are inclusive, an absent end is open. */
export function overlaps(a: Pick<Rate, 'validFrom' | 'validTo'>, b: Pick<Rate, 'validFrom' | 'validTo'>) {
  return a.validFrom <= (b.validTo ?? '9999-12-31') && b.validFrom <= (a.validTo ?? '9999-12-31');
}

export function overlapIssues(existing: Rate[], added: Pick<Rate, 'validFrom' | 'validTo'>): FieldIssue[] {
  return existing
    .filter((rate) => overlaps(rate, added))
    .map((rate) => ({
      field: 'validFrom',
      message: `Overlaps the rate ${rate.id} valid ${rate.validFrom} to ${rate.validTo ?? 'open end'} for the same role.`,
    }));
}

/** The rate valid on a date, if any (at most one, since rates of a role never overlap). */
export function rateAsOf(rates: Rate[], date: string): Rate | undefined {
  return rates.find((rate) => rate.validFrom <= date && date <= (rate.validTo ?? '9999-12-31'));
}

/** Roles are matched case- and space-insensitively: "Senior  Validation Engineer" is one role. */
export function roleKeyOf(role: string): string {
  return role.toLowerCase().replace(/\s+/g, ' ').trim();
}
