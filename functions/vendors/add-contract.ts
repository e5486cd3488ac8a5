import { AddContractBody } from './model.js';
import { toContractResource } from './resources.js';
import { addContract } from './vendor-commands.js';
import { vendorPartHandler } from './vendor-part-handler.js';

export const handler = vendorPartHandler({
  body: AddContractBody,
  add: addContract,
  respond: (vendorId, contract) => ({ body: toContractResource(contract), location: `/vendors/${vendorId}` }),
});
