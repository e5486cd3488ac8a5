import type { StoredLine } from '../budgets/model.js';
import { pipelineOf } from '../budgets/pipeline.js';
import { formatMoney, type Money } from '../shared/money.js';
import { budgetPartsOf, type StoredPhasing } from '../shared/phasing.js';
import {
  type AssessmentFlag,
  type AssessmentSource,
  flagOf,
  LOW_REVIEW_SCORE_THRESHOLD,
  MAX_LISTED_DUPLICATES,
  type TriageAssessmentType,
} from '../shared/triage-assessment.js';
import type { Contract } from '../vendors/model.js';
import { rateAsOf } from '../vendors/rate-card.js';
import { averagesOf } from '../vendors/review-totals.js';
import type { VendorProfile } from '../vendors/vendor-queries.js';
import type { InternalCapability } from './model.js';

/**
 * The triage assessment as a plain function of facts already read (assess-request.ts reads
 * them): budget headroom with the pipeline, vendor fit, internal capabilities covering the
 * category, possible duplicates. Each part flags what a triager should look at.
 */

/** What is assessed: the request about to be stored (or resubmitted). */
export interface AssessedRequest {
  id: string;
  businessFunction: string;
  fiscalYear: string;
  category: string;
  estimatedCost: Money;
  startDate: string;
  endDate: string;
  preferredVendorId?: string | undefined;
  phasing?: StoredPhasing | undefined;
}

/** Another undecided request of the same business function. */
export type OtherRequest = Omit<AssessedRequest, 'businessFunction'> & { title: string; status: string };

/** A fact read from a data source, or why it could not be read. */
export type Fact<T> = { read: true; value: T } | { read: false; reason: string };

export interface AssessmentFacts {
  /**
   * The request's budget lines by fiscal year (one per year it asks money of); a year's line is
   * undefined when the fiscal year has none for the business function.
   */
  budgetLines: Fact<Record<string, LineFigures | undefined>>;
  /** The business function's undecided requests, every fiscal year (the request itself may be among them). */
  undecidedRequests: Fact<OtherRequest[]>;
  /** Absent when the request names no preferred vendor. */
  vendor?: Fact<(Pick<VendorProfile, 'contracts' | 'rateCard'> & { vendor: VendorFacts }) | undefined>;
  internalCapabilities: Fact<InternalCapability[]>;
}

type VendorFacts = Pick<
  VendorProfile['vendor'],
  'id' | 'displayName' | 'status' | 'capabilities' | 'reviewTotals'
>;

type Part<T> = { part: T; flags: AssessmentFlag[] };

type LineFigures = Pick<StoredLine, 'allocated' | 'committed' | 'consumed' | 'available' | 'currency'>;

/**
 * The line's headroom: available - pipeline - requested, in exact minor units. The pipeline is
 * what the line's other undecided requests ask of its fiscal year (same business function and
 * currency). `requested` is the request's part of the line's fiscal year (by default, its whole
 * cost in its start year). A missing or empty line is NO_BUDGET_LINE (no headroom at all), a
 * request in another currency BUDGET_CURRENCY_MISMATCH, anything else that does not fit
 * OVER_HEADROOM.
 */
