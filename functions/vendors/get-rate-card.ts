import middy from '@middy/core';
import { type ApiEvent, apiMiddlewares, callerOf, json, validate } from '../shared/http.js';
import { allInOrder } from '../shared/parallel.js';
import { RateCardQuery, VendorIdPath } from './model.js';
import { assertMayReadVendors } from './policy.js';
import { rateAsOf } from './rate-card.js';
import { toRateResource } from './resources.js';
import { getExistingVendor, listRateCardRoles } from './vendor-queries.js';

/** The vendor's rate card by role; `asOf` keeps only the rate valid on that date per role. */
export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    assertMayReadVendors(callerOf(event));
    const { id } = validate(VendorIdPath, event.pathParameters);
    const { asOf } = validate(RateCardQuery, event.queryStringParameters ?? {});
    const [, roles] = await allInOrder(getExistingVendor(id), listRateCardRoles(id));
    const card = roles
      .map(({ role, rates }) => {
        const shown = asOf ? [rateAsOf(rates, asOf)].filter((rate) => rate !== undefined) : rates;
        return { role, rates: shown.map(toRateResource) };
      })
      .filter((role) => role.rates.length > 0);
    return json(200, { vendorId: id, ...(asOf ? { asOf } : {}), roles: card });
  });
