import { optionalEnv } from './config.js';
import { ForbiddenError, UnauthorizedError } from './errors.js';

export const ROLES = ['requester', 'triager', 'approver', 'finance', 'vendor-manager', 'admin'] as const;
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

/** The caller as a request, review or audit event names them. */
export function personOf(caller: Pick<Caller, 'sub' | 'name' | 'email'>) {
  return { sub: caller.sub, name: caller.name, email: caller.email };
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
 * How the HTTP API JWT authorizer hands a claim to the integration: every value a string,
 * an array as "[a b]" (its items joined by spaces, unquoted), an object as JSON. The local
 * gateway renders claims with this same function.
 */
export function claimAsApiGatewayRenders(value: unknown): string {
  if (Array.isArray(value)) return `[${value.join(' ')}]`;
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

const isBracketed = (text: string) => text.startsWith('[') && text.endsWith(']');

/**
 * The items of a list claim: an array as it is; a JSON array in a string as it is; API
 * Gateway's "[a b]" split on the spaces it joined with; any other string is one item. A comma
 * separates nothing: "finance,requester" is one (unknown) group name.
 */
export function claimList(value: ClaimValue): string[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.map(String);
  const text = String(value).trim();
  if (!isBracketed(text)) return text === '' ? [] : [text];
  try {
    const parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed) && parsed.every((item) => typeof item === 'string')) return parsed;
  } catch {
    // Not JSON: API Gateway's "[a b]" form.
  }
  return text
    .slice(1, -1)
    .split(/\s+/)
    .filter((item) => item.length > 0);
}

/** The claims that tell one token from another: the payload read below must be the authorized token's. */
const IDENTITY_CLAIMS = ['iss', 'sub', 'iat', 'exp', 'jti'] as const;

/** The payload of the one bearer JWT in an Authorization header (its signature is the authorizer's to check). */
function bearerPayload(authorization: string | undefined): Record<string, unknown> | undefined {
  const match = /^Bearer [A-Za-z0-9_-]+\.([A-Za-z0-9_-]+)\.[A-Za-z0-9_-]+$/i.exec(
    authorization?.trim() ?? '',
  );
  if (!match?.[1]) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(match[1], 'base64url').toString('utf8'));
    return payload !== null && typeof payload === 'object' && !Array.isArray(payload)
      ? (payload as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The caller's groups, whole. API Gateway's "[a b]" loses the borders of a group name with a
 * space ("[site admin]" could be one group or two), so when the claim came that way the groups
 * are read from the bearer token itself. The authorizer verified exactly that token (its
 * identity source is the Authorization header, passed on unchanged), and it is only used when
 * its identity claims and its groups render to what the authorizer handed over.
 */
function groupsOf(claims: Record<string, ClaimValue>, authorization: string | undefined): string[] {
  const handedOver = claims[claimNames.groups];
  if (typeof handedOver === 'string' && isBracketed(handedOver.trim())) {
    const token = bearerPayload(authorization);
    const groups = token?.[claimNames.groups];
    const sameToken =
      token !== undefined &&
      Array.isArray(groups) &&
      groups.every((group) => typeof group === 'string') &&
      claimAsApiGatewayRenders(groups) === handedOver.trim() &&
      IDENTITY_CLAIMS.every((name) =>
        token[name] === undefined
          ? claims[name] === undefined
          : claims[name] !== undefined && claimAsApiGatewayRenders(token[name]) === String(claims[name]),
      );
    if (sameToken) return groups;
  }
  return claimList(handedOver);
}

/**
 * The caller from the authorizer's claims; `authorization` is the request's Authorization
 * header, from which whole group names are read when the claim cannot tell them (see groupsOf).
 */
export function callerFromClaims(
  claims: Record<string, ClaimValue> | undefined,
  authorization?: string,
): Caller {
  const sub = claims?.sub;
  if (claims === undefined || typeof sub !== 'string' || sub === '') {
    throw new UnauthorizedError();
  }
  const roles = groupsOf(claims, authorization).filter((group): group is Role =>
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
