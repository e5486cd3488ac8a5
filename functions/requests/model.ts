import * as z from 'zod';
import { BusinessFunctionCode, REQUEST_CATEGORIES } from '../reference-data/schemas.js';
import {
  currentStepOf,
  RequestApprovalChain,
  SendBack,
  type SendBackType,
  SupersededApprovalChain,
} from '../shared/approval-summary.js';
import { FISCAL_YEAR_PATTERN } from '../shared/fiscal-year.js';
import { formatMoney, type Money, MoneySchema } from '../shared/money.js';
import { PaginationQuery } from '../shared/pagination.js';
import { PhasingInput, PhasingResource, phasingResourceOf, type StoredPhasing } from '../shared/phasing.js';
import { RequestTriage, secondsInTriage } from '../shared/request-triage.js';
import {
  ContactResource,
  IsoDate as isoDate,
  MultiLineText,
  PersonResource as Person,
  RequestId,
  SingleLineText,
  VendorId,
} from '../shared/schemas.js';
import { TriageAssessment } from '../shared/triage-assessment.js';

export const URGENCIES = ['LOW', 'NORMAL', 'HIGH', 'CRITICAL'] as const;

/** A request's life (lifecycle.ts): submitted, triaged, then approved, rejected, expired... or withdrawn. */
export const REQUEST_STATUSES = [
  'SUBMITTED',
  'IN_TRIAGE',
  'NEEDS_INFO',
  'REDIRECTED',
  'DECLINED',
  'IN_APPROVAL',
  'CHANGES_REQUESTED',
  'APPROVED',
  'REJECTED',
  'BUDGET_EXCEEDED',
  'EXPIRED',
  'WITHDRAWN',
  'ERROR',
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/**
 * The statuses of a request still waiting for its decision: its money is in the pipeline of its
 * budget line, it may be a duplicate of a new request, and its requester may withdraw it.
 */
export const UNDECIDED_STATUSES = [
  'SUBMITTED',
  'IN_TRIAGE',
  'NEEDS_INFO',
  'IN_APPROVAL',
  'CHANGES_REQUESTED',
] as const satisfies readonly RequestStatus[];

const dateFields = z.object({ startDate: isoDate, endDate: isoDate });

/** The fields a requester gives: a submission has them all, an edit (PATCH) any of them. */
const SubmittedFields = z.strictObject({
  title: SingleLineText.min(3).max(200),
  businessFunction: BusinessFunctionCode,
  category: z.enum(REQUEST_CATEGORIES),
  description: MultiLineText.min(1).max(10_000),
  justification: MultiLineText.min(1).max(5_000),
  estimatedCost: MoneySchema,
  startDate: isoDate,
  endDate: isoDate,
  urgency: z.enum(URGENCIES),
  preferredVendorId: VendorId.optional(),
  phasing: PhasingInput.optional(),
});

/** Their names, in submission order: what an edit may change and the history compares. */
export const SUBMITTED_FIELDS = SubmittedFields.keyof().options;

export const SubmitRequestBody = SubmittedFields.refine((body) => body.endDate >= body.startDate, {
  path: ['endDate'],
  message: 'Must not be before startDate.',
  // Also report the date order when other fields are invalid: every invalid field at once.
  when: (payload) => dateFields.safeParse(payload.value).success,
}).meta({ id: 'SubmitRequest' });
export type SubmitRequestInput = z.infer<typeof SubmitRequestBody>;

export const WithdrawRequestBody = z
  .strictObject({ reason: MultiLineText.min(1).max(2_000) })
  .meta({ id: 'WithdrawRequest' });

export const ResubmitRequestBody = z
  .strictObject({
    response: MultiLineText.min(1)
      .max(5_000)
      .describe(
        "The requester's answer to the triager's questions or the approver's comment (what changed, and why).",
      ),
  })
  .meta({ id: 'ResubmitRequest' });

/** PATCH /requests/{id}: any of the submitted fields (JSON merge patch; null removes the preferred vendor). */
export const EditRequestBody = SubmittedFields.partial()
  .extend({
    preferredVendorId: VendorId.nullable().optional(),
    phasing: PhasingInput.nullable()
      .optional()
      .describe(
        'The stated phasing; null removes it (the request is then split pro rata by days). Kept as it was when left out: change it with the dates or the estimated cost.',
      ),
  })
  .describe('The fields to change; the result is validated as a submission (every problem listed).')
  .meta({ id: 'EditRequest' });

export const RequestIdPath = z.strictObject({
  id: RequestId,
});

export const ListRequestsQuery = z.strictObject({
  businessFunction: BusinessFunctionCode.optional(),
  status: z.enum(REQUEST_STATUSES).optional(),
  fiscalYear: z.string().regex(FISCAL_YEAR_PATTERN, 'Must be a fiscal year such as "FY2027".').optional(),
  ...PaginationQuery,
});

export const RequestHistoryQuery = z.strictObject({ ...PaginationQuery });

export const RequestResource = z
  .object({
    id: z.string(),
    title: z.string(),
    businessFunction: z.string(),
    category: z.enum(REQUEST_CATEGORIES),
    description: z.string(),
    justification: z.string(),
    estimatedCost: z.object({ amount: z.string(), currency: z.string() }),
    startDate: z.string(),
    endDate: z.string(),
    urgency: z.enum(URGENCIES),
    preferredVendorId: z.string().optional(),
    preferredVendorName: z
      .string()
      .optional()
      .describe("The preferred vendor's display name when submitted."),
    fiscalYear: z.string().describe('The fiscal year of the start date.'),
    phasing: PhasingResource.optional(),
    status: z.enum(REQUEST_STATUSES),
    requester: Person,
    withdrawal: z.object({ at: z.string(), by: Person, reason: z.string() }).optional(),
    assessment: TriageAssessment.optional().describe(
      'The triage assessment worked out at submission: budget headroom with the pipeline, vendor fit, internal capabilities covering the category, possible duplicates, and flags. Absent on requests submitted before assessments existed.',
    ),
    triage: RequestTriage.optional().describe(
      'Its triage: who was asked, the decision and the note; absent on requests submitted before triage existed.',
    ),
    approvalChain: RequestApprovalChain.optional(),
    sendBacks: z
      .array(SendBack)
      .optional()
      .describe(
        'Each time an approver sent it back for changes (CHANGES_REQUESTED), oldest first, and what its resubmission did.',
      ),
    supersededChains: z
      .array(SupersededApprovalChain)
      .optional()
      .describe(
        'Chains a resubmission restarted (the amount rose beyond the policy threshold, or the vendor, category or business function changed): their approvals no longer count.',
      ),
    waitingOn: z
      .array(ContactResource)
      .optional()
      .describe(
        'Who the request waits on now: its triagers (IN_TRIAGE), its requester (NEEDS_INFO, CHANGES_REQUESTED), or the approvers of its pending step (any one of them decides).',
      ),
    failure: z
      .object({ at: z.string(), reason: z.string() })
      .optional()
      .describe('Why the approval workflow could not complete (status ERROR).'),
    budgetRefusal: z
      .object({ at: z.string(), reason: z.string(), figures: z.record(z.string(), z.unknown()) })
      .optional()
      .describe(
        "Why the approved amount could not be committed, with the line's figures (status BUDGET_EXCEEDED).",
      ),
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.number().int(),
  })
  .meta({ id: 'Request' });
export type RequestResourceType = z.infer<typeof RequestResource>;

/** What decides a request's approval chain, as it stood when an approver sent it back. */
export interface ChainDecidingFields {
  estimatedCost: Money;
  businessFunction: string;
  category: string;
  preferredVendorId?: string;
}

/** A send-back as stored: with the fields its resubmission is compared against (not shown to callers). */
export type StoredSendBack = SendBackType & { asSentBack: ChainDecidingFields };

/** A request as stored: the same fields, money in exact minor units. */
export interface ConsultancyRequest
  extends Omit<RequestResourceType, 'estimatedCost' | 'waitingOn' | 'phasing' | 'sendBacks'> {
  estimatedCost: Money;
  phasing?: StoredPhasing;
  sendBacks?: StoredSendBack[];
  /** The approval workflow's execution, once it asked for a decision (not shown to callers). */
  executionArn?: string;
  /** The waiting triage task's token, while IN_TRIAGE (not shown to callers). */
  triageTaskToken?: string;
}

/** Who the request waits on in its status, if anyone. */
function waitingOn(request: ConsultancyRequest) {
  if (request.status === 'IN_TRIAGE') return request.triage?.triagers;
  if (request.status === 'NEEDS_INFO' || request.status === 'CHANGES_REQUESTED') return [request.requester];
  const pending = request.approvalChain && currentStepOf(request.approvalChain);
  return pending?.status === 'PENDING' ? pending.approvers : undefined;
}

/**
 * Which submission round the request is in: one per submission, resubmission after NEEDS_INFO
 * (a new triage round) and resubmission after a send-back. Its workflow execution is named after it.
 */
export const submissionRoundOf = (request: ConsultancyRequest): number =>
  (request.triage?.round ?? 1) +
  (request.sendBacks ?? []).filter((sendBack) => sendBack.resubmittedAt).length;

/** The wire form: money as a decimal string, fields in schema order, nothing but the schema's fields. */
export function toResource(request: ConsultancyRequest, now = new Date()): RequestResourceType {
  const waiting = waitingOn(request);
  const seconds = request.triage && secondsInTriage(request.triage, now);
  return RequestResource.parse({
    ...request,
    estimatedCost: formatMoney(request.estimatedCost),
    ...(request.phasing ? { phasing: phasingResourceOf(request.phasing) } : {}),
    ...(request.triage ? { triage: { ...request.triage, secondsInTriage: seconds } } : {}),
    ...(waiting ? { waitingOn: waiting.map(({ name, email }) => ({ name, email })) } : {}),
  });
}
