import middy from '@middy/core';
import { type ApiEvent, apiMiddlewares, callerOf, json, validate } from '../shared/http.js';
import { FiscalYearPath } from './model.js';
import { closeFiscalYear } from './year-end-close.js';

/** Closes a fiscal year and carries its open commitments to the next (admin); a repeat answers the same summary. */
export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    const { fiscalYear } = validate(FiscalYearPath, event.pathParameters);
    return json(200, await closeFiscalYear(caller, fiscalYear));
  });
