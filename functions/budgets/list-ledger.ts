import middy from '@middy/core';
import { type ApiEvent, apiMiddlewares, callerOf, json, validate, validateBoth } from '../shared/http.js';
import { listLedgerVisibleTo } from './budget-queries.js';
import { BudgetLinePath, LedgerQuery } from './model.js';

/** A budget line's ledger entries, newest first, paginated. */
export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    const [{ fiscalYear, businessFunction }, page] = validateBoth(
      () => validate(BudgetLinePath, event.pathParameters),
      () => validate(LedgerQuery, event.queryStringParameters ?? {}),
    );
    return json(200, await listLedgerVisibleTo(caller, fiscalYear, businessFunction, page));
  });
