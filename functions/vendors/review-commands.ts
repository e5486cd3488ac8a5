import { getRequestById } from '../requests/request-queries.js';
import { type Caller, personOf } from '../shared/auth.js';
import { ValidationError } from '../shared/errors.js';
import { type Alongside, nothingAlongside } from '../shared/idempotency.js';
import { newId } from '../shared/ids.js';
import type { AddReviewInput, Review, Vendor } from './model.js';
import { toReviewResource } from './resources.js';
import { addReview as addToTotals } from './review-totals.js';
import { BUSY, RETRIES, save, vendorEvent } from './vendor-commands.js';
import { getExistingVendor } from './vendor-queries.js';
import { reviewPut, StaleVendorError } from './vendor-store.js';

/**
 * Records a review and updates the vendor's running score sums in the same transaction. The sums
 * are not based on what the caller read, so a concurrent change is retried, not refused.
 */
export async function addReview(
  caller: Caller,
  vendorId: string,
  body: AddReviewInput,
  alongside: Alongside<Review> = nothingAlongside,
  now = new Date(),
): Promise<{ review: Review; vendor: Vendor }> {
  const [vendor, request] = await Promise.all([
    getExistingVendor(vendorId),
    body.requestId ? getRequestById(body.requestId) : Promise.resolve(undefined),
  ]);
  if (body.requestId && !request) {
    throw new ValidationError([{ field: 'requestId', message: `Unknown request ${body.requestId}.` }]);
  }
  const at = now.toISOString();
  const review: Review = {
    id: newId('review', now.getTime()),
    vendorId,
    ...body,
    reviewer: personOf(caller),
    createdAt: at,
  };
  for (let attempt = 1, before = vendor; ; attempt++) {
    const after: Vendor = {
      ...before,
      reviewTotals: addToTotals(before.reviewTotals, body),
      updatedAt: at,
      version: before.version + 1,
    };
    const event = vendorEvent(caller, vendorId, {
      action: 'REVIEW_ADDED',
      at,
      after: toReviewResource(review),
    });
    try {
      await save(before, after, event, [reviewPut(review), ...alongside(review)]);
      return { review, vendor: after };
    } catch (error) {
      if (!(error instanceof StaleVendorError)) throw error;
      if (attempt === RETRIES) throw BUSY('reviewing it');
      before = await getExistingVendor(vendorId);
    }
  }
}
