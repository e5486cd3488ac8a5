import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { requireEnv } from '../shared/config.js';
import { batchGetItems, documentClient, entityOf, putVersioned, type TransactItem } from '../shared/db.js';
import type { HolidayCalendar } from './holiday-calendar-model.js';

/** Holiday calendars are reference data: one partition of the reference table, one item per year. */
const referenceTableName = requireEnv('REFERENCE_TABLE_NAME');

const HOLIDAY_CALENDAR_PARTITION = 'HOLIDAY_CALENDAR';
const holidayCalendarKey = (year: string) => ({ pk: HOLIDAY_CALENDAR_PARTITION, sk: year });

const STORAGE_ATTRIBUTES = new Set(['pk', 'sk']);

export async function getHolidayCalendar(year: string): Promise<HolidayCalendar | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: referenceTableName, Key: holidayCalendarKey(year), ConsistentRead: true }),
  );
  return Item ? entityOf<HolidayCalendar>(Item, STORAGE_ATTRIBUTES) : undefined;
}

/** The holidays of these years, as dates; a year without a calendar has none. */
export async function holidaysOf(years: readonly number[]): Promise<Set<string>> {
  const items = await batchGetItems(
    referenceTableName,
    years.map((year) => holidayCalendarKey(String(year))),
  );
  return new Set(
    items.flatMap((item) =>
      entityOf<HolidayCalendar>(item, STORAGE_ATTRIBUTES).holidays.map((holiday) => holiday.date),
    ),
  );
}

/** Creates or replaces a year's calendar with its audit event (see putVersioned). */
export async function saveHolidayCalendar(
  calendar: HolidayCalendar,
  basedOn: number | undefined,
  alongside: TransactItem,
): Promise<void> {
  await putVersioned(
    referenceTableName,
    { ...holidayCalendarKey(calendar.year), ...calendar },
    basedOn,
    alongside,
    `Holiday calendar ${calendar.year}`,
  );
}
