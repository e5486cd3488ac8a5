import * as z from 'zod';
import { getBusinessFunction } from '../reference-data/business-functions.js';
import { newAuditEvent } from '../shared/audit-event.js';
import { type Caller, personOf, requireRole } from '../shared/auth.js';
import { etagOf } from '../shared/concurrency.js';
import { type FieldIssue, ServiceUnavailableError, ValidationError } from '../shared/errors.js';
import { fiscalYearOfDate, fiscalYearStartMonth } from '../shared/fiscal-calendar.js';
import { zodIssues } from '../shared/http.js';
import {
  type Alongside,
  type Answer,
  createOnce,
  type FirstResponse,
  type IdempotencyClaim,
} from '../shared/idempotency.js';
import { newId } from '../shared/ids.js';
import { logger } from '../shared/logger.js';
import { MoneySchema, parseMoney } from '../shared/money.js';
import { PhasingInput, phasingIssues, phasingOf } from '../shared/phasing.js';
import { IsoDate } from '../shared/schemas.js';
import { type TriageAssessmentType, unassessed } from '../shared/triage-assessment.js';
import { NOT_ENGAGEABLE } from '../vendors/lifecycle.js';
import { getVendor } from '../vendors/vendor-queries.js';
import { type ConsultancyRequest, SubmitRequestBody, type SubmitRequestInput, toResource } from './model.js';
import { assertMaySubmitFor } from './policy.js';
import { insertRequest } from './request-commands.js';

/** Submitting a request: validated against reference data, stored once, its workflow started. */

/** The fiscal year a request's start date falls in, by the configured start month. */
export const fiscalYearOfStart = fiscalYearOfDate;

/** What a stated phasing is judged against. */
const PhasedFields = z.object({ estimatedCost: MoneySchema, startDate: IsoDate, endDate: IsoDate });

/**
 * A stated phasing's problems against the request's cost and dates, once both the phasing and
 * those fields are well formed (otherwise their own issues are reported).
 */
function statedPhasingIssues(raw: unknown, issues: FieldIssue[]): FieldIssue[] {
  const phasing = PhasingInput.safeParse((raw as { phasing?: unknown } | null)?.phasing);
  const fields = PhasedFields.safeParse(raw);
  if (!phasing.success || !fields.success || fields.data.endDate < fields.data.startDate) return [];
  if (issues.some((issue) => issue.field.startsWith('phasing'))) return [];
  return phasingIssues(phasing.data, fields.data, fiscalYearStartMonth);
}

/**
 * Validates the body, that its business function exists and that its preferred vendor may be
 * engaged, reporting every problem at once. Both lookups run at once (one round trip).
 */
export async function validateSubmission(
  raw: unknown,
): Promise<SubmitRequestInput & { preferredVendorName?: string }> {
  const parsed = SubmitRequestBody.safeParse(raw);
  const issues: FieldIssue[] = parsed.success ? [] : zodIssues(parsed.error);
  const fields = (raw ?? {}) as { businessFunction?: unknown; preferredVendorId?: unknown };
  const wellFormed = (field: keyof typeof fields): string | undefined => {
    const value = fields[field];
    return typeof value === 'string' && !issues.some((issue) => issue.field === field) ? value : undefined;
  };
  const code = wellFormed('businessFunction');
  const vendorId = wellFormed('preferredVendorId');
  const [businessFunction, vendor] = await Promise.all([
    code === undefined ? undefined : getBusinessFunction(code),
    vendorId === undefined ? undefined : getVendor(vendorId),
  ]);
  if (code !== undefined && businessFunction === undefined) {
    issues.push({ field: 'businessFunction', message: `Unknown business function "${code}".` });
  }
  if (vendorId !== undefined) {
    if (vendor === undefined) {
      issues.push({ field: 'preferredVendorId', message: `Unknown vendor "${vendorId}".` });
    } else if (NOT_ENGAGEABLE.includes(vendor.status)) {
      issues.push({
        field: 'preferredVendorId',
        message: `${vendor.displayName} is ${vendor.status}${vendor.statusReason ? ` (${vendor.statusReason})` : ''} and may not be engaged.`,
      });
    }
  }
  issues.push(...statedPhasingIssues(raw, issues));
  if (!parsed.success || issues.length > 0) throw new ValidationError(issues);
  return { ...parsed.data, ...(vendor ? { preferredVendorName: vendor.displayName } : {}) };
}

/**
 * The request's fields from a validated submission: money in minor units, the start date's
 * fiscal year, and its phasing (stated, or pro rata by days across fiscal years).
 */
