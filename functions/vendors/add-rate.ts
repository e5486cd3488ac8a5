import middy from '@middy/core';
import { type ApiEvent, apiMiddlewares, callerOf, json, parseJsonBody, validate } from '../shared/http.js';
import { AddRateBody, VendorIdPath } from './model.js';
import { assertMayWriteVendors } from './policy.js';
import { toRateResource } from './resources.js';
import { addRate } from './vendor-commands.js';

export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    assertMayWriteVendors(caller);
    const { id } = validate(VendorIdPath, event.pathParameters);
    const { role, ...rate } = await addRate(caller, id, parseJsonBody(event, AddRateBody));
    return json(201, { role, ...toRateResource(rate) }, { location: `/vendors/${id}/rates` });
  });
