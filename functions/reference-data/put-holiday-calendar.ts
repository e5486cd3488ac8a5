import { putHolidayCalendar } from './holiday-calendar-commands.js';
import { HolidayCalendarBody, HolidayCalendarPath } from './holiday-calendar-model.js';
import { versionedRecordPutHandler } from './versioned-record-handler.js';

/** Creates (201) or replaces (200, If-Match) a year's holiday calendar. */
export const handler = versionedRecordPutHandler({
  path: HolidayCalendarPath,
  key: 'year',
  body: HolidayCalendarBody,
  put: putHolidayCalendar,
  collection: '/holiday-calendars',
});
