import type { Caller } from '../shared/auth.js';
import { ValidationError } from '../shared/errors.js';
import type { HolidayCalendar, HolidayCalendarBodyType } from './holiday-calendar-model.js';
import { getHolidayCalendar, saveHolidayCalendar } from './holiday-calendar-store.js';
import {
  ensureVersionedRecord,
  type PutOutcome,
  putVersionedRecord,
  type VersionedRecordKind,
} from './versioned-records.js';

/** Holiday calendars as versioned reference data: a year's holidays, replaced whole, kept in date order. */
const HOLIDAY_CALENDARS: VersionedRecordKind<
  HolidayCalendarBodyType,
  Pick<HolidayCalendar, 'holidays'>,
  HolidayCalendar
> = {
  what: 'holiday calendar',
  entityType: 'HOLIDAY_CALENDAR',
  get: getHolidayCalendar,
  save: saveHolidayCalendar,
  contentsOf: (of) => ({
    holidays: of.holidays
      .map((holiday) => ({ date: holiday.date, name: holiday.name }))
      .sort((a, b) => a.date.localeCompare(b.date)),
  }),
  recordOf: (year, contents, stamp) => ({ year, ...contents, ...stamp }),
};

/** Every holiday must fall in the calendar's year: listed at once. */
function assertInYear(year: string, body: HolidayCalendarBodyType): void {
  const issues = body.holidays.flatMap((holiday, index) =>
    holiday.date.startsWith(`${year}-`)
      ? []
      : [{ field: `holidays.${index}.date`, message: `Must be a date in ${year}, the calendar's year.` }],
  );
  if (issues.length > 0) throw new ValidationError(issues);
}

/** Creates or replaces a year's holiday calendar (admin; If-Match to replace). */
export async function putHolidayCalendar(
  caller: Caller,
  year: string,
  body: HolidayCalendarBodyType,
  ifMatch: string | undefined,
  now = new Date(),
): Promise<{ record: HolidayCalendar; created: boolean }> {
  assertInYear(year, body);
  return putVersionedRecord(HOLIDAY_CALENDARS, caller, year, body, ifMatch, now);
}

/** Makes a year's holiday calendar exactly as given (loading reference data); an unchanged one is left alone. */
export async function ensureHolidayCalendar(
  caller: Caller,
  year: string,
  body: HolidayCalendarBodyType,
  now = new Date(),
): Promise<PutOutcome> {
  assertInYear(year, body);
  return ensureVersionedRecord(HOLIDAY_CALENDARS, caller, year, body, now);
}
