import { describe, expect, it } from 'vitest';
import type { ConsultancyRequest } from '../../functions/requests/model.js';
import {
  assertMaySee,
  assertMaySubmitFor,
  assertMayWithdraw,
  listScopeFor,
  seesAllBusinessFunctions,
} from '../../functions/requests/policy.js';
import type { Caller, Role } from '../../functions/shared/auth.js';
import { ForbiddenError } from '../../functions/shared/errors.js';

function callerWith(roles: Role[], businessFunction?: string, sub = 'user-qa'): Caller {
  return {
    sub,
    name: `Name of ${sub}`,
    email: `${sub}@example.com`,
    roles,
    ...(businessFunction === undefined ? {} : { businessFunction }),
  };
}

function requestOf(businessFunction: string, requesterSub: string): ConsultancyRequest {
  return {
    id: 'req_01jz0000000000000000000000',
    title: 'CQV support for line 4',
    businessFunction,
    category: 'VALIDATION_CQV',
    description: 'Commissioning and qualification of the new filling line.',
    justification: 'No internal capacity this quarter.',
    estimatedCost: { minor: 18_500_000, currency: 'USD' },
    startDate: '2026-07-01',
    endDate: '2026-12-31',
    urgency: 'HIGH',
    fiscalYear: 'FY2026',
    status: 'SUBMITTED',
    requester: { sub: requesterSub, name: 'Requester', email: 'requester@example.com' },
    createdAt: '2026-05-01T10:00:00.000Z',
    updatedAt: '2026-05-01T10:00:00.000Z',
    version: 1,
  };
}

describe('assertMaySubmitFor', () => {
  it('lets a requester submit for their own business function', () => {
    const requester = callerWith(['requester'], 'QA');

    expect(() => assertMaySubmitFor(requester, 'QA')).not.toThrow();
  });

  it('forbids a requester to submit for another business function', () => {
    const requester = callerWith(['requester'], 'QA');

    const submit = () => assertMaySubmitFor(requester, 'MFG');

    expect(submit).toThrow(ForbiddenError);
    expect(submit).toThrow('own business function (QA)');
  });

  it('forbids a requester whose token names no business function', () => {
    const requester = callerWith(['requester']);

    expect(() => assertMaySubmitFor(requester, 'QA')).toThrow(ForbiddenError);
  });

  it.each([['approver'], ['finance'], ['vendor-manager']] as const)(
    'forbids a caller with only the %s role to submit, even for their own business function',
    (role) => {
      const caller = callerWith([role], 'QA');

      expect(() => assertMaySubmitFor(caller, 'QA')).toThrow('needs the requester role');
    },
  );

  it('lets an admin submit for any business function', () => {
    const admin = callerWith(['admin']);

    expect(() => assertMaySubmitFor(admin, 'MFG')).not.toThrow();
  });
});

describe('assertMaySee', () => {
  const qaRequest = requestOf('QA', 'user-qa');

  it('lets a member of the request’s business function see it', () => {
    const approver = callerWith(['approver'], 'QA', 'head-of-qa');

    expect(() => assertMaySee(approver, qaRequest)).not.toThrow();
  });

  it('forbids a member of another business function to see it', () => {
    const requester = callerWith(['requester'], 'MFG', 'user-mfg');

    expect(() => assertMaySee(requester, qaRequest)).toThrow(ForbiddenError);
  });

  it.each([['finance'], ['admin']] as const)('lets %s see requests of every business function', (role) => {
    const caller = callerWith([role], 'FIN');

    expect(seesAllBusinessFunctions(caller)).toBe(true);
    expect(() => assertMaySee(caller, qaRequest)).not.toThrow();
  });

  it('forbids a caller without any product role, even of the same business function', () => {
    const roleless = callerWith([], 'QA');

    expect(() => assertMaySee(roleless, qaRequest)).toThrow(ForbiddenError);
  });
});

describe('listScopeFor', () => {
  it('confines a requester’s list to their own business function when none is asked for', () => {
    const requester = callerWith(['requester'], 'QA');

    const scope = listScopeFor(requester, undefined);

    expect(scope).toBe('QA');
  });

  it('allows a requester to ask for their own business function explicitly', () => {
    const requester = callerWith(['requester'], 'QA');

    expect(listScopeFor(requester, 'QA')).toBe('QA');
  });

  it('forbids a requester to list another business function', () => {
    const requester = callerWith(['requester'], 'QA');

    expect(() => listScopeFor(requester, 'MFG')).toThrow(ForbiddenError);
  });

  it('forbids listing to a caller whose token names no business function', () => {
    const approver = callerWith(['approver']);

    const list = () => listScopeFor(approver, undefined);

    expect(list).toThrow(ForbiddenError);
    expect(list).toThrow('names no business function');
  });

  it.each([['finance'], ['admin']] as const)('lets %s list every business function', (role) => {
    const caller = callerWith([role]);

    const scope = listScopeFor(caller, undefined);

    expect(scope).toBeUndefined();
  });

  it('lets finance narrow the list to any one business function', () => {
    const finance = callerWith(['finance'], 'FIN');

    expect(listScopeFor(finance, 'MFG')).toBe('MFG');
  });

  it('forbids listing to a caller without any product role', () => {
    const roleless = callerWith([], 'QA');

    expect(() => listScopeFor(roleless, undefined)).toThrow(ForbiddenError);
  });
});

describe('assertMayWithdraw', () => {
  const qaRequest = requestOf('QA', 'user-qa');

  it('lets the requester withdraw their own request', () => {
    const requester = callerWith(['requester'], 'QA', 'user-qa');

    expect(() => assertMayWithdraw(requester, qaRequest)).not.toThrow();
  });

  it('forbids a colleague of the same business function to withdraw it', () => {
    const colleague = callerWith(['requester', 'approver'], 'QA', 'colleague-qa');

    const withdraw = () => assertMayWithdraw(colleague, qaRequest);

    expect(withdraw).toThrow(ForbiddenError);
    expect(withdraw).toThrow('Only the requester (or an admin)');
  });

  it('forbids finance to withdraw a request it can see but did not submit', () => {
    const finance = callerWith(['finance'], 'FIN', 'finance-1');

    expect(() => assertMayWithdraw(finance, qaRequest)).toThrow(ForbiddenError);
  });

  it('lets an admin withdraw any request', () => {
    const admin = callerWith(['admin'], undefined, 'admin-1');

    expect(() => assertMayWithdraw(admin, qaRequest)).not.toThrow();
  });

  it('forbids the requester once they no longer belong to the request’s business function', () => {
    const moved = callerWith(['requester'], 'MFG', 'user-qa');

    expect(() => assertMayWithdraw(moved, qaRequest)).toThrow('belongs to another business function');
  });
});