export function budgetHeadroom(
  request: AssessedRequest,
  line: LineFigures | undefined,
  undecided: OtherRequest[],
  part: { fiscalYear: string; amount: Money } = {
    fiscalYear: request.fiscalYear,
    amount: request.estimatedCost,
  },
): Part<NonNullable<TriageAssessmentType['budget']>> {
  const requested = part.amount;
  const currency = line?.currency ?? requested.currency;
  const figures = line ?? { allocated: 0, committed: 0, consumed: 0, available: 0 };
  const { minor: pipeline, requests: inPipeline } = pipelineOf(
    undecided,
    { fiscalYear: part.fiscalYear, currency },
    request.id,
  );
  const sameCurrency = requested.currency === currency;
  const remainingAfter = figures.available - pipeline - requested.minor;
  const fits = sameCurrency && remainingAfter >= 0;
  const money = (minor: number) => formatMoney({ minor, currency });
  const flags: AssessmentFlag[] =
    figures.allocated <= 0
      ? ['NO_BUDGET_LINE']
      : !sameCurrency
        ? ['BUDGET_CURRENCY_MISMATCH']
        : fits
          ? []
          : ['OVER_HEADROOM'];
  return {
    part: {
      fiscalYear: part.fiscalYear,
      businessFunction: request.businessFunction,
      allocated: money(figures.allocated),
      committed: money(figures.committed),
      consumed: money(figures.consumed),
      available: money(figures.available),
      pipeline: money(pipeline),
      pipelineRequests: inPipeline.length,
      requested: formatMoney(requested),
      ...(sameCurrency ? { remainingAfter: money(remainingAfter) } : {}),
      fits,
    },
    flags,
  };
}

/** The contract of a type in effect on a date (the one running longest, if several). */
function contractOn(contracts: Contract[], type: Contract['type'], date: string): Contract | undefined {
  return contracts
    .filter(
      (contract) => contract.type === type && contract.effectiveDate <= date && date <= contract.expiryDate,
    )
    .sort((a, b) => b.expiryDate.localeCompare(a.expiryDate))[0];
}

const contractCheck = (contract: Contract | undefined) =>
  contract
    ? { valid: true, reference: contract.reference, expiryDate: contract.expiryDate }
    : { valid: false };

/** The preferred vendor's fit for the work, as of the request's start date. */
export function vendorFit(
  request: AssessedRequest,
  profile: Pick<VendorProfile, 'contracts' | 'rateCard'> & { vendor: VendorFacts },
): Part<NonNullable<TriageAssessmentType['vendor']>> {
  const { vendor, contracts, rateCard } = profile;
  const averageScore = averagesOf(vendor.reviewTotals)?.overall;
  const coversCategory = (vendor.capabilities as readonly string[]).includes(request.category);
  const msa = contractOn(contracts, 'MSA', request.startDate);
  const nda = contractOn(contracts, 'NDA', request.startDate);
  const hasRateCard = rateCard.some((role) => rateAsOf(role.rates, request.startDate) !== undefined);
  const flags: AssessmentFlag[] = [];
  if (vendor.status === 'PROSPECT' || vendor.status === 'ONBOARDING') flags.push('VENDOR_NOT_YET_APPROVED');
  if (!coversCategory) flags.push('VENDOR_CAPABILITY_MISMATCH');
  if (averageScore !== undefined && averageScore < LOW_REVIEW_SCORE_THRESHOLD) {
    flags.push('VENDOR_LOW_REVIEW_SCORE');
  }
  if (!msa) flags.push('VENDOR_NO_VALID_MSA');
  if (!nda) flags.push('VENDOR_NO_VALID_NDA');
  if (!hasRateCard) flags.push('VENDOR_NO_RATE_CARD');
  return {
    part: {
      id: vendor.id,
      displayName: vendor.displayName,
      status: vendor.status,
      coversCategory,
      reviews: {
        count: vendor.reviewTotals.count,
        ...(averageScore !== undefined ? { averageScore } : {}),
        threshold: LOW_REVIEW_SCORE_THRESHOLD,
      },
      msa: contractCheck(msa),
      nda: contractCheck(nda),
      hasRateCard,
    },
    flags,
  };
}

/** The in-house teams covering the category: a suggestion, not a flag. */
export function suggestedInternalCapabilities(
  request: Pick<AssessedRequest, 'category'>,
  capabilities: InternalCapability[],
): TriageAssessmentType['internalCapabilities'] {
  return capabilities
    .filter((capability) => (capability.categories as readonly string[]).includes(request.category))
    .map(({ id, name, owner, categories, note }) => ({
      id,
      name,
      owner,
      categories,
      ...(note ? { note } : {}),
    }));
}

