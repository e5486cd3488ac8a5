import * as z from 'zod';
import { BusinessFunctionCode } from '../reference-data/schemas.js';
import { FISCAL_YEAR_PATTERN } from '../shared/fiscal-year.js';
import { idPattern } from '../shared/ids.js';
import { formatMoney, MONEY_FIELDS, MoneySchema, refineMoney } from '../shared/money.js';
import { PaginationQuery } from '../shared/pagination.js';
import {
  IsoDate as isoDate,
  MultiLineText,
  PersonResource as Person,
  RequestId,
  VendorId,
} from '../shared/schemas.js';
import {
  LEDGER_ENTRY_KINDS,
  type LedgerEntryKind,
  type LineEffect,
  type LineTotals,
  utilizationPercent,
} from './ledger.js';

/** Wire schemas and resources of budgets. Free of environment reads: CDK and unit tests import it. */

export const FiscalYear = z.string().regex(FISCAL_YEAR_PATTERN, 'Must be a fiscal year such as "FY2027".');

export const FiscalYearPath = z.strictObject({ fiscalYear: FiscalYear });
export const BudgetLinePath = z.strictObject({
  fiscalYear: FiscalYear,
  businessFunction: BusinessFunctionCode,
});

const Reason = MultiLineText.min(1).max(2_000);

/**
 * What a budget control does when a request does not fit its line: STOP refuses, WARN flags,
 * IGNORE lets it pass unflagged. Set per fiscal year with the envelope, one mode at submission
 * and one at approval.
 */
export const BUDGET_CONTROL_MODES = ['STOP', 'WARN', 'IGNORE'] as const;
export type BudgetControlMode = (typeof BUDGET_CONTROL_MODES)[number];
export interface BudgetControls {
  atSubmission: BudgetControlMode;
  atApproval: BudgetControlMode;
}
export const DEFAULT_BUDGET_CONTROLS: BudgetControls = { atSubmission: 'WARN', atApproval: 'STOP' };

const ControlMode = z.enum(BUDGET_CONTROL_MODES);
export const BudgetControlsResource = z
  .object({ atSubmission: ControlMode, atApproval: ControlMode })
  .meta({ id: 'BudgetControls' });

/** An envelope or allocation amount, with an optional reason for the audit trail. */
export const SetBudgetAmountBody = z
  .strictObject({ ...MONEY_FIELDS, reason: Reason.optional() })
  .superRefine(refineMoney)
  .meta({
    id: 'SetBudgetAmount',
    example: { amount: '1500000.00', currency: 'USD', reason: 'FY2027 plan approved' },
  });

/** The envelope, and (each optional: left out, it stays as it is) its controls and four-eyes threshold. */
export const SetEnvelopeBody = z
  .strictObject({
    ...MONEY_FIELDS,
    reason: Reason.optional(),
    controls: z
      .strictObject({
        atSubmission: ControlMode.optional(),
        // Money is never committed beyond available, so nothing can let an approval pass over budget.
        atApproval: z
          .enum(
            ['STOP', 'WARN'],
            'Must be STOP or WARN: IGNORE is not allowed at approval, where money is never committed beyond available.',
          )
          .optional(),
      })
      .optional()
      .describe(
        'What the budget control does when a request does not fit its line. At submission: STOP refuses, WARN flags, IGNORE lets it pass. At approval (STOP or WARN, the same there): an approved request that does not fit gets the budget exception step. Defaults: WARN at submission, STOP at approval.',
      ),
    fourEyesThreshold: MoneySchema.nullable()
      .optional()
      .describe(
        "A transfer above this amount waits for a second person's approval (finance or admin); null: never.",
      ),
  })
  .superRefine(refineMoney)
  .meta({
    id: 'SetBudgetEnvelope',
    example: {
      amount: '1500000.00',
      currency: 'USD',
      reason: 'FY2027 plan approved',
      controls: { atSubmission: 'STOP', atApproval: 'STOP' },
      fourEyesThreshold: { amount: '50000.00', currency: 'USD' },
    },
  });
export type SetEnvelopeInput = z.output<typeof SetEnvelopeBody>;

export const TransferBody = z
  .strictObject({
    from: BusinessFunctionCode,
    to: BusinessFunctionCode,
    amount: MoneySchema,
    reason: Reason,
  })
  .refine((body) => body.from !== body.to, {
    path: ['to'],
    message: 'Must be another business function than from.',
    when: (payload) => {
      const value = payload.value as { from?: unknown; to?: unknown };
      return typeof value.from === 'string' && value.from === value.to;
    },
  })
  .meta({ id: 'BudgetTransfer' });

