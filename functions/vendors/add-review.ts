import { AddReviewBody, type Review } from './model.js';
import { toReviewResource } from './resources.js';
import { addReview } from './review-commands.js';
import { vendorPartHandler } from './vendor-part-handler.js';

export const handler = vendorPartHandler({
  body: AddReviewBody,
  add: async (caller, vendorId, body, alongside): Promise<Review> =>
    (await addReview(caller, vendorId, body, alongside)).review,
  respond: (vendorId, review: Review) => ({
    body: toReviewResource(review),
    location: `/vendors/${vendorId}/reviews`,
  }),
});
