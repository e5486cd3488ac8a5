import type { Rate } from './model.js';
import { AddRateBody } from './model.js';
import { toRateResource } from './resources.js';
import { addRate } from './vendor-commands.js';
import { vendorPartHandler } from './vendor-part-handler.js';

export const handler = vendorPartHandler({
  body: AddRateBody,
  add: addRate,
  respond: (vendorId, { role, ...rate }: Rate & { role: string }) => ({
    body: { role, ...toRateResource(rate) },
    location: `/vendors/${vendorId}/rates`,
  }),
});
