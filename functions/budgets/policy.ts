import { type Caller, hasRole } from '../shared/auth.js';
import { ForbiddenError } from '../shared/errors.js';

/** Who sees which budget lines: approvers, finance and admin all; requesters their own function's. */
export function budgetScopeOf(caller: Caller): { all: true } | { all: false; businessFunction: string } {
  if (hasRole(caller, 'approver', 'finance', 'admin')) return { all: true };
  if (!hasRole(caller, 'requester')) {
    throw new ForbiddenError('Budgets are shown to requesters, approvers, finance and admin.');
  }
  if (caller.businessFunction === undefined)
    throw new ForbiddenError('Your token names no business function.');
  return { all: false, businessFunction: caller.businessFunction };
}

export function assertMaySeeLine(caller: Caller, businessFunction: string): void {
  const scope = budgetScopeOf(caller);
  if (!scope.all && scope.businessFunction !== businessFunction) {
    throw new ForbiddenError(
      `You may see the budget line of your own business function (${scope.businessFunction}) only.`,
    );
  }
}
