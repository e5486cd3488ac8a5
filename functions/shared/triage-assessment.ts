import * as z from 'zod';
import { REQUEST_CATEGORIES } from '../reference-data/schemas.js';
import { ContactResource } from './schemas.js';

/**
 * The triage assessment a request carries: what the system worked out at submission for the
 * triager. Triage writes it and requests carry it, so it lives here rather than in either
 * capability (as the approval chain does): the requests capability never imports triage.
 */

/**
 * A vendor whose average review score (over every dimension of every review, 1 to 5) is below
 * this is flagged VENDOR_LOW_REVIEW_SCORE: below 3.0 its reviewers rated it worse than
 * "acceptable" on average. A vendor without reviews is not flagged.
 */
export const LOW_REVIEW_SCORE_THRESHOLD = 3.0;

/**
 * What an assessment can flag, each with the sentence a person reads. A closed list: triage
 * rules (and people) can rely on every code meaning exactly this.
 */
export const ASSESSMENT_FLAG_SENTENCES = {
  NO_BUDGET_LINE:
    'The business function has no budget allocated for the fiscal year of the request (or, for a request spanning fiscal years, for one of its years).',
  OVER_HEADROOM:
    "The request does not fit its budget line: what is available, less the money other undecided requests ask for, is below the request's estimated cost.",
  BUDGET_CURRENCY_MISMATCH:
    "The request's currency is not its budget line's: it cannot be committed against the line.",
  VENDOR_NOT_YET_APPROVED: 'The preferred vendor is not approved yet (it is a prospect or still onboarding).',
  VENDOR_CAPABILITY_MISMATCH: "The preferred vendor's capabilities do not include the request's category.",
  VENDOR_LOW_REVIEW_SCORE: `The preferred vendor's average review score is below ${LOW_REVIEW_SCORE_THRESHOLD.toFixed(1)} of 5.`,
  VENDOR_NO_VALID_MSA: 'The preferred vendor has no master services agreement (MSA) valid on the start date.',
  VENDOR_NO_VALID_NDA: 'The preferred vendor has no non-disclosure agreement (NDA) valid on the start date.',
  VENDOR_NO_RATE_CARD: 'The preferred vendor has no rate card rate valid on the start date.',
  POSSIBLE_DUPLICATE:
    'Another undecided request of the same business function and category names the same vendor or overlapping dates.',
  ASSESSMENT_INCOMPLETE:
    'Part of the assessment could not be worked out (a data source was unavailable at submission): check it by hand.',
} as const;
export type AssessmentFlag = keyof typeof ASSESSMENT_FLAG_SENTENCES;
export const ASSESSMENT_FLAGS = Object.keys(ASSESSMENT_FLAG_SENTENCES) as [
  AssessmentFlag,
  ...AssessmentFlag[],
];

/** The data sources an assessment reads; one that could not be read is listed as incomplete. */
export const ASSESSMENT_SOURCES = ['BUDGET', 'REQUESTS', 'VENDOR', 'INTERNAL_CAPABILITIES'] as const;
export type AssessmentSource = (typeof ASSESSMENT_SOURCES)[number];

const Amount = z.object({ amount: z.string(), currency: z.string() });

export const AssessmentFlagResource = z.object({
  code: z.enum(ASSESSMENT_FLAGS),
  message: z.string().describe('The sentence a person reads; fixed per code.'),
});

export const BudgetHeadroom = z
  .object({
    fiscalYear: z.string(),
    businessFunction: z.string(),
    allocated: Amount,
    committed: Amount,
    consumed: Amount.describe('The sum over requests of max(commitment, actuals).'),
    available: Amount.describe('allocated - consumed, when the request was submitted.'),
    pipeline: Amount.describe(
      "What the line's other undecided requests (SUBMITTED, IN_APPROVAL) ask for, in the line's currency.",
    ),
    pipelineRequests: z.number().int().describe('How many undecided requests make up the pipeline.'),
    requested: Amount.describe(
      "This request's estimated cost; for a request spanning fiscal years, its part of this fiscal year.",
    ),
    remainingAfter: Amount.optional().describe(
      'available - pipeline - requested: negative when the request does not fit. Absent when the currencies differ.',
    ),
    fits: z.boolean().describe('remainingAfter is zero or more.'),
  })
  .describe("The request's budget line (its business function and fiscal year) at submission.");

