import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type Caller,
  callerFromClaims,
  claimList,
  hasRole,
  requireAnyRole,
  requireRole,
} from '../../functions/shared/auth.js';
import { ForbiddenError, UnauthorizedError } from '../../functions/shared/errors.js';

describe('claimList', () => {
  it('reads nothing from a missing claim', () => {
    expect(claimList(undefined)).toEqual([]);
  });

  it('reads a JSON array claim as it is', () => {
    const list = claimList(['admin', 'requester']);

    expect(list).toEqual(['admin', 'requester']);
  });

  it('reads API Gateway’s "[a b]" string form of an array claim', () => {
    const list = claimList('[admin requester]');

    expect(list).toEqual(['admin', 'requester']);
  });

  it('reads a JSON array serialised as a string', () => {
    const list = claimList('["admin","requester"]');

    expect(list).toEqual(['admin', 'requester']);
  });

  it('keeps a group name with a space whole in an array claim', () => {
    expect(claimList(['site admin', 'requester'])).toEqual(['site admin', 'requester']);
  });

  it.each(['admin,requester', 'finance,requester', '[finance,requester]'])(
    'reads "%s" as one group name: a comma separates nothing',
    (value) => {
      const list = claimList(value);

      expect(list).toEqual([value.replace(/^\[|\]$/g, '')]);
    },
  );

  it('keeps a group name with a space whole in a JSON array serialised as a string', () => {
    expect(claimList('["site admin","requester"]')).toEqual(['site admin', 'requester']);
  });

  it('reads a single value as a one-element list', () => {
    expect(claimList('finance')).toEqual(['finance']);
  });

  it.each(['', '[]', '  ', '[ ]'])('reads the empty claim "%s" as no items', (value) => {
    expect(claimList(value)).toEqual([]);
  });
});

describe('callerFromClaims', () => {
  it('builds the caller from the default claim names', () => {
    const claims = {
      sub: 'user-1',
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      groups: '[requester approver]',
      business_function: 'QA',
    };

    const caller = callerFromClaims(claims);

    expect(caller).toEqual({
      sub: 'user-1',
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      roles: ['requester', 'approver'],
      businessFunction: 'QA',
    });
  });

  it('rejects missing claims as unauthorized', () => {
    expect(() => callerFromClaims(undefined)).toThrow(UnauthorizedError);
  });

  it.each([
    ['without a sub', { name: 'No One', groups: 'admin' }],
    ['with an empty sub', { sub: '', groups: 'admin' }],
    ['with a non-string sub', { sub: 42, groups: 'admin' }],
  ])('rejects claims %s as unauthorized', (_case, claims) => {
    expect(() => callerFromClaims(claims)).toThrow(UnauthorizedError);
  });

  it('drops groups that are not roles of the product', () => {
    const claims = { sub: 'user-1', groups: ['admin', 'superuser', 'Requester', 'everyone'] };

    const caller = callerFromClaims(claims);

    expect(caller.roles).toEqual(['admin']);
  });

  it('gives a caller without a groups claim no roles', () => {
    const caller = callerFromClaims({ sub: 'user-1' });

    expect(caller.roles).toEqual([]);
  });

  it('upper-cases the business function code', () => {
    const caller = callerFromClaims({ sub: 'user-1', business_function: 'msat' });

    expect(caller.businessFunction).toBe('MSAT');
  });

  it.each([
    ['is missing', {}],
    ['is empty', { business_function: '' }],
    ['is not a string', { business_function: ['QA', 'MFG'] }],
  ])('leaves the business function unset when the claim %s', (_case, extra) => {
    const caller = callerFromClaims({ sub: 'user-1', ...extra });

    expect(caller).not.toHaveProperty('businessFunction');
  });

  it('falls back to the sub for the name and to an empty email', () => {
    const caller = callerFromClaims({ sub: 'user-1' });

    expect(caller.name).toBe('user-1');
    expect(caller.email).toBe('');
  });
});

/** A bearer token as the API Gateway authorizer let it through (the signature is not the Lambda's to check). */
function bearer(payload: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `Bearer ${part({ alg: 'RS256', typ: 'JWT' })}.${part(payload)}.c2lnbmF0dXJl`;
}

