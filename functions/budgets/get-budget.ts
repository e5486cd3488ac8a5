import middy from '@middy/core';
import { etagOf } from '../shared/concurrency.js';
import { type ApiEvent, apiMiddlewares, callerOf, json, validate } from '../shared/http.js';
import { getBudgetView } from './budget-queries.js';
import { FiscalYearPath } from './model.js';

/** A fiscal year's budget: envelope, and per business function allocated, committed, actual, available. */
export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    const { fiscalYear } = validate(FiscalYearPath, event.pathParameters);
    const view = await getBudgetView(caller, fiscalYear);
    return json(200, view, { etag: etagOf(view) });
  });
