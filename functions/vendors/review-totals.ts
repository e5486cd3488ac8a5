import { REVIEW_DIMENSIONS, type ReviewDimension, type ReviewTotals } from './model.js';

export const NO_REVIEWS: ReviewTotals = {
  count: 0,
  sums: { quality: 0, timeliness: 0, valueForMoney: 0, communication: 0 },
};

export function addReview(totals: ReviewTotals, scores: Record<ReviewDimension, number>): ReviewTotals {
  return {
    count: totals.count + 1,
    sums: Object.fromEntries(
      REVIEW_DIMENSIONS.map((dimension) => [dimension, totals.sums[dimension] + scores[dimension]]),
    ) as Record<ReviewDimension, number>,
  };
}

/** sum / count rounded half up to two decimals, in integer arithmetic (no float drift). */
function average(sum: number, count: number): number {
  const hundredths = Math.floor((200 * sum + count) / (2 * count));
  return hundredths / 100;
}

/** Averages per dimension and overall (all four dimensions of all reviews); none without reviews. */
export function averagesOf(totals: ReviewTotals) {
  if (totals.count === 0) return undefined;
  const total = REVIEW_DIMENSIONS.reduce((sum, dimension) => sum + totals.sums[dimension], 0);
  return {
    overall: average(total, 4 * totals.count),
    ...(Object.fromEntries(
      REVIEW_DIMENSIONS.map((dimension) => [dimension, average(totals.sums[dimension], totals.count)]),
    ) as Record<ReviewDimension, number>),
  };
}