export function requestFieldsOf(body: SubmitRequestInput & { preferredVendorName?: string }) {
  const { phasing: _stated, ...fields } = body;
  const estimatedCost = parseMoney(body.estimatedCost);
  const phasing = phasingOf({ ...body, estimatedCost }, fiscalYearStartMonth);
  return {
    ...fields,
    estimatedCost,
    fiscalYear: fiscalYearOfStart(body.startDate),
    ...(phasing ? { phasing } : {}),
  };
}

/** Starts a stored request's workflow for a submission round (the approvals capability provides it). */
export type StartApproval = (requestId: string, round?: number) => Promise<void>;

/** Works out the triage assessment of a request about to be stored (the triage capability provides it). */
export type AssessRequest = (request: ConsultancyRequest, now: Date) => Promise<TriageAssessmentType>;

/**
 * Applies the fiscal year's budget control at submission to the assessment (the budgets
 * capability provides it): may refuse the request (a 409 with the line's figures) or change
 * its flags. Left out, the assessment stands as worked out.
 */
export type ControlSubmission = (
  request: ConsultancyRequest,
  assessment: TriageAssessmentType,
) => Promise<TriageAssessmentType>;
const noControl: ControlSubmission = async (_request, assessment) => assessment;

/**
 * The assessment never costs a request: whatever goes wrong working it out, the request is
 * stored with an assessment that says it is incomplete (and the triager checks by hand).
 */
export async function assessmentOrIncomplete(
  assess: AssessRequest,
  request: ConsultancyRequest,
  now: Date,
): Promise<TriageAssessmentType> {
  try {
    return await assess(request, now);
  } catch (error) {
    logger.error('Could not work out the triage assessment', {
      requestId: request.id,
      error: error as Error,
    });
    return unassessed(now, 'The assessment could not be worked out at submission.');
  }
}

/**
 * Starts the request's approval workflow. The request is stored first, so a failure here loses
 * nothing: the caller is told to retry (a replay starts it again, never twice) and the
 * sweeper starts any request left in SUBMITTED.
 */
export async function startApproval(
  startApprovalWorkflow: StartApproval,
  requestId: string,
  round = 1,
): Promise<void> {
  try {
    await startApprovalWorkflow(requestId, round);
  } catch (error) {
    logger.error('Could not start the approval workflow', { requestId, error: error as Error });
    throw new ServiceUnavailableError(
      `Request ${requestId} is stored, but its approval could not be started yet. Retry with the same Idempotency-Key, or leave it: it will be started automatically within minutes.`,
    );
  }
}

const created = (request: ConsultancyRequest): FirstResponse => ({
  statusCode: 201,
  body: toResource(request),
  headers: { location: `/requests/${request.id}`, etag: etagOf(request) },
});

/**
 * Submits a consultancy request for a business function and starts its approval. With an
 * Idempotency-Key, a retry of the same body answers the first response again and stores
 * nothing new (and starts the approval if the first attempt could not).
 */
export async function submitRequest(
  caller: Caller,
  raw: unknown,
  claim: IdempotencyClaim | undefined,
  startApprovalWorkflow: StartApproval,
  assess: AssessRequest,
  now = new Date(),
  control: ControlSubmission = noControl,
): Promise<Answer> {
  requireRole(caller, 'requester', 'admin');
  // Validation reads reference data: it runs alongside the look-up of the key, and a remembered
  // response wins over it (so its failure is no error then).
  const validated = validateSubmission(raw);
  validated.catch(() => undefined);
  const result = await createOnce(
    claim,
    async (alongside) => store(caller, await validated, alongside, assess, now, control),
    created,
  );
  await startApproval(startApprovalWorkflow, (result.body as { id: string }).id);
  return result;
}

/**
 * Stores a validated submission, with its triage assessment, and its audit event (and
 * idempotency record) in one transaction.
 */
async function store(
  caller: Caller,
  body: SubmitRequestInput & { preferredVendorName?: string },
  alongside: Alongside<ConsultancyRequest>,
  assess: AssessRequest,
  now: Date,
  control: ControlSubmission = noControl,
): Promise<ConsultancyRequest> {
  assertMaySubmitFor(caller, body.businessFunction);

  const at = now.toISOString();
  const submitted: ConsultancyRequest = {
    id: newId('request', now.getTime()),
    ...requestFieldsOf(body),
    status: 'SUBMITTED',
    triage: { round: 1 },
    requester: personOf(caller),
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  const assessment = await control(submitted, await assessmentOrIncomplete(assess, submitted, now));
  const request = { ...submitted, assessment };
  const event = newAuditEvent(caller, {
    entityType: 'REQUEST',
    entityId: request.id,
    action: 'REQUEST_SUBMITTED',
    at,
    after: toResource(request),
  });
  await insertRequest(request, event, alongside(request));
  return request;
}
