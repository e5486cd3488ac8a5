import { formatMoney } from '../shared/money.js';
import {
  type Contract,
  ContractResource,
  type Rate,
  RateResource,
  type Review,
  ReviewResource,
  type Vendor,
  VendorResource,
  type VendorSummary,
  VendorSummaryResource,
} from './model.js';
import { averagesOf } from './review-totals.js';

/** Wire forms: fields in schema order and nothing but the schema's fields (storage keys dropped). */
export function toVendorResource(vendor: Vendor, contracts?: Contract[]) {
  const averages = averagesOf(vendor.reviewTotals);
  return VendorResource.parse({
    ...vendor,
    reviews: { count: vendor.reviewTotals.count, ...(averages ? { averages } : {}) },
    ...(contracts ? { contracts } : {}),
  });
}

export function summaryOf(vendor: VendorSummary): VendorSummary {
  return VendorSummaryResource.parse(vendor);
}

export const toContractResource = (contract: Contract) => ContractResource.parse(contract);

export const toRateResource = (rate: Rate) => RateResource.parse({ ...rate, rate: formatMoney(rate.rate) });

export const toReviewResource = (review: Review) => ReviewResource.parse(review);