/** Inclusive periods overlap when each starts before (or on the day) the other ends. */
const datesOverlap = (a: Pick<OtherRequest, 'startDate' | 'endDate'>, b: typeof a) =>
  a.startDate <= b.endDate && b.startDate <= a.endDate;

/**
 * Undecided requests that may ask for the same work: the same category (all are of the same
 * business function), and the same preferred vendor or overlapping dates. Newest first.
 */
export function possibleDuplicates(
  request: AssessedRequest,
  undecided: OtherRequest[],
): Part<TriageAssessmentType['possibleDuplicates']> {
  const found = undecided
    .filter((other) => other.id !== request.id && other.category === request.category)
    .map((other) => {
      const matchedOn: ('SAME_VENDOR' | 'OVERLAPPING_DATES')[] = [];
      if (request.preferredVendorId !== undefined && other.preferredVendorId === request.preferredVendorId) {
        matchedOn.push('SAME_VENDOR');
      }
      if (datesOverlap(request, other)) matchedOn.push('OVERLAPPING_DATES');
      return { id: other.id, title: other.title, status: other.status, matchedOn };
    })
    .filter((duplicate) => duplicate.matchedOn.length > 0)
    .sort((a, b) => b.id.localeCompare(a.id));
  return {
    part: found.slice(0, MAX_LISTED_DUPLICATES),
    flags: found.length > 0 ? ['POSSIBLE_DUPLICATE'] : [],
  };
}

/**
 * The whole assessment. A part whose facts could not be read is left out and its source listed
 * as incomplete (flag ASSESSMENT_INCOMPLETE): the request is stored all the same.
 */
export function assessmentOf(
  request: AssessedRequest,
  facts: AssessmentFacts,
  now: Date,
): TriageAssessmentType {
  const incomplete: { source: AssessmentSource; reason: string }[] = [];
  const readFrom = <T>(source: AssessmentSource, fact: Fact<T>): T | undefined => {
    if (fact.read) return fact.value;
    incomplete.push({ source, reason: fact.reason });
    return undefined;
  };
  const lines = readFrom('BUDGET', facts.budgetLines);
  const undecided = readFrom('REQUESTS', facts.undecidedRequests);
  const profile = facts.vendor && readFrom('VENDOR', facts.vendor);
  const capabilities = readFrom('INTERNAL_CAPABILITIES', facts.internalCapabilities);

  // Headroom needs both the lines and their pipelines: a figure without the pipeline would overstate it.
  // A multi-year request's each year is checked on its own line, with its part of that year.
  const byYear =
    lines && undecided
      ? budgetPartsOf(request).map((part) => budgetHeadroom(request, lines[part.fiscalYear], undecided, part))
      : undefined;
  const vendor = profile ? vendorFit(request, profile) : undefined;
  const duplicates = undecided ? possibleDuplicates(request, undecided) : undefined;
  const flags: AssessmentFlag[] = [
    ...new Set(byYear?.flatMap((year) => year.flags)),
    ...(vendor?.flags ?? []),
    ...(duplicates?.flags ?? []),
    ...(incomplete.length > 0 ? (['ASSESSMENT_INCOMPLETE'] as const) : []),
  ];
  return {
    assessedAt: now.toISOString(),
    flags: flags.map(flagOf),
    ...(incomplete.length > 0 ? { incomplete } : {}),
    ...(byYear?.[0] ? { budget: byYear[0].part } : {}),
    ...(byYear && byYear.length > 1 ? { budgetByYear: byYear.map((year) => year.part) } : {}),
    ...(vendor ? { vendor: vendor.part } : {}),
    internalCapabilities: capabilities ? suggestedInternalCapabilities(request, capabilities) : [],
    possibleDuplicates: duplicates?.part ?? [],
  };
}
