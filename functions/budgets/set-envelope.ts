import middy from '@middy/core';
import { etagOf } from '../shared/concurrency.js';
import {
  type ApiEvent,
  apiMiddlewares,
  callerOf,
  json,
  parseJsonBody,
  validate,
  validateBoth,
} from '../shared/http.js';
import { parseMoney } from '../shared/money.js';
import { getBudgetView } from './budget-queries.js';
import { setEnvelope } from './envelope-commands.js';
import { FiscalYearPath, SetBudgetAmountBody } from './model.js';

/** Sets a fiscal year's consultancy envelope (admin, finance): 201 when first set, else 200. */
export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    const [{ fiscalYear }, body] = validateBoth(
      () => validate(FiscalYearPath, event.pathParameters),
      () => parseJsonBody(event, SetBudgetAmountBody),
    );
    const { created } = await setEnvelope(
      caller,
      fiscalYear,
      parseMoney(body),
      body.reason,
      event.headers['if-match'],
    );
    const view = await getBudgetView(caller, fiscalYear);
    return json(created ? 201 : 200, view, { etag: etagOf(view), location: `/budgets/${fiscalYear}` });
  });
