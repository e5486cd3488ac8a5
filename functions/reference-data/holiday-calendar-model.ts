import * as z from 'zod';
import { IsoDate, PersonResource, SingleLineText } from '../shared/schemas.js';

/**
 * A year's holiday calendar: the days that are not business days although they fall on a
 * weekday. Reminders and escalation deadlines of approvals count business days over it.
 */

export const HOLIDAYS_PER_YEAR = 60;

export const HolidayCalendarPath = z.strictObject({
  year: z.string().regex(/^20\d{2}$/, 'Must be a year such as "2027".'),
});

export const Holiday = z.strictObject({
  date: IsoDate,
  name: SingleLineText.min(1).max(120),
});

const Holidays = z
  .array(Holiday)
  .max(HOLIDAYS_PER_YEAR, `At most ${HOLIDAYS_PER_YEAR} holidays a year.`)
  .describe("The year's holidays (each date once, all in the path's year); an empty list is a year without.");

/** Each date once: a repeat is reported at the later one. */
function uniqueDates(body: { holidays: { date: string }[] }, context: z.RefinementCtx): void {
  const first = new Map<string, number>();
  body.holidays.forEach((holiday, index) => {
    const earlier = first.get(holiday.date);
    if (earlier === undefined) first.set(holiday.date, index);
    else
      context.addIssue({
        code: 'custom',
        path: ['holidays', index, 'date'],
        message: `Holiday ${earlier} has the same date.`,
      });
  });
}

/** PUT /holiday-calendars/{year}: the whole year's holidays, replaced. */
export const HolidayCalendarBody = z
  .strictObject({ holidays: Holidays })
  .superRefine(uniqueDates)
  .meta({ id: 'HolidayCalendarBody' });

/** A calendar in the seed file: its year with its holidays. */
export const HolidayCalendarSeedItem = z
  .strictObject({ year: HolidayCalendarPath.shape.year, holidays: Holidays })
  .superRefine(uniqueDates);
export type HolidayCalendarBodyType = z.output<typeof HolidayCalendarBody>;

export const HolidayCalendarResource = z
  .object({
    year: z.string(),
    holidays: z.array(z.object({ date: z.string(), name: z.string() })).describe('In date order.'),
    version: z.number().int().min(1),
    updatedAt: z.string().describe('ISO 8601 UTC timestamp.'),
    updatedBy: PersonResource,
  })
  .meta({ id: 'HolidayCalendar' });
export type HolidayCalendar = z.infer<typeof HolidayCalendarResource>;