describe('callerFromClaims with the claims as the HTTP API JWT authorizer renders them', () => {
  const token = { iss: 'https://issuer.example', sub: 'user-1', iat: 1_900_000_000, exp: 1_900_003_600 };
  const rendered = { iss: token.iss, sub: token.sub, iat: String(token.iat), exp: String(token.exp) };

  it('does not make ["site admin"] an admin: the verified token keeps the group name whole', () => {
    const claims = { ...rendered, groups: '[site admin]' };

    const caller = callerFromClaims(claims, bearer({ ...token, groups: ['site admin'] }));

    expect(caller.roles).toEqual([]);
  });

  it('does not make ["finance,requester"] finance', () => {
    const claims = { ...rendered, groups: '[finance,requester]' };

    const caller = callerFromClaims(claims, bearer({ ...token, groups: ['finance,requester'] }));

    expect(caller.roles).toEqual([]);
  });

  it('reads several whole group names from the verified token', () => {
    const claims = { ...rendered, groups: '[requester site admin approver]' };

    const caller = callerFromClaims(
      claims,
      bearer({ ...token, groups: ['requester', 'site admin', 'approver'] }),
    );

    expect(caller.roles).toEqual(['requester', 'approver']);
  });

  it.each([
    ['another subject', { ...token, sub: 'user-2', groups: ['requester'] }],
    ['other groups', { ...token, groups: ['requester'] }],
  ])('ignores a bearer token with %s than the authorizer vouched for', (_case, payload) => {
    const claims = { ...rendered, groups: '[admin]' };

    const caller = callerFromClaims(claims, bearer(payload));

    expect(caller.roles).toEqual(['admin']);
  });

  it.each(['Basic dXNlcjpwYXNz', 'Bearer not-a-jwt', `${bearer(token)}, ${bearer(token)}`])(
    'reads the rendered claim when the Authorization header holds no single token: %s',
    (authorization) => {
      const caller = callerFromClaims({ ...rendered, groups: '[finance]' }, authorization);

      expect(caller.roles).toEqual(['finance']);
    },
  );
});

describe('callerFromClaims with configured claim names', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('reads roles, business function, name and email from the claims named in the environment', async () => {
    vi.stubEnv('AUTH_GROUPS_CLAIM', 'roles');
    vi.stubEnv('AUTH_BUSINESS_FUNCTION_CLAIM', 'extension_bf');
    vi.stubEnv('AUTH_NAME_CLAIM', 'preferred_username');
    vi.stubEnv('AUTH_EMAIL_CLAIM', 'upn');
    vi.resetModules();
    const configured = await import('../../functions/shared/auth.js');
    const claims = {
      sub: 'user-2',
      roles: 'finance',
      groups: 'admin',
      extension_bf: 'mfg',
      business_function: 'QA',
      preferred_username: 'Grace Hopper',
      upn: 'grace@example.com',
    };

    const caller = configured.callerFromClaims(claims);

    expect(caller).toEqual({
      sub: 'user-2',
      name: 'Grace Hopper',
      email: 'grace@example.com',
      roles: ['finance'],
      businessFunction: 'MFG',
    });
  });
});

describe('role checks', () => {
  const caller = (roles: Caller['roles']): Caller => ({ sub: 's', name: 'n', email: 'e', roles });

  it('tells whether the caller holds any of the given roles', () => {
    const approver = caller(['approver']);

    expect(hasRole(approver, 'finance', 'approver')).toBe(true);
    expect(hasRole(approver, 'finance', 'admin')).toBe(false);
  });

  it('lets a caller with a required role through', () => {
    expect(() => requireRole(caller(['finance']), 'finance', 'admin')).not.toThrow();
  });

  it('forbids a caller without any of the required roles, naming them', () => {
    const check = () => requireRole(caller(['requester']), 'finance', 'admin');

    expect(check).toThrow(ForbiddenError);
    expect(check).toThrow('finance, admin');
  });

  it('forbids a token with none of the product’s roles', () => {
    expect(() => requireAnyRole(caller([]))).toThrow(ForbiddenError);
  });

  it.each(['requester', 'approver', 'finance', 'vendor-manager', 'admin'] as const)(
    'lets a caller with only the %s role past requireAnyRole',
    (role) => {
      expect(() => requireAnyRole(caller([role]))).not.toThrow();
    },
  );
});
