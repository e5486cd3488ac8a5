/**
 * Business days: every day but Saturday, Sunday and the holidays of the holiday calendar. Days
 * are UTC calendar days (timestamps are UTC throughout); holidays are `YYYY-MM-DD` dates.
 */

const DAY_MS = 86_400_000;

/** How far ahead a count of business days may look: a year of holidays cannot hide every day. */
const MAX_CALENDAR_DAYS = 3_660;

export const isoDateOf = (instant: Date) => instant.toISOString().slice(0, 10);

/** Saturday, Sunday or a holiday. */
export function isBusinessDay(instant: Date, holidays: ReadonlySet<string>): boolean {
  const weekday = instant.getUTCDay();
  return weekday !== 0 && weekday !== 6 && !holidays.has(isoDateOf(instant));
}

/**
 * The instant `days` business days after `instant`, at the same time of day: each day counted is
 * the next one that is not a weekend day or a holiday. So 2 business days after Friday 10:00 is
 * Tuesday 10:00, and after Saturday 10:00 too (counting starts at the next business day).
 */
export function addBusinessDays(instant: Date, days: number, holidays: ReadonlySet<string>): Date {
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`Not a count of business days: ${days}.`);
  let at = instant.getTime();
  let counted = 0;
  for (let calendarDays = 0; counted < days; calendarDays++) {
    if (calendarDays >= MAX_CALENDAR_DAYS) throw new RangeError('No business day within ten years.');
    at += DAY_MS;
    if (isBusinessDay(new Date(at), holidays)) counted++;
  }
  return new Date(at);
}

/** The calendar years a count of business days from `instant` may reach: whose holidays matter. */
export function yearsSpanned(instant: Date, days: number): number[] {
  const first = instant.getUTCFullYear();
  // A business day is at most ~3 calendar days away, plus holidays: twice the days, plus a month.
  const last = new Date(instant.getTime() + (days * 2 + 31) * DAY_MS).getUTCFullYear();
  return Array.from({ length: last - first + 1 }, (_, index) => first + index);
}
