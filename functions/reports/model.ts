import * as z from 'zod';
import { FiscalYear } from '../budgets/model.js';
import { REQUEST_CATEGORIES } from '../reference-data/schemas.js';
import { TRIAGE_OUTCOMES } from '../shared/request-triage.js';
import { RISK_TIERS, VENDOR_STATUSES } from '../vendors/model.js';
import { AGE_BANDS } from './figures.js';

/** Wire schemas of the portfolio view. Free of environment reads: CDK and unit tests import it. */

export const PortfolioQuery = z.strictObject({
  fiscalYear: FiscalYear,
  format: z
    .enum(['json', 'html'])
    .default('json')
    .describe('json: the figures in the body; html: the page, as a short-lived download (303).'),
});
export type PortfolioInput = z.output<typeof PortfolioQuery>;

const Amount = z.object({ amount: z.string(), currency: z.string() });
const Percent = z
  .string()
  .nullable()
  .describe('Percent, rounded half up to two decimals; null when the whole is zero.');

const Durations = z.object({
  count: z.number().int(),
  medianDays: z.number().nullable(),
  p90Days: z.number().nullable(),
});

const AgeBandFigures = z.object({
  band: z.enum(AGE_BANDS.map((band) => band.band) as [string, ...string[]]),
  requests: z.number().int(),
  amount: Amount,
});

export const PortfolioResource = z
  .object({
    fiscalYear: z.string(),
    currency: z.string(),
    generatedAt: z.string(),
    totals: z
      .object({
        envelope: Amount,
        allocated: Amount,
        requested: Amount,
        committed: Amount,
        actual: Amount,
        available: Amount,
        utilizationPercent: Percent,
      })
      .describe('The budget view’s totals (GET /budgets/{fiscalYear}); utilisation is consumed / allocated.'),
    byBusinessFunction: z.array(
      z.object({
        businessFunction: z.string(),
        allocated: Amount,
        requested: Amount.describe('The pipeline: what undecided requests ask of the line.'),
        committed: Amount,
        actual: Amount,
        available: Amount,
        utilizationPercent: Percent,
      }),
    ),
    byCategory: z.array(
      z.object({
        category: z.enum(REQUEST_CATEGORIES),
        requests: z.number().int().describe('Requests of the fiscal year in the category, any status.'),
        requested: Amount,
        committed: Amount,
        actual: Amount,
      }),
    ),
    byVendor: z.object({
      vendors: z.array(
        z.object({
          vendorId: z.string(),
          name: z.string(),
          status: z.enum(VENDOR_STATUSES).optional(),
          riskTier: z.enum(RISK_TIERS).optional(),
          averageReviewScore: z.number().nullable().describe('All dimensions of all reviews, two decimals.'),
          committed: Amount,
          actual: Amount,
          spend: Amount.describe(
            'The sum over its requests of max(commitment, actuals), as the budget counts it.',
          ),
          sharePercent: Percent,
        }),
      ),
      withoutVendor: z
        .object({ committed: Amount, actual: Amount, spend: Amount })
        .describe('Requests that name no vendor: in the totals, not in the shares.'),
      top5SharePercent: Percent,
      herfindahlHirschmanIndex: z
        .string()
        .nullable()
        .describe(
          "Sum of the vendors' squared shares in percent (0-10,000), rounded half up to two decimals; null without spend.",
        ),
    }),
    byQuarter: z.array(
      z.object({
        quarter: z.enum(['Q1', 'Q2', 'Q3', 'Q4']),
        from: z.string(),
        to: z.string(),
        actual: Amount.describe('Invoices by invoice date (dates outside the year count in Q1 or Q4).'),
        actualByBusinessFunction: z.record(z.string(), Amount),
        committed: Amount.describe(
          "Commitments by the request's start date (a start before the year counts in Q1).",
        ),
      }),
    ),
    triage: z.object({
      outcomes: z.array(
        z.object({
          outcome: z.enum([...TRIAGE_OUTCOMES, 'UNDECIDED']),
          requests: z.number().int(),
          amount: Amount.describe('Their estimated costs.'),
        }),
      ),
      redirectedToInternalCapabilities: z.object({
        amount: Amount.describe(
          'External spend avoided: the estimated costs of requests redirected in-house.',
        ),
        byCapability: z.array(
          z.object({ id: z.string(), name: z.string(), requests: z.number().int(), amount: Amount }),
        ),
      }),
    }),
    cycleTimes: z.object({
      submissionToTriageDecision: Durations,
      submissionToFinalDecision: Durations,
      byApprovalStep: z.array(Durations.extend({ step: z.string() })),
    }),
    pending: z.object({
      asOf: z.string(),
      triage: z.array(AgeBandFigures).describe('Requests IN_TRIAGE, by time since the triagers were asked.'),
      approvals: z
        .array(AgeBandFigures)
        .describe("Requests IN_APPROVAL, by time since the current step's ask."),
    }),
    reads: z
      .object({
        lines: z.number().int(),
        positions: z.number().int(),
        requests: z.number().int(),
        ledgerEntries: z.number().int(),
      })
      .describe('How many items each indexed read went through.'),
  })
  .meta({ id: 'Portfolio' });
export type Portfolio = z.infer<typeof PortfolioResource>;

export const PortfolioDownloadResource = z
  .object({
    downloadUrl: z.string().describe('A presigned link to the page, valid for 5 minutes.'),
    expiresAt: z.string(),
    fileName: z.string(),
  })
  .meta({ id: 'PortfolioDownload' });
