import { stepOf } from '../shared/approval-summary.js';
import { newAuditEvent } from '../shared/audit-event.js';
import type { Caller } from '../shared/auth.js';
import { assertIfMatch } from '../shared/concurrency.js';
import { sameEmail } from '../shared/contacts.js';
import { ConflictError, PreconditionFailedError, ValidationError } from '../shared/errors.js';
import { formatMoney } from '../shared/money.js';
import { statedPhasingInputOf } from '../shared/phasing.js';
import { nextStatus } from './lifecycle.js';
import { type ConsultancyRequest, SUBMITTED_FIELDS, submissionRoundOf } from './model.js';
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
import { chainDecidingFieldsOf, chainRestartReasons } from './send-back-rules.js';

/**
 * Revising a request that triage sent back for information (NEEDS_INFO) or an approver sent
 * back for changes (CHANGES_REQUESTED): its requester changes it (PATCH, validated as a
 * submission is) and resubmits it, with a fresh assessment. After NEEDS_INFO it returns to
 * triage; after a send-back its approval goes on from the step that sent it back, or restarts
 * from step 1 when what decides the chain changed (send-back-rules.ts).
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
  `The request is ${request.status}: it can be changed and resubmitted only while triage asks for information (NEEDS_INFO) or an approver asks for changes (CHANGES_REQUESTED).`;

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
 * Changes a request in NEEDS_INFO or CHANGES_REQUESTED. If-Match is required (a requester edits what they read);
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

/** The approval policy's threshold for restarting a resubmitted chain (the approvals capability provides it). */
export type RestartAbovePercentRise = () => Promise<number>;

/**
 * After a send-back: what the resubmission does to the chain. It goes on from the step that sent
 * it back (that step is asked afresh; its earlier approval stays as it was decided) unless the
 * amount rose beyond the policy's threshold or the vendor, category or business function
 * changed: then the chain restarts, kept as superseded, and is resolved again from the policy.
 */
function afterSendBack(
  before: ConsultancyRequest,
  restartAbovePercentRise: number,
  at: string,
): ConsultancyRequest {
  const sendBacks = before.sendBacks ?? [];
  const last = sendBacks.at(-1);
  const chain = before.approvalChain;
  if (!last || !chain) throw new ConflictError(`Request ${before.id} has no send-back to resubmit after.`);
  const reasons = chainRestartReasons(
    last.asSentBack,
    chainDecidingFieldsOf(before),
    restartAbovePercentRise,
  );
  if (reasons.length > 0) {
    const { approvalChain: _restarted, ...unchained } = before;
    return {
      ...unchained,
      supersededChains: [
        ...(before.supersededChains ?? []),
        { ...chain, supersededAt: at, reason: `Restarted on resubmission: ${reasons.join('; ')}.` },
      ],
      sendBacks: [...sendBacks.slice(0, -1), { ...last, resubmittedAt: at, restartedBecause: reasons }],
    };
  }
  const {
    approvalIds: _,
    decidedAt: _at,
    decidedBy: _by,
    decidedOnBehalfOf: _for,
    comment: _c,
    delegations,
    escalatedAt: _escalatedAt,
    escalatedTo,
    ...step
  } = stepOf(chain, last.step);
  // Asked afresh, as first resolved: without those its escalation added (its deadline counts
  // again), and a delegation is routed again when it is asked.
  const escalated = (approver: { email: string }) =>
    (escalatedTo ?? []).some((one) => sameEmail(one.email, approver.email));
  const approvers = step.approvers
    .filter((approver) => !escalated(approver))
    .flatMap((approver) => {
      const delegators = (delegations ?? []).filter((one) => sameEmail(one.to.email, approver.email));
      return delegators.length > 0 ? delegators.map((one) => one.from) : [approver];
    });
  return {
    ...before,
    approvalChain: {
      ...chain,
      currentStep: last.step,
      steps: chain.steps.map((candidate) =>
        candidate.step === last.step ? { ...step, approvers, status: 'WAITING' as const } : candidate,
      ),
    },
    sendBacks: [...sendBacks.slice(0, -1), { ...last, resubmittedAt: at, continuedFromStep: last.step }],
  };
}

/**
 * Resubmits a request: SUBMITTED again with a fresh assessment and the next round; then starts
 * the round's workflow (named after the request and round, so a retry never starts two). After
 * NEEDS_INFO it returns to triage, its answer kept with the triager's questions; after a
 * send-back triage's acceptance stands and approval goes on (afterSendBack).
 */
export async function resubmitRequest(
  caller: Caller,
  id: string,
  response: string | undefined,
  ifMatch: string | undefined,
  ports: { start: StartApproval; assess: AssessRequest; restartAbovePercentRise: RestartAbovePercentRise },
  now = new Date(),
): Promise<ConsultancyRequest> {
  const before = await getRequestVisibleTo(caller, id);
  assertMayRevise(caller, before);
  nextStatus(before, 'RESUBMIT', notNeedingInfo(before));
  assertIfMatch(ifMatch, before, 'request');
  const at = now.toISOString();
  const round = submissionRoundOf(before) + 1;
  const sentBack = before.status === 'CHANGES_REQUESTED';
  const questions = before.triage?.questions;
  const revised: ConsultancyRequest = sentBack
    ? afterSendBack(before, await ports.restartAbovePercentRise(), at)
    : {
        ...before,
        triage: {
          round: (before.triage?.round ?? 1) + 1,
          ...(questions ? { questions } : {}),
          ...(response ? { response } : {}),
        },
      };
  const after = transitionOf(
    revised,
    'RESUBMIT',
    { assessment: await assessmentOrIncomplete(ports.assess, before, now) },
    at,
  );
  const resubmission = after.sendBacks?.at(-1);
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
      ...(sentBack && resubmission?.continuedFromStep
        ? { continuesFromStep: resubmission.continuedFromStep }
        : {}),
      ...(sentBack && resubmission?.restartedBecause
        ? { restartedBecause: resubmission.restartedBecause }
        : {}),
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
