import { ConflictError } from '../shared/errors.js';
import type { RequestStatus } from './model.js';

/**
 * The request's life, written once: every allowed (from, event, to). Every state change of a
 * request is one of these, applied as one conditional write on the request's status and version
 * (request-commands.ts), in the same transaction as its approval, ledger and audit effects. So
 * two people acting at once can never both win, and money never stays committed on a request
 * that closed meanwhile.
 */
export const REQUEST_LIFECYCLE = [
  // Triage first: an auto-triage rule of the approval policy accepts it, or the triagers are asked.
  { from: 'SUBMITTED', event: 'ACCEPT', to: 'IN_APPROVAL' },
  { from: 'SUBMITTED', event: 'ASK_TRIAGE', to: 'IN_TRIAGE' },
  // A retried triage task asks again, with a fresh task token.
  { from: 'IN_TRIAGE', event: 'ASK_TRIAGE', to: 'IN_TRIAGE' },
  { from: 'IN_TRIAGE', event: 'ACCEPT', to: 'IN_APPROVAL' },
  { from: 'IN_TRIAGE', event: 'REDIRECT', to: 'REDIRECTED' },
  { from: 'IN_TRIAGE', event: 'ASK_FOR_INFO', to: 'NEEDS_INFO' },
  { from: 'IN_TRIAGE', event: 'DECLINE', to: 'DECLINED' },
  // No triage decision in time.
  { from: 'IN_TRIAGE', event: 'EXPIRE', to: 'EXPIRED' },
  // The requester answers NEEDS_INFO: edits (each edit a new version), then resubmits to triage.
  { from: 'NEEDS_INFO', event: 'EDIT', to: 'NEEDS_INFO' },
  { from: 'NEEDS_INFO', event: 'RESUBMIT', to: 'SUBMITTED' },
  // The first ask of each step, and a retried approval task, which asks again with a fresh link.
  { from: 'IN_APPROVAL', event: 'ASK_APPROVAL', to: 'IN_APPROVAL' },
  // A delegation moves a pending step's approval to the delegate: the chain changes, nothing else.
  { from: 'IN_APPROVAL', event: 'REASSIGN_APPROVAL', to: 'IN_APPROVAL' },
  // A step undecided at its deadline gets its escalation approvers too: the chain changes, nothing else.
  { from: 'IN_APPROVAL', event: 'ESCALATE_APPROVAL', to: 'IN_APPROVAL' },
  // The approver's decision moves the request's version, so a withdrawal read before it is stale.
  { from: 'IN_APPROVAL', event: 'RECORD_DECISION', to: 'IN_APPROVAL' },
  // An approver sends it back for changes: its requester edits and resubmits it, and approval
  // goes on (from the step that sent it back, or from step 1 when what decides the chain changed).
  { from: 'IN_APPROVAL', event: 'SEND_BACK', to: 'CHANGES_REQUESTED' },
  { from: 'CHANGES_REQUESTED', event: 'EDIT', to: 'CHANGES_REQUESTED' },
  { from: 'CHANGES_REQUESTED', event: 'RESUBMIT', to: 'SUBMITTED' },
  // Approval consumes budget: the commitment and APPROVED land together.
  { from: 'IN_APPROVAL', event: 'COMMIT_BUDGET', to: 'APPROVED' },
  { from: 'IN_APPROVAL', event: 'REFUSE_BUDGET', to: 'BUDGET_EXCEEDED' },
  // Over budget: the chain gets an exception step (asked like any step), whose approver funds
  // the shortfall by a transfer (the transfer, the commitment and APPROVED land together).
  { from: 'IN_APPROVAL', event: 'ADD_BUDGET_EXCEPTION', to: 'IN_APPROVAL' },
  { from: 'IN_APPROVAL', event: 'FUND_BY_TRANSFER', to: 'APPROVED' },
  { from: 'IN_APPROVAL', event: 'REJECT', to: 'REJECTED' },
  { from: 'IN_APPROVAL', event: 'EXPIRE', to: 'EXPIRED' },
  { from: 'SUBMITTED', event: 'FAIL', to: 'ERROR' },
  { from: 'IN_TRIAGE', event: 'FAIL', to: 'ERROR' },
  { from: 'IN_APPROVAL', event: 'FAIL', to: 'ERROR' },
  // Withdrawal works in every undecided status.
  { from: 'SUBMITTED', event: 'WITHDRAW', to: 'WITHDRAWN' },
  { from: 'IN_TRIAGE', event: 'WITHDRAW', to: 'WITHDRAWN' },
  { from: 'NEEDS_INFO', event: 'WITHDRAW', to: 'WITHDRAWN' },
  { from: 'CHANGES_REQUESTED', event: 'WITHDRAW', to: 'WITHDRAWN' },
  { from: 'IN_APPROVAL', event: 'WITHDRAW', to: 'WITHDRAWN' },
  // Releases what was not invoiced, in the same transaction.
  { from: 'APPROVED', event: 'WITHDRAW', to: 'WITHDRAWN' },
  // An invoice changes the ledger, not the request: the write only checks the request is still APPROVED.
  { from: 'APPROVED', event: 'RECORD_ACTUAL', to: 'APPROVED' },
] as const satisfies readonly { from: RequestStatus; event: string; to: RequestStatus }[];

export type RequestEvent = (typeof REQUEST_LIFECYCLE)[number]['event'];

/** The events a request in this status allows (what a 409 names as `allowedTransitions`). */
export function allowedEvents(status: RequestStatus): RequestEvent[] {
  return REQUEST_LIFECYCLE.filter((transition) => transition.from === status).map(
    (transition) => transition.event,
  );
}

/** A request is not in a status that allows the event (409, naming what is allowed). */
export class RequestTransitionError extends ConflictError {
  constructor(
    request: { id: string; status: RequestStatus },
    event: RequestEvent,
    message = `Request ${request.id} is ${request.status}: ${event} is not allowed.`,
  ) {
    super(message, { currentStatus: request.status, allowedTransitions: allowedEvents(request.status) });
    this.name = 'RequestTransitionError';
  }
}

/** Where the event takes a request in this status, or RequestTransitionError. */
export function nextStatus(
  request: { id: string; status: RequestStatus },
  event: RequestEvent,
  message?: string,
): RequestStatus {
  const transition = REQUEST_LIFECYCLE.find(
    (candidate) => candidate.from === request.status && candidate.event === event,
  );
  if (!transition) throw new RequestTransitionError(request, event, message);
  return transition.to;
}

export const allows = (status: RequestStatus, event: RequestEvent): boolean =>
  allowedEvents(status).includes(event);
