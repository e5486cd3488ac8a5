import middy from '@middy/core';
import { requireAnyRole } from '../shared/auth.js';
import { etagOf } from '../shared/concurrency.js';
import { NotFoundError } from '../shared/errors.js';
import { type ApiEvent, apiMiddlewares, callerOf, json, validate } from '../shared/http.js';
import { HolidayCalendarPath } from './holiday-calendar-model.js';
import { getHolidayCalendar } from './holiday-calendar-store.js';

export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    requireAnyRole(callerOf(event));
    const { year } = validate(HolidayCalendarPath, event.pathParameters);
    const calendar = await getHolidayCalendar(year);
    if (!calendar)
      throw new NotFoundError(`No holiday calendar for ${year}: every weekday of it is a business day.`);
    return json(200, calendar, { etag: etagOf(calendar) });
  });
