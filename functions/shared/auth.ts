import { optionalEnv } from './config.js';
import { ForbiddenError, UnauthorizedError } from './errors.js';

export const ROLES = ['requester', 'approver', 'finance', 'vendor-manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The authenticated caller, as the JWT authorizer vouched for it. */
export interface Caller {
  sub: string;
  name: string;
  email: string;
  roles: Role[];
  /** The caller's own business function code, when the identity provider sets one. */
  businessFunction?: string;
}

/** Claim names are configuration so that Cognito, Entra ID or Okta tokens all work. */
const claimNames = {
  groups: optionalEnv('AUTH_GROUPS_CLAIM', 'groups'),
  businessFunction: optionalEnv('AUTH_BUSINESS_FUNCTION_CLAIM', 'business_function'),
  name: optionalEnv('AUTH_NAME_CLAIM', 'name'),
  email: optionalEnv('AUTH_EMAIL_CLAIM', 'email'),
};

type ClaimValue = string | number | boolean | string[] | undefined;

/**
 * API Gateway hands array claims over as strings like "[admin requester]"; other issuers
 * use JSON arrays or comma-separated lists. All of them are read the same way.
 */
export function claimList(value: ClaimValue): string[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.map(String);
  const text = String(value).trim();
  const inner = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  return inner
    .split(/[\s,]+/)
    .map((item) => item.replace(/^"|"$/g, ''))
    .filter((item) => item.length > 0);
}

export function callerFromClaims(claims: Record<string, ClaimValue> | undefined): Caller {
  const sub = claims?.sub;
  if (claims === undefined || typeof sub !== 'string' || sub === '') {
    throw new UnauthorizedError();
  }
  const roles = claimList(claims[claimNames.groups]).filter((group): group is Role =>
    (ROLES as readonly string[]).includes(group),
  );
  const businessFunction = claims[claimNames.businessFunction];
  return {
    sub,
    name: String(claims[claimNames.name] ?? sub),
    email: String(claims[claimNames.email] ?? ''),
    roles,
    ...(typeof businessFunction === 'string' && businessFunction !== ''
      ? { businessFunction: businessFunction.toUpperCase() }
      : {}),
  };
}

export function hasRole(caller: Caller, ...roles: Role[]): boolean {
  return caller.roles.some((role) => roles.includes(role));
}

export function requireRole(caller: Caller, ...roles: Role[]): void {
  if (!hasRole(caller, ...roles)) {
    throw new ForbiddenError(`This action needs one of the roles: ${roles.join(', ')}.`);
  }
}

/** Any of the product's roles: a token without one reaches nothing but health. */
export function requireAnyRole(caller: Caller): void {
  requireRole(caller, ...ROLES);
}
