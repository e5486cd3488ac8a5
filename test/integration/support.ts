import { inject } from 'vitest';
import { type DevTokenClaims, issueDevToken } from '../../infra/local/dev-identity.js';

export interface ApiResponse {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in the tests
  body: any;
  text: string;
}

/** Calls the local gateway like any HTTP client would. */
export async function call(
  method: string,
  path: string,
  options: {
    token?: string;
    body?: unknown;
    rawBody?: string;
    headers?: Record<string, string>;
    baseUrl?: string;
  } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${options.baseUrl ?? inject('apiUrl')}${path}`, { method, headers, body });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

let counter = 0;

/** A token for a person; unique subject per call unless one is given. */
export function tokenFor(
  claims: Partial<DevTokenClaims> & { groups: string[] },
  dataDir = inject('dataDir'),
) {
  counter += 1;
  return issueDevToken(dataDir, {
    sub: claims.sub ?? `user-${Date.now()}-${counter}`,
    email: claims.email ?? `person${counter}@techops.example`,
    name: claims.name ?? `Person ${counter}`,
    groups: claims.groups,
    businessFunction: claims.businessFunction,
    ...(claims.expiresInSeconds !== undefined ? { expiresInSeconds: claims.expiresInSeconds } : {}),
  });
}

export function validRequestBody(overrides: Record<string, unknown> = {}) {
  return {
    title: 'CQV support for filling line 3',
    businessFunction: 'QA',
    category: 'VALIDATION_CQV',
    description: 'IQ/OQ/PQ execution for the new isolator filling line.',
    justification: 'No internal validation capacity before the Q2 PPQ campaign.',
    estimatedCost: { amount: '185000.00', currency: 'USD' },
    startDate: '2027-02-01',
    endDate: '2027-06-30',
    urgency: 'HIGH',
    ...overrides,
  };
}

/** Every request id the caller can list with the given query (all pages). */
export async function listAllIds(token: string, query = ''): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const separator = query ? '&' : '';
    const page = await call(
      'GET',
      `/requests?${query}${separator}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { token },
    );
    if (page.status !== 200) throw new Error(`list failed: ${page.status} ${page.text}`);
    ids.push(...page.body.items.map((item: { id: string }) => item.id));
    cursor = page.body.nextCursor;
  } while (cursor);
  return ids;
}
