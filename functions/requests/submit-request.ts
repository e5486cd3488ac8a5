import middy from '@middy/core';
import * as z from 'zod';
import { startApprovalWorkflow } from '../approvals/workflow.js';
import { getBusinessFunction } from '../reference-data/business-functions.js';
import { newAuditEvent } from '../shared/audit-event.js';
import { type Caller, requireRole } from '../shared/auth.js';
import { optionalEnv, requireEnv } from '../shared/config.js';
import {
  type FieldIssue,
  IdempotencyKeyReusedError,
  ServiceUnavailableError,
  ValidationError,
} from '../shared/errors.js';
import { assertFiscalYearStartMonth, fiscalYearOf } from '../shared/fiscal-year.js';
import {
  type ApiEvent,
  apiMiddlewares,
  callerOf,
  json,
  parseJsonBody,
  validate,
  zodIssues,
} from '../shared/http.js';
import { newId } from '../shared/ids.js';
import { logger } from '../shared/logger.js';
import { parseMoney } from '../shared/money.js';
import {
  type ConsultancyRequest,
  etagOf,
  IdempotencyKey,
  personOf,
  SubmitRequestBody,
  type SubmitRequestInput,
  toResource,
} from './model.js';
import { assertMaySubmitFor } from './policy.js';
import {
  findIdempotentResponse,
  fingerprintOf,
  type IdempotencyClaim,
  IdempotencyRaceError,
  type IdempotentResponse,
  insertRequest,
} from './request-commands.js';

const fiscalYearStartMonth = Number(optionalEnv('FISCAL_YEAR_START_MONTH', '1'));
assertFiscalYearStartMonth(fiscalYearStartMonth);
const approvalWorkflowArn = requireEnv('APPROVAL_WORKFLOW_ARN');

const IdempotencyHeaders = z.object({ 'idempotency-key': IdempotencyKey.optional() });

/** Validates the body and that its business function exists, reporting every problem at once. */
async function validateSubmission(raw: unknown) {
  const parsed = SubmitRequestBody.safeParse(raw);
  const issues: FieldIssue[] = parsed.success ? [] : zodIssues(parsed.error);
  const code = (raw as { businessFunction?: unknown } | null)?.businessFunction;
  const codeIsWellFormed = !issues.some((issue) => issue.field === 'businessFunction');
  if (typeof code === 'string' && codeIsWellFormed && (await getBusinessFunction(code)) === undefined) {
    issues.push({ field: 'businessFunction', message: `Unknown business function "${code}".` });
  }
  if (!parsed.success || issues.length > 0) throw new ValidationError(issues);
  return parsed.data;
}

function replay(stored: { fingerprint: string; response: IdempotentResponse }, fingerprint: string) {
  if (stored.fingerprint !== fingerprint) throw new IdempotencyKeyReusedError();
  return { ...stored.response, replayed: true };
}

/**
 * Starts the request's approval workflow. The request is stored first, so a failure here loses
 * nothing: the caller is told to retry (a replay starts it again, never twice) and the
 * sweeper starts any request left in SUBMITTED.
 */
async function startApproval(requestId: string): Promise<void> {
  try {
    await startApprovalWorkflow(approvalWorkflowArn, requestId);
  } catch (error) {
    logger.error('Could not start the approval workflow', { requestId, error: error as Error });
    throw new ServiceUnavailableError(
      `Request ${requestId} is stored, but its approval could not be started yet. Retry with the same Idempotency-Key, or leave it: it will be started automatically within minutes.`,
    );
  }
}

/**
 * Submits a consultancy request for a business function and starts its approval. With an
 * Idempotency-Key, a retry of the same body answers the first response again and stores
 * nothing new (and starts the approval if the first attempt could not).
 */
export async function submitRequest(
  caller: Caller,
  raw: unknown,
  idempotencyKey: string | undefined,
  now = new Date(),
): Promise<IdempotentResponse & { replayed: boolean }> {
  const result = await storeOrReplay(caller, raw, idempotencyKey, now);
  await startApproval((result.body as { id: string }).id);
  return result;
}

async function storeOrReplay(
  caller: Caller,
  raw: unknown,
  idempotencyKey: string | undefined,
  now: Date,
): Promise<IdempotentResponse & { replayed: boolean }> {
  requireRole(caller, 'requester', 'admin');
  const claim = idempotencyKey
    ? { callerSub: caller.sub, key: idempotencyKey, fingerprint: fingerprintOf(raw) }
    : undefined;
  // Both reads at once (one round trip of latency); a remembered response wins over validation.
  const [stored, body] = await Promise.allSettled([
    claim ? findIdempotentResponse(claim) : Promise.resolve(undefined),
    validateSubmission(raw),
  ]);
  if (stored.status === 'rejected') throw stored.reason;
  if (claim && stored.value) return replay(stored.value, claim.fingerprint);
  if (body.status === 'rejected') throw body.reason;
  return store(caller, body.value, claim, now);
}

/** Stores a validated submission with its audit event (and idempotency record) in one transaction. */
async function store(
  caller: Caller,
  body: SubmitRequestInput,
  claim: IdempotencyClaim | undefined,
  now: Date,
): Promise<IdempotentResponse & { replayed: boolean }> {
  assertMaySubmitFor(caller, body.businessFunction);

  const at = now.toISOString();
  const request: ConsultancyRequest = {
    id: newId('request', now.getTime()),
    ...body,
    estimatedCost: parseMoney(body.estimatedCost),
    fiscalYear: fiscalYearOf(body.startDate, fiscalYearStartMonth),
    status: 'SUBMITTED',
    requester: personOf(caller),
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  const response = { statusCode: 201, body: toResource(request) };
  const event = newAuditEvent(caller, {
    entityType: 'REQUEST',
    entityId: request.id,
    action: 'REQUEST_SUBMITTED',
    at,
    after: toResource(request),
  });
  try {
    await insertRequest(request, event, claim ? { claim, response } : undefined);
  } catch (error) {
    if (!(error instanceof IdempotencyRaceError) || !claim) throw error;
    const stored = await findIdempotentResponse(claim);
    if (!stored) throw error;
    return replay(stored, claim.fingerprint);
  }
  return { ...response, replayed: false };
}

export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    const { 'idempotency-key': idempotencyKey } = validate(IdempotencyHeaders, event.headers);
    const raw = parseJsonBody(event, z.unknown());
    const result = await submitRequest(caller, raw, idempotencyKey);
    const request = result.body as { id: string; version: number };
    return json(result.statusCode, result.body, {
      location: `/requests/${request.id}`,
      etag: etagOf(request),
      ...(result.replayed ? { 'idempotent-replayed': 'true' } : {}),
    });
  });
