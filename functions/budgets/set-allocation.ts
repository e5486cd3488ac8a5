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
import { setAllocation } from './budget-commands.js';
import { BudgetLinePath, SetBudgetAmountBody, toLineResource } from './model.js';

/** Sets a business function's allocation for a fiscal year (admin). */
export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    const [{ fiscalYear, businessFunction }, body] = validateBoth(
      () => validate(BudgetLinePath, event.pathParameters),
      () => parseJsonBody(event, SetBudgetAmountBody),
    );
    const line = await setAllocation(
      caller,
      fiscalYear,
      businessFunction,
      parseMoney(body),
      body.reason,
      event.headers['if-match'],
    );
    return json(200, toLineResource(line), { etag: etagOf(line) });
  });
