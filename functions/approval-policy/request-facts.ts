import type { ConsultancyRequest } from '../requests/model.js';
import { formatMoney } from '../shared/money.js';
import { getVendor } from '../vendors/vendor-queries.js';
import type { ChainFacts } from './model.js';

/** What the policy's rules (approval and auto-triage) match on: the request, and its preferred vendor's risk and status now. */
export async function factsOfRequest(request: ConsultancyRequest): Promise<ChainFacts> {
  const vendor = request.preferredVendorId ? await getVendor(request.preferredVendorId) : undefined;
  return {
    businessFunction: request.businessFunction,
    category: request.category,
    urgency: request.urgency,
    amount: formatMoney(request.estimatedCost).amount,
    requester: request.requester,
    ...(vendor ? { vendor: { riskTier: vendor.riskTier, status: vendor.status } } : {}),
  };
}