export const RecordActualBody = z
  .strictObject({
    requestId: RequestId,
    invoiceNumber: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .regex(/^[\x20-\x7e]+$/, 'Must be printable ASCII.'),
    invoiceDate: isoDate,
    amount: MoneySchema,
    vendorId: VendorId.optional().describe(
      "Required when the request names no vendor; else must be the request's.",
    ),
  })
  .meta({ id: 'RecordActual' });

export const LedgerQuery = z.strictObject({ ...PaginationQuery });

/** An amount in a resource: running totals and changes may be zero or negative. */
const Amount = z.object({ amount: z.string(), currency: z.string() });

export const BudgetLineResource = z
  .object({
    businessFunction: z.string(),
    allocated: Amount,
    committed: Amount,
    actual: Amount,
    consumed: Amount.describe('The sum over requests of max(commitment, actuals).'),
    available: Amount.describe('allocated - consumed; negative only when actuals overran the line.'),
    utilizationPercent: z.string().nullable().describe('consumed / allocated in percent, two decimals.'),
    requested: Amount.optional().describe(
      "The pipeline (in the budget view): what the line's undecided requests (in triage or approval) of its fiscal year and currency ask for.",
    ),
    availableAfterPipeline: Amount.optional().describe('available - requested (in the budget view).'),
    version: z.number().int(),
  })
  .meta({ id: 'BudgetLine' });

export const BudgetResource = z
  .object({
    fiscalYear: z.string(),
    currency: z.string(),
    envelope: Amount.optional().describe('Hidden from requesters, who see their own line only.'),
    allocated: Amount.optional(),
    unallocated: Amount.optional(),
    committed: Amount.optional(),
    actual: Amount.optional(),
    available: Amount.optional(),
    requested: Amount.optional().describe("The lines' pipeline: what their undecided requests ask for."),
    availableAfterPipeline: Amount.optional().describe('available - requested.'),
    controls: BudgetControlsResource,
    fourEyesThreshold: Amount.optional().describe(
      "Transfers above it wait for a second person's approval; absent: never.",
    ),
    closedAt: z
      .string()
      .optional()
      .describe('When the year-end close began: no new commitments since (actuals still post).'),
    lines: z.array(BudgetLineResource),
    version: z.number().int().describe('The envelope version; send it as If-Match to PUT the envelope.'),
  })
  .meta({ id: 'Budget' });

export const LedgerEntryResource = z
  .object({
    id: z.string(),
    fiscalYear: z.string(),
    businessFunction: z.string(),
    kind: z.enum(LEDGER_ENTRY_KINDS),
    amount: Amount.describe('The entry amount (for ALLOCATION the change, which may be negative).'),
    effect: z
      .object({ allocated: Amount, committed: Amount, actual: Amount, consumed: Amount })
      .describe("What the entry changed on the line's running totals."),
    requestId: z.string().optional(),
    vendorId: z.string().optional(),
    transferId: z.string().optional(),
    invoiceNumber: z.string().optional(),
    invoiceDate: z.string().optional(),
    beyondCommitment: z.boolean().optional(),
    reference: z.string().optional().describe('Why: the reason, or what the entry refers to.'),
    sequence: z
      .number()
      .int()
      .optional()
      .describe(
        "The entry's number on its line (1, 2, 3, ... in commit order, no gaps); what incremental exports count by.",
      ),
    at: z.string(),
    by: Person,
  })
  .meta({ id: 'LedgerEntry' });

export const ActualResource = z
  .object({
    id: z.string().describe('The ledger entry id of the actual.'),
    requestId: z.string(),
    vendorId: z.string(),
    invoiceNumber: z.string(),
    invoiceDate: z.string(),
    amount: Amount,
    fiscalYear: z.string(),
    businessFunction: z.string(),
    beyondCommitment: z.boolean().describe("True when the request's actuals now exceed its commitment."),
    recordedAt: z.string(),
    recordedBy: Person,
  })
  .meta({ id: 'Actual' });
export type ActualResourceType = z.infer<typeof ActualResource>;

export const TransferResource = z
  .object({
    transferId: z.string(),
    fiscalYear: z.string(),
    status: z.literal('EXECUTED'),
    from: BudgetLineResource,
    to: BudgetLineResource,
    amount: Amount,
    reason: z.string(),
  })
  .meta({ id: 'BudgetTransferResult' });

const TRANSFER_STATUS_VALUES = ['PENDING', 'EXECUTED', 'REJECTED'] as const;

