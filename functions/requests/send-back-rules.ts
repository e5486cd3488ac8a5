import { formatMoney } from '../shared/money.js';
import type { ChainDecidingFields, ConsultancyRequest } from './model.js';

/**
 * When an approver sends a request back, its resubmission goes on from the step that sent it
 * back, unless what decided the chain changed: then the chain restarts from step 1 and its
 * earlier approvals no longer count.
 */

/** The amount may rise by this much (percent) before the chain restarts, unless the policy says otherwise. */
export const DEFAULT_RESTART_ABOVE_PERCENT_RISE = 10;

export function chainDecidingFieldsOf(request: ConsultancyRequest): ChainDecidingFields {
  return {
    estimatedCost: request.estimatedCost,
    businessFunction: request.businessFunction,
    category: request.category,
    ...(request.preferredVendorId ? { preferredVendorId: request.preferredVendorId } : {}),
  };
}

/** Why the resubmitted request must restart its chain, one phrase per reason; empty when it goes on. */
export function chainRestartReasons(
  asSentBack: ChainDecidingFields,
  now: ChainDecidingFields,
  restartAbovePercentRise: number,
): string[] {
  const reasons: string[] = [];
  const before = BigInt(asSentBack.estimatedCost.minor);
  const after = BigInt(now.estimatedCost.minor);
  // Exact: after / before > 1 + p/100, in whole minor units (hundredths of a percent allowed).
  const basisPoints = BigInt(Math.round(restartAbovePercentRise * 100));
  if (now.estimatedCost.currency !== asSentBack.estimatedCost.currency) {
    reasons.push(
      `the currency changed from ${asSentBack.estimatedCost.currency} to ${now.estimatedCost.currency}`,
    );
  } else if (after * 10_000n > before * (10_000n + basisPoints)) {
    reasons.push(
      `the estimated cost rose from ${formatMoney(asSentBack.estimatedCost).amount} to ${formatMoney(now.estimatedCost).amount} ${now.estimatedCost.currency}, more than the policy's ${restartAbovePercentRise}%`,
    );
  }
  if (now.businessFunction !== asSentBack.businessFunction) {
    reasons.push(
      `the business function changed from ${asSentBack.businessFunction} to ${now.businessFunction}`,
    );
  }
  if (now.category !== asSentBack.category) {
    reasons.push(`the category changed from ${asSentBack.category} to ${now.category}`);
  }
  if ((now.preferredVendorId ?? null) !== (asSentBack.preferredVendorId ?? null)) {
    reasons.push(
      `the preferred vendor changed from ${asSentBack.preferredVendorId ?? 'none'} to ${now.preferredVendorId ?? 'none'}`,
    );
  }
  return reasons;
}
