import middy from '@middy/core';
import { type ApiEvent, apiMiddlewares, callerOf, json, validate } from '../shared/http.js';
import { today as todayDate } from './dates.js';
import { expiringContracts } from './expiring-contracts.js';
import { ExpiringContractsQuery } from './model.js';
import { assertMayReadVendors } from './policy.js';

export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    assertMayReadVendors(callerOf(event));
    const { withinDays, ...page } = validate(ExpiringContractsQuery, event.queryStringParameters ?? {});
    const today = todayDate();
    return json(200, await expiringContracts(today, withinDays, page));
  });
