import { completeWorkflowTask } from '../approvals/workflow.js';
import { nextStatus, type RequestEvent } from '../requests/lifecycle.js';
import type { ConsultancyRequest } from '../requests/model.js';
import { assertMayTriage } from '../requests/policy.js';
import { applyRequestTransition, StaleRequestError } from '../requests/request-commands.js';
import { getRequestById } from '../requests/request-queries.js';
import { transitionOf } from '../requests/request-transitions.js';
import { newAuditEvent } from '../shared/audit-event.js';
import { type Caller, personOf } from '../shared/auth.js';
import { assertIfMatch } from '../shared/concurrency.js';
import {
  type FieldIssue,
  NotFoundError,
  PreconditionFailedError,
  ValidationError,
} from '../shared/errors.js';
import type { RequestTriageType, TriageOutcome } from '../shared/request-triage.js';
import { getInternalCapability } from './internal-capability-store.js';
import type { TriageDecisionType } from './model.js';

/** Each triage outcome is one event of the request's life (lifecycle.ts). */
const EVENTS: Record<TriageOutcome, RequestEvent> = {
  ACCEPT: 'ACCEPT',
  REDIRECT_INTERNAL: 'REDIRECT',
  NEEDS_INFO: 'ASK_FOR_INFO',
  DECLINE: 'DECLINE',
};

const ACTIONS: Record<TriageOutcome, string> = {
  ACCEPT: 'REQUEST_ACCEPTED',
  REDIRECT_INTERNAL: 'REQUEST_REDIRECTED',
  NEEDS_INFO: 'REQUEST_INFO_REQUESTED',
  DECLINE: 'REQUEST_DECLINED',
};

const notWaiting = (request: ConsultancyRequest) =>
  `The request is ${request.status}: it is not waiting for a triage decision.`;

/** What the decision names, looked up: the internal capability, or the request it duplicates. */
async function triageDetails(
  request: ConsultancyRequest,
  decision: TriageDecisionType,
): Promise<Partial<RequestTriageType>> {
  const issues: FieldIssue[] = [];
  let details: Partial<RequestTriageType> = {};
  if (decision.outcome === 'REDIRECT_INTERNAL') {
    const capability = await getInternalCapability(decision.internalCapabilityId);
    if (capability) {
      details = { internalCapability: { id: capability.id, name: capability.name, owner: capability.owner } };
    } else {
      issues.push({
        field: 'internalCapabilityId',
        message: `Unknown internal capability "${decision.internalCapabilityId}".`,
      });
    }
  }
  if (decision.outcome === 'DECLINE' && decision.duplicateOf !== undefined) {
    const original =
      decision.duplicateOf === request.id ? undefined : await getRequestById(decision.duplicateOf);
    if (original?.businessFunction === request.businessFunction) {
      details = { duplicateOf: original.id };
    } else {
      issues.push({
        field: 'duplicateOf',
        message: `${decision.duplicateOf} is not another request of ${request.businessFunction}.`,
      });
    }
  }
  if (decision.outcome === 'NEEDS_INFO') details = { questions: decision.questions };
  if (decision.outcome === 'ACCEPT') {
    details = {
      ...(decision.priority ? { priority: decision.priority } : {}),
      ...(decision.category && decision.category !== request.category
        ? { categoryCorrectedFrom: request.category }
        : {}),
    };
  }
  if (issues.length > 0) throw new ValidationError(issues);
  return details;
}

/**
 * A triager decides a request waiting in IN_TRIAGE: accept it (the approval chain starts),
 * redirect it to an internal team, ask its requester for information, or decline it. The
 * decision is one conditional write on the request's status and version, with its audit event,
 * so of two triagers deciding at once exactly one counts; then it is handed to the waiting
 * workflow task, which goes on from what the request shows.
 */
export async function decideTriage(
  caller: Caller,
  id: string,
  decision: TriageDecisionType,
  ifMatch: string | undefined,
  now = new Date(),
): Promise<ConsultancyRequest> {
  const request = await getRequestById(id);
  if (!request) throw new NotFoundError(`No request ${id}.`);
  assertMayTriage(caller, request);
  const event = EVENTS[decision.outcome];
  nextStatus(request, event, notWaiting(request));
  assertIfMatch(ifMatch, request, 'request');
  const details = await triageDetails(request, decision);

  const at = now.toISOString();
  const { triageTaskToken, ...waiting } = request;
  const corrected =
    decision.outcome === 'ACCEPT' && details.categoryCorrectedFrom ? decision.category : undefined;
  const after = transitionOf(
    waiting,
    event,
    {
      triage: {
        ...request.triage,
        round: request.triage?.round ?? 1,
        outcome: decision.outcome,
        decidedAt: at,
        decidedBy: personOf(caller),
        note: decision.note,
        ...details,
      },
      ...(corrected ? { category: corrected } : {}),
    },
    at,
  );
  const auditEvent = newAuditEvent(caller, {
    entityType: 'REQUEST',
    entityId: id,
    action: ACTIONS[decision.outcome],
    at,
    before: {
      status: request.status,
      version: request.version,
      ...(corrected ? { category: request.category } : {}),
    },
    after: {
      status: after.status,
      version: after.version,
      outcome: decision.outcome,
      ...(corrected ? { category: corrected } : {}),
      ...details,
    },
    reason: decision.note,
  });
  try {
    await applyRequestTransition(request, after, auditEvent);
  } catch (error) {
    if (!(error instanceof StaleRequestError)) throw error;
    // Another triager decided first (or the requester withdrew): say what it is now.
    const current = await getRequestById(id);
    if (current) nextStatus(current, event, notWaiting(current));
    throw new PreconditionFailedError(
      'The request changed while you were triaging it; read it and try again.',
    );
  }
  if (triageTaskToken) await completeWorkflowTask(triageTaskToken, { outcome: decision.outcome });
  return after;
}