/** A transfer as recorded: who asked, who decided (four eyes), and its status. */
export const TransferRecordResource = z
  .object({
    transferId: z.string(),
    fiscalYear: z.string(),
    from: z.string().describe('The business function giving allocation.'),
    to: z.string().describe('The business function receiving it.'),
    amount: Amount,
    reason: z.string(),
    status: z
      .enum(TRANSFER_STATUS_VALUES)
      .describe(
        'PENDING waits for a second person (finance or admin); EXECUTED moved the money; REJECTED did not.',
      ),
    requestedBy: Person,
    requestedAt: z.string(),
    decidedBy: Person.optional().describe(
      'Who approved (executed) or rejected it; its creator for one below the threshold.',
    ),
    decidedAt: z.string().optional(),
    decisionReason: z.string().optional(),
    lines: z
      .object({ from: BudgetLineResource, to: BudgetLineResource })
      .optional()
      .describe('Both lines after the transfer, in the answer of an approval that executed it.'),
  })
  .meta({ id: 'BudgetTransferRecord' });

export const TransferPath = z.strictObject({
  fiscalYear: FiscalYear,
  transferId: z.string().regex(idPattern('transfer'), 'Must be a transfer id such as "trf_01j...".'),
});

export const TransferDecisionBody = z
  .strictObject({
    decision: z.enum(['APPROVE', 'REJECT']),
    reason: Reason.optional().describe('Required to reject.'),
  })
  .refine((body) => body.decision === 'APPROVE' || body.reason !== undefined, {
    path: ['reason'],
    message: 'Required to reject a transfer.',
  })
  .meta({ id: 'BudgetTransferDecision' });

export const TransferListQuery = z.strictObject({
  ...PaginationQuery,
  status: z.enum(TRANSFER_STATUS_VALUES).optional(),
});

/** A stored line: running totals in minor units. */
export interface StoredLine extends LineTotals {
  fiscalYear: string;
  businessFunction: string;
  currency: string;
  version: number;
}

export interface StoredEnvelope {
  fiscalYear: string;
  currency: string;
  envelope: number;
  allocated: number;
  controls: BudgetControls;
  /** Minor units; absent: transfers never wait for a second person. */
  fourEyesThreshold?: number;
  /** Set when the year-end close begins; its lines carry it too (year-end-close.ts). */
  closedAt?: string;
  version: number;
}

export interface StoredLedgerEntry {
  id: string;
  fiscalYear: string;
  businessFunction: string;
  kind: LedgerEntryKind;
  /** Minor units, like every figure of a stored entry. */
  amountMinor: number;
  currency: string;
  effect: LineEffect;
  requestId?: string;
  vendorId?: string;
  transferId?: string;
  invoiceNumber?: string;
  invoiceDate?: string;
  beyondCommitment?: boolean;
  reference?: string;
  /** The line's export sequence: 1, 2, 3, ... per line, in commit order (budget-items.ts ledgerEntry). */
  sequence?: number;
  at: string;
  by: { sub: string; name: string; email: string };
}

const money = (minor: number, currency: string) => formatMoney({ minor, currency });

export function toLineResource(line: StoredLine): z.infer<typeof BudgetLineResource> {
  const { currency } = line;
  return {
    businessFunction: line.businessFunction,
    allocated: money(line.allocated, currency),
    committed: money(line.committed, currency),
    actual: money(line.actual, currency),
    consumed: money(line.consumed, currency),
    available: money(line.available, currency),
    utilizationPercent: utilizationPercent(line),
    version: line.version,
  };
}

export function toLedgerEntryResource(entry: StoredLedgerEntry): z.infer<typeof LedgerEntryResource> {
  const { currency, effect } = entry;
  return LedgerEntryResource.parse({
    ...entry,
    amount: money(entry.amountMinor, currency),
    effect: {
      allocated: money(effect.allocated, currency),
      committed: money(effect.committed, currency),
      actual: money(effect.actual, currency),
      consumed: money(effect.consumed, currency),
    },
  });
}

const Tally = z.object({ count: z.number().int(), amount: Amount });

/** What a year-end close did: carried forward, and not carried (with why), per line and in all. */
export const CloseSummaryResource = z
  .object({
    fiscalYear: z.string(),
    nextFiscalYear: z
      .string()
      .describe('Where open commitments were carried: the same business function’s line.'),
    closedAt: z.string().describe('When the close began: no new commitments in the year since.'),
    completedAt: z.string(),
    closedBy: Person,
    carried: Tally.describe(
      'Requests whose open commitment (committed - invoiced) went to the next year, whole.',
    ),
    notCarried: Tally.describe('Requests whose open commitment stayed in the closed year.'),
    lines: z.array(z.object({ businessFunction: z.string(), carried: Tally, notCarried: Tally })),
    notCarriedRequests: z.array(
      z.object({
        requestId: z.string(),
        businessFunction: z.string(),
        open: Amount.describe('The open commitment that stayed in the closed year.'),
        reason: z.enum(['NO_ENVELOPE', 'NEXT_YEAR_CLOSED', 'CURRENCY_MISMATCH', 'INSUFFICIENT_BUDGET']),
        detail: z.string(),
      }),
    ),
  })
  .meta({ id: 'BudgetCloseSummary' });
