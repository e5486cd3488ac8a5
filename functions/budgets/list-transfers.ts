import middy from '@middy/core';
import { type ApiEvent, apiMiddlewares, callerOf, json, validate, validateBoth } from '../shared/http.js';
import { FiscalYearPath, TransferListQuery } from './model.js';
import { transfersOf } from './transfer-decisions.js';

/** A fiscal year's transfers, newest first, with their status (finance, admin, approvers). */
export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    const [{ fiscalYear }, query] = validateBoth(
      () => validate(FiscalYearPath, event.pathParameters),
      () => validate(TransferListQuery, event.queryStringParameters ?? {}),
    );
    const { limit, cursor, status } = query;
    return json(200, await transfersOf(caller, fiscalYear, { limit, cursor }, status));
  });
