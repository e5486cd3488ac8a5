import middy from '@middy/core';
import { type ApiEvent, apiMiddlewares, callerOf, json, parseJsonBody, validate } from '../shared/http.js';
import { AddContractBody, VendorIdPath } from './model.js';
import { assertMayWriteVendors } from './policy.js';
import { toContractResource } from './resources.js';
import { addContract } from './vendor-commands.js';

export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    assertMayWriteVendors(caller);
    const { id } = validate(VendorIdPath, event.pathParameters);
    const contract = await addContract(caller, id, parseJsonBody(event, AddContractBody));
    return json(201, toContractResource(contract), { location: `/vendors/${id}` });
  });
