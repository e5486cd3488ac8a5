import { newAuditEvent } from '../shared/audit-event.js';
import type { Caller } from '../shared/auth.js';
import { assertIfMatch } from '../shared/concurrency.js';
import { ConflictError, PreconditionFailedError, ValidationError } from '../shared/errors.js';
import { formatMoney } from '../shared/money.js';
import { statedPhasingInputOf } from '../shared/phasing.js';
import { nextStatus } from './lifecycle.js';
import { type ConsultancyRequest, SUBMITTED_FIELDS } from './model.js';
import { assertMayRevise, assertMaySubmitFor } from './policy.js';
import { applyRequestTransition, StaleRequestError } from './request-commands.js';
import { getRequestVisibleTo } from './request-queries.js';
import {
  type AssessRequest,
  assessmentOrIncomplete,
  requestFieldsOf,
  type StartApproval,
  startApproval,
  validateSubmission,
} from './request-submission.js';
import { transitionOf } from './request-transitions.js';

/**
 * Revising a request that triage sent back for information (NEEDS_INFO): its requester changes
 * it (PATCH, validated as a submission is) and resubmits it, which returns it to triage with a
 * fresh assessment.
 */

/** What follows from them: compared too, so the history shows every change. */
const DERIVED_FIELDS = ['preferredVendorName', 'fiscalYear'] as const;
type RevisedField = (typeof SUBMITTED_FIELDS)[number] | (typeof DERIVED_FIELDS)[number];

/** A field as the requester submits it (a phasing worked out pro rata is not the requester's). */
function wireValue(request: Partial<ConsultancyRequest>, field: RevisedField) {
  if (field === 'estimatedCost' && request.estimatedCost) return formatMoney(request.estimatedCost);
  if (field === 'phasing') return statedPhasingInputOf(request.phasing);
  return request[field];
}

const notNeedingInfo = (request: ConsultancyRequest) =>
  `The request is ${request.status}: it can be changed and resubmitted only while triage asks for information (NEEDS_INFO).`;

/** The request as its requester would submit it now: JSON merge patch (null removes the preferred vendor). */
function patched(before: ConsultancyRequest, patch: unknown): Record<string, unknown> {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    throw new ValidationError([
      { field: '', message: 'The body must be a JSON object of the fields to change.' },
    ]);
  }
  const current: Record<string, unknown> = {};
  for (const field of SUBMITTED_FIELDS) {
    const value = wireValue(before, field);
    if (value !== undefined) current[field] = value;
  }
  const merged: Record<string, unknown> = { ...current, ...patch };
  for (const [field, value] of Object.entries(merged)) if (value === null) delete merged[field];
  return merged;
}

/** A write that lost to another change: 412 against the caller's If-Match. */
function changedMeanwhile(error: unknown): never {
  if (error instanceof StaleRequestError)
    throw new PreconditionFailedError(
      'The request changed while you were revising it; read it and try again.',
    );
  throw error;
}

/**
 * Changes a request in NEEDS_INFO. If-Match is required (a requester edits what they read);
 * the result is validated as a submission, and every changed field is recorded in the history
 * as before and after. A patch that changes nothing writes nothing.
 */
export async function editRequest(
  caller: Caller,
  id: string,
  patch: unknown,
  ifMatch: string | undefined,
  now = new Date(),
): Promise<ConsultancyRequest> {
  const before = await getRequestVisibleTo(caller, id);
  assertMayRevise(caller, before);
  nextStatus(before, 'EDIT', notNeedingInfo(before));
  assertIfMatch(ifMatch, before, 'request', true);
  const body = await validateSubmission(patched(before, patch));
  assertMaySubmitFor(caller, body.businessFunction);

  const {
    preferredVendorId: _vendor,
    preferredVendorName: _vendorName,
    phasing: _phasing,
    ...unchanged
  } = before;
  const revised: ConsultancyRequest = { ...unchanged, ...requestFieldsOf(body) };
  const changed = [...SUBMITTED_FIELDS, ...DERIVED_FIELDS].filter(
    (field) => JSON.stringify(wireValue(before, field)) !== JSON.stringify(wireValue(revised, field)),
  );
  if (changed.length === 0) return before;

  const at = now.toISOString();
  const after = transitionOf(revised, 'EDIT', {}, at);
  const valuesOf = (request: ConsultancyRequest) =>
    Object.fromEntries(changed.map((field) => [field, wireValue(request, field) ?? null]));
  const event = newAuditEvent(caller, {
    entityType: 'REQUEST',
    entityId: id,
    action: 'REQUEST_EDITED',
    at,
    before: { version: before.version, ...valuesOf(before) },
    after: { version: after.version, ...valuesOf(after) },
  });
  await applyRequestTransition(before, after, event).catch(changedMeanwhile);
  return after;
}

/**
 * Returns a request in NEEDS_INFO to triage: SUBMITTED again with a fresh assessment and the
 * next round, its answer to the triager's questions kept with the questions; then starts the
 * round's workflow (named after the request and round, so a retry never starts two).
 */
export async function resubmitRequest(
  caller: Caller,
  id: string,
  response: string | undefined,
  ifMatch: string | undefined,
  ports: { start: StartApproval; assess: AssessRequest },
  now = new Date(),
): Promise<ConsultancyRequest> {
  const before = await getRequestVisibleTo(caller, id);
  assertMayRevise(caller, before);
  nextStatus(before, 'RESUBMIT', notNeedingInfo(before));
  assertIfMatch(ifMatch, before, 'request');
  const at = now.toISOString();
  const round = (before.triage?.round ?? 1) + 1;
  const questions = before.triage?.questions;
  const after = transitionOf(
    before,
    'RESUBMIT',
    {
      assessment: await assessmentOrIncomplete(ports.assess, before, now),
      triage: { round, ...(questions ? { questions } : {}), ...(response ? { response } : {}) },
    },
    at,
  );
  const event = newAuditEvent(caller, {
    entityType: 'REQUEST',
    entityId: id,
    action: 'REQUEST_RESUBMITTED',
    at,
    before: { status: before.status, version: before.version },
    after: {
      status: after.status,
      version: after.version,
      round,
      flags: after.assessment?.flags.map((flag) => flag.code),
    },
    ...(response ? { reason: response } : {}),
  });
  try {
    await applyRequestTransition(before, after, event);
  } catch (error) {
    if (!(error instanceof StaleRequestError) || ifMatch !== undefined) changedMeanwhile(error);
    throw new ConflictError('The request changed while you were resubmitting it; read it and try again.');
  }
  await startApproval(ports.start, id, round);
  return after;
}
