import middy from '@middy/core';
import { type ApiEvent, apiMiddlewares, callerOf, json, parseJsonBody } from '../shared/http.js';
import { recordActual } from './actuals.js';
import { RecordActualBody } from './model.js';

/** Finance records an invoice against an approved request; the same invoice again is the same actual. */
export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    const body = parseJsonBody(event, RecordActualBody);
    const result = await recordActual(caller, body);
    return json(result.statusCode, result.body, {
      location: `/budgets/${result.body.fiscalYear}/${result.body.businessFunction}/ledger`,
    });
  });
