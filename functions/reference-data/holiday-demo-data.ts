import type { HolidayCalendarBodyType } from './holiday-calendar-model.js';

/**
 * Demo holiday calendars the local cloud seeds: the fixed-date holidays of a year (those falling
 * on a weekend are left out: a weekend is no business day anyway).
 */
export function demoHolidayCalendar(year: number): HolidayCalendarBodyType {
  const fixed = [
    { monthDay: '01-01', name: "New Year's Day" },
    { monthDay: '05-01', name: 'Labour Day' },
    { monthDay: '12-25', name: 'Christmas Day' },
    { monthDay: '12-26', name: 'Boxing Day' },
  ];
  return {
    holidays: fixed
      .map(({ monthDay, name }) => ({ date: `${year}-${monthDay}`, name }))
      .filter(({ date }) => ![0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay())),
  };
}
