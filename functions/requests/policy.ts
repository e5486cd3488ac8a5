import { type Caller, hasRole, requireAnyRole } from '../shared/auth.js';
import { sameEmail } from '../shared/contacts.js';
import { ForbiddenError } from '../shared/errors.js';
import type { ConsultancyRequest } from './model.js';

/** Who may see and act on requests. Triagers, finance and admin see every business function's requests. */
export function seesAllBusinessFunctions(caller: Caller): boolean {
  return hasRole(caller, 'triager', 'finance', 'admin');
}

export function assertMaySubmitFor(caller: Caller, businessFunction: string): void {
  if (!hasRole(caller, 'requester', 'admin')) {
    throw new ForbiddenError('Submitting a request needs the requester role.');
  }
  if (!hasRole(caller, 'admin') && caller.businessFunction !== businessFunction) {
    throw new ForbiddenError(
      `You may submit requests for your own business function (${caller.businessFunction ?? 'none'}) only.`,
    );
  }
}

export function assertMaySee(caller: Caller, request: ConsultancyRequest): void {
  requireAnyRole(caller);
  if (!seesAllBusinessFunctions(caller) && caller.businessFunction !== request.businessFunction) {
    throw new ForbiddenError('This request belongs to another business function.');
  }
}

/** The business function a list is confined to; undefined means every business function. */
export function listScopeFor(caller: Caller, requested: string | undefined): string | undefined {
  requireAnyRole(caller);
  if (seesAllBusinessFunctions(caller)) return requested;
  if (caller.businessFunction === undefined) {
    throw new ForbiddenError('Your token names no business function.');
  }
  if (requested !== undefined && requested !== caller.businessFunction) {
    throw new ForbiddenError(
      `You may list requests of your own business function (${caller.businessFunction}) only.`,
    );
  }
  return caller.businessFunction;
}

function assertRequesterOrAdmin(caller: Caller, request: ConsultancyRequest, action: string): void {
  assertMaySee(caller, request);
  if (request.requester.sub !== caller.sub && !hasRole(caller, 'admin')) {
    throw new ForbiddenError(`Only the requester (or an admin) may ${action}.`);
  }
}

export const assertMayWithdraw = (caller: Caller, request: ConsultancyRequest) =>
  assertRequesterOrAdmin(caller, request, 'withdraw a request');

/** Editing and resubmitting a request that needs information. */
export const assertMayRevise = (caller: Caller, request: ConsultancyRequest) =>
  assertRequesterOrAdmin(caller, request, 'change or resubmit a request');

/** Triage needs the triager (or admin) role, and never of one's own request (segregation of duties). */
export function assertMayTriage(caller: Caller, request: ConsultancyRequest): void {
  if (!hasRole(caller, 'triager', 'admin')) {
    throw new ForbiddenError('Triage needs the triager role.');
  }
  if (request.requester.sub === caller.sub || sameEmail(request.requester.email, caller.email)) {
    throw new ForbiddenError('You cannot triage your own request.');
  }
}