export const ContractCheck = z.object({
  valid: z.boolean().describe('A contract of the type is in effect on the start date.'),
  reference: z.string().optional(),
  expiryDate: z.string().optional(),
});

export const VendorFit = z
  .object({
    id: z.string(),
    displayName: z.string(),
    status: z.string(),
    coversCategory: z.boolean().describe("The vendor's capabilities include the request's category."),
    reviews: z.object({
      count: z.number().int(),
      averageScore: z
        .number()
        .optional()
        .describe('Overall average, 1 to 5, two decimals; absent without reviews.'),
      threshold: z.number().describe('Below this average the vendor is flagged.'),
    }),
    msa: ContractCheck,
    nda: ContractCheck,
    hasRateCard: z.boolean().describe('At least one rate card rate is valid on the start date.'),
  })
  .describe('The preferred vendor, as its records stood at submission.');

export const SuggestedInternalCapability = z.object({
  id: z.string(),
  name: z.string(),
  owner: ContactResource,
  categories: z.array(z.enum(REQUEST_CATEGORIES)),
  note: z.string().optional(),
});

export const PossibleDuplicate = z.object({
  id: z.string(),
  title: z.string(),
  status: z.string(),
  matchedOn: z
    .array(z.enum(['SAME_VENDOR', 'OVERLAPPING_DATES']))
    .describe('Why it may be the same work (besides the same business function and category).'),
});

/** At most this many possible duplicates are listed (newest first); `flags` says there are some. */
export const MAX_LISTED_DUPLICATES = 20;

export const TriageAssessment = z
  .object({
    assessedAt: z.string().describe('ISO 8601 UTC timestamp.'),
    flags: z
      .array(AssessmentFlagResource)
      .describe('What a triager should look at; empty when nothing was found. A closed list of codes.'),
    incomplete: z
      .array(z.object({ source: z.enum(ASSESSMENT_SOURCES), reason: z.string() }))
      .optional()
      .describe(
        'The data sources that could not be read at submission: their parts are missing and ASSESSMENT_INCOMPLETE is flagged. The request was stored all the same.',
      ),
    budget: BudgetHeadroom.optional().describe(
      "The request's budget line at submission; for a request spanning fiscal years, its start year's (every year in budgetByYear).",
    ),
    budgetByYear: z
      .array(BudgetHeadroom)
      .optional()
      .describe(
        "For a request spanning fiscal years: each year's line, checked with the request's part of that year. The flags cover every year.",
      ),
    vendor: VendorFit.optional().describe('Present when the request names a preferred vendor.'),
    internalCapabilities: z
      .array(SuggestedInternalCapability)
      .describe("In-house teams covering the request's category: the work could be done inside."),
    possibleDuplicates: z
      .array(PossibleDuplicate)
      .describe(`Undecided requests that may ask for the same work (at most ${MAX_LISTED_DUPLICATES}).`),
  })
  .meta({ id: 'TriageAssessment' });
export type TriageAssessmentType = z.infer<typeof TriageAssessment>;

export const flagOf = (code: AssessmentFlag) => ({ code, message: ASSESSMENT_FLAG_SENTENCES[code] });

/** An assessment that could not be worked out at all: every source listed, so the request is stored regardless. */
export function unassessed(now: Date, reason: string): TriageAssessmentType {
  return {
    assessedAt: now.toISOString(),
    flags: [flagOf('ASSESSMENT_INCOMPLETE')],
    incomplete: ASSESSMENT_SOURCES.map((source) => ({ source, reason })),
    internalCapabilities: [],
    possibleDuplicates: [],
  };
}
