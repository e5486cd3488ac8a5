import { getLine } from '../budgets/budget-store.js';
import { listUndecidedRequestsOf } from '../requests/request-queries.js';
import { logger } from '../shared/logger.js';
import { fiscalYearsAskedOf } from '../shared/phasing.js';
import type { TriageAssessmentType } from '../shared/triage-assessment.js';
import { getVendorProfile } from '../vendors/vendor-queries.js';
import { type AssessedRequest, type AssessmentFacts, assessmentOf, type Fact } from './assessment.js';
import { listAllInternalCapabilities } from './internal-capability-store.js';

/** A read's value, or (logged) why the source could not be read. */
async function factOf<T>(source: string, read: Promise<T>): Promise<Fact<T>> {
  try {
    return { read: true, value: await read };
  } catch (error) {
    logger.warn('A source of the triage assessment could not be read', { source, error: error as Error });
    return { read: false, reason: `${source} could not be read: ${(error as Error).name ?? 'Error'}` };
  }
}

/** The request's budget line of each fiscal year it asks money of: one GetItem each, all at once. */
async function budgetLinesOf(request: AssessedRequest) {
  const years = fiscalYearsAskedOf(request);
  const lines = await Promise.all(years.map((year) => getLine(year, request.businessFunction)));
  return Object.fromEntries(years.map((year, index) => [year, lines[index]]));
}

/**
 * Works out a request's triage assessment. Reads what it needs one round trip per data source,
 * all sources at once: the budget line (one GetItem; one per fiscal year of a multi-year request), the business function's undecided
 * requests (one Query of the sparse index that holds only those), the preferred vendor with its
 * contracts and rate card (three reads of its partition, in parallel) and the internal
 * capabilities (one Query). A source that fails is reported in the assessment as incomplete
 * rather than failing the submission.
 */
export async function assessRequest(
  request: AssessedRequest,
  now = new Date(),
): Promise<TriageAssessmentType> {
  const vendorId = request.preferredVendorId;
  const [budgetLines, undecidedRequests, vendor, internalCapabilities] = await Promise.all([
    factOf('The budget line', budgetLinesOf(request)),
    factOf('The undecided requests', listUndecidedRequestsOf(request.businessFunction)),
    vendorId === undefined ? undefined : factOf('The preferred vendor', getVendorProfile(vendorId)),
    factOf('The internal capabilities', listAllInternalCapabilities()),
  ]);
  const facts: AssessmentFacts = {
    budgetLines,
    undecidedRequests,
    internalCapabilities,
    ...(vendor ? { vendor } : {}),
  };
  return assessmentOf(request, facts, now);
}
