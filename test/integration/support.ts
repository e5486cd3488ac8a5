import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';
import { type DevTokenClaims, issueDevToken } from '../../infra/local/dev-identity.js';
import { assertDocumented } from '../openapi/response-validator.js';

export interface ApiResponse {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in the tests
  body: any;
  text: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * fetch for calls to the API: the response is checked against the OpenAPI document (status
 * declared for the operation, content type, body schema, declared headers) and a response that
 * differs fails the test. Redirects are not followed: the redirect is the API's answer.
 */
export async function apiFetch(url: string, init: RequestInit = {}): Promise<Response> {
  // biome-ignore lint/style/noRestrictedGlobals: the one fetch of the API, checked against the document here
  const response = await fetch(url, { ...init, redirect: 'manual' });
  const text = await response.text();
  assertDocumented({
    method: init.method ?? 'GET',
    url,
    status: response.status,
    headers: response.headers,
    body: text,
  });
  return new Response(text === '' ? null : text, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

/** Calls the local gateway like any HTTP client would; the response is checked against the OpenAPI document. */
export async function call(
  method: string,
  path: string,
  options: {
    token?: string;
    body?: unknown;
    rawBody?: string;
    headers?: Record<string, string>;
    baseUrl?: string;
    /** 'manual' to see a 303 itself rather than follow it. */
    redirect?: 'follow' | 'manual';
  } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  let response = await apiFetch(`${options.baseUrl ?? inject('apiUrl')}${path}`, { method, headers, body });
  const location = response.headers.get('location');
  if (options.redirect !== 'manual' && REDIRECTS.has(response.status) && location) {
    // Where the API redirects to (a presigned download) is not the API: followed as a browser would.
    response = await fetchOutsideApi(location);
  }
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
    estimatedCost: { amount: '45000.00', currency: 'USD' },
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

export interface OutboxEmail {
  file: string;
  to: string[];
  subject: string;
  text: string;
  html?: string;
  links: string[];
}

/** The part of a MIME message with this content type (or the whole body of a single-part one). */
function partOf(headers: string, body: string, contentType: string): string | undefined {
  const boundary = /boundary="([^"]+)"/.exec(headers)?.[1];
  if (!boundary) return new RegExp(`Content-Type: ${contentType}`, 'i').test(headers) ? body : undefined;
  for (const part of body.split(`--${boundary}`)) {
    const [partHeaders = '', ...rest] = part.split('\r\n\r\n');
    if (new RegExp(`Content-Type: ${contentType}`, 'i').test(partHeaders))
      return rest.join('\r\n\r\n').replace(/\r\n$/, '');
  }
  return undefined;
}

/** Every email the local cloud has sent, oldest first, read back from its .eml files. */
export function readOutbox(dataDir = inject('dataDir')): OutboxEmail[] {
  const outbox = path.join(dataDir, 'outbox');
  if (!existsSync(outbox)) return [];
  return readdirSync(outbox)
    .filter((name) => name.endsWith('.eml'))
    .sort()
    .map((name) => {
      const raw = readFileSync(path.join(outbox, name), 'utf8');
      const [headers = '', ...rest] = raw.split('\r\n\r\n');
      const body = rest.join('\r\n\r\n');
      const header = (field: string) => new RegExp(`^${field}: (.*)$`, 'mi').exec(headers)?.[1] ?? '';
      const encoded = /^=\?UTF-8\?B\?(.*)\?=$/.exec(header('Subject'));
      const text = partOf(headers, body, 'text/plain') ?? '';
      return {
        file: name,
        to: header('To').split(/,\s*/).filter(Boolean),
        subject: encoded ? Buffer.from(encoded[1] ?? '', 'base64').toString('utf8') : header('Subject'),
        text,
        html: partOf(headers, body, 'text/html'),
        links: text.match(/https?:\/\/[^\s<>"]+/g) ?? [],
      };
    });
}

/** Polls until `find` returns something (the workflow runs asynchronously), or fails after `timeoutMs`. */
export async function eventually<T>(
  find: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found !== undefined && found !== false) return found;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The approval email of a request (to one approver, if given), once the workflow has sent it, and its one link. */
export async function approvalEmailOf(requestId: string, dataDir = inject('dataDir'), to?: string) {
  const email = await eventually(
    () =>
      readOutbox(dataDir).find(
        (mail) =>
          mail.subject.startsWith('Approval needed') &&
          mail.text.includes(requestId) &&
          (to === undefined || mail.to.includes(to)),
      ),
    `the approval email of ${requestId}${to ? ` to ${to}` : ''}`,
  );
  return { email, link: email.links[0] as string };
}

/** The request once it reaches a status (the workflow moves it asynchronously). */
export async function requestInStatus(
  token: string,
  requestId: string,
  status: string,
  baseUrl?: string,
): Promise<ApiResponse> {
  return eventually(async () => {
    const response = await call('GET', `/requests/${requestId}`, { token, ...(baseUrl ? { baseUrl } : {}) });
    return response.body?.status === status ? response : undefined;
  }, `request ${requestId} to be ${status}`);
}

/** A URL that is not the API's (a presigned download): nothing to check it against. */
export function fetchOutsideApi(url: string | URL): Promise<Response> {
  // biome-ignore lint/style/noRestrictedGlobals: not the API, so not described by its document
  return fetch(url);
}

/** Posts the approver's form, as a browser would. */
export function postForm(link: string, fields: Record<string, string>) {
  return apiFetch(link, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  }).then(async (response) => ({
    status: response.status,
    headers: response.headers,
    text: await response.text(),
  }));
}

/**
 * Budget for approvals to commit against (approval consumes budget): sets a fiscal year's
 * envelope and the given business functions' allocations, as an admin would. Idempotent.
 */
export async function fundBudget(
  fiscalYear: string,
  allocations: Record<string, string>,
  options: { baseUrl?: string; dataDir?: string } = {},
): Promise<void> {
  const admin = await tokenFor({ groups: ['admin'] }, options.dataDir ?? inject('dataDir'));
  const at = options.baseUrl ? { baseUrl: options.baseUrl } : {};
  const envelope = await call('PUT', `/budgets/${fiscalYear}`, {
    token: admin,
    body: { amount: '900000000.00', currency: 'USD' },
    ...at,
  });
  if (envelope.status >= 300) throw new Error(`Envelope ${fiscalYear}: ${envelope.status} ${envelope.text}`);
  for (const [businessFunction, amount] of Object.entries(allocations)) {
    const allocation = await call('PUT', `/budgets/${fiscalYear}/allocations/${businessFunction}`, {
      token: admin,
      body: { amount, currency: 'USD' },
      ...at,
    });
    if (allocation.status >= 300) {
      throw new Error(
        `Allocation ${fiscalYear} ${businessFunction}: ${allocation.status} ${allocation.text}`,
      );
    }
  }
}

let vendorSerial = 0;

/** A vendor, created through the API by a vendor manager (a new one is a PROSPECT, of LOW risk unless asked). */
export async function createVendor(
  displayName: string,
  dataDir = inject('dataDir'),
  riskTier: 'LOW' | 'MEDIUM' | 'HIGH' = 'LOW',
): Promise<string> {
  vendorSerial += 1;
  const tag = `${Date.now().toString(36)}${vendorSerial}`;
  const manager = await tokenFor({ groups: ['vendor-manager'], businessFunction: 'STRATEGY' }, dataDir);
  const response = await call('POST', '/vendors', {
    token: manager,
    body: {
      legalName: `Consultancy ${tag} Ltd`,
      displayName,
      taxId: `GB${tag}`,
      website: 'https://consultancy.example',
      headquartersCountry: 'GB',
      capabilities: ['VALIDATION_CQV', 'TECH_TRANSFER', 'DIGITAL_DATA'],
      relationshipOwner: { name: 'Olga Owner', email: 'olga.owner@techops.example' },
      contacts: [],
      riskTier,
    },
  });
  if (response.status !== 201) throw new Error(`Vendor ${displayName}: ${response.status} ${response.text}`);
  return response.body.id;
}

/**
 * A vendor on record as the assessment reads it: reviewed with `score` on every dimension, with
 * (given `paperwork`) an MSA, an NDA and a rate card valid through `year`, moved on to `status`.
 */
export async function vendorOnRecord(options: {
  status: 'ONBOARDING' | 'APPROVED' | 'PREFERRED';
  score: number;
  paperwork: boolean;
  year: number;
}): Promise<string> {
  const { status, score, paperwork, year } = options;
  const id = await createVendor(`Assessed ${status} ${score}`);
  const manager = await tokenFor({ groups: ['vendor-manager'], businessFunction: 'STRATEGY' });
  const steps = ['ONBOARDING', 'APPROVED', 'PREFERRED'].slice(
    0,
    ['ONBOARDING', 'APPROVED', 'PREFERRED'].indexOf(status) + 1,
  );
  const writes: [string, Record<string, unknown>][] = [
    [
      'reviews',
      {
        quality: score,
        timeliness: score,
        valueForMoney: score,
        communication: score,
        comment: 'Scored for an assessment test.',
      },
    ],
  ];
  if (paperwork) {
    for (const type of ['MSA', 'NDA']) {
      writes.push([
        'contracts',
        {
          type,
          reference: `${type}-${year}`,
          effectiveDate: `${year - 1}-01-01`,
          expiryDate: `${year + 1}-12-31`,
          documentUri: `contracts/${id}/${type}.pdf`,
        },
      ]);
    }
    writes.push([
      'rates',
      {
        role: 'Validation engineer',
        unit: 'DAY',
        rate: { amount: '1400.00', currency: 'USD' },
        validFrom: `${year}-01-01`,
      },
    ]);
  }
  for (const [part, body] of writes) {
    const response = await call('POST', `/vendors/${id}/${part}`, { token: manager, body });
    if (response.status !== 201) throw new Error(`Vendor ${part}: ${response.status} ${response.text}`);
  }
  for (const step of steps) {
    const response = await call('POST', `/vendors/${id}/status`, { token: manager, body: { status: step } });
    if (response.status !== 200)
      throw new Error(`Vendor status ${step}: ${response.status} ${response.text}`);
  }
  return id;
}

/** A triager of cdk.json's `techops:triagers` (Jonas Weber: the other, the head of STRATEGY, submits in some tests). */
export const DEV_TRIAGER = { name: 'Jonas Weber', email: 'jonas.weber@techops.example' };

export function triagerToken(dataDir = inject('dataDir')) {
  return tokenFor({ ...DEV_TRIAGER, sub: 'triager-jonas-weber', groups: ['triager'] }, dataDir);
}

/** Decides a request's triage as a triager would, once it waits in IN_TRIAGE; the decided request. */
export async function triaged(
  requestId: string,
  decision: Record<string, unknown> = { outcome: 'ACCEPT', note: 'Accepted for approval.' },
  options: { baseUrl?: string; dataDir?: string } = {},
): Promise<ApiResponse> {
  const token = await triagerToken(options.dataDir);
  const baseUrl = options.baseUrl ? { baseUrl: options.baseUrl } : {};
  await eventually(async () => {
    const response = await call('GET', `/requests/${requestId}`, { token, ...baseUrl });
    return response.body?.status === 'IN_TRIAGE' ? response : undefined;
  }, `request ${requestId} to wait in triage`);
  const decided = await call('POST', `/requests/${requestId}/triage`, { token, body: decision, ...baseUrl });
  if (decided.status !== 200) throw new Error(`Triage: ${decided.status} ${decided.text}`);
  return decided;
}

/**
 * Accepts a request at triage when it waits there (an auto-triage rule may have accepted it
 * already): what every test of approval does after submitting. The request as it stands once
 * its chain's first step was asked (or it left approval).
 */
export async function acceptedAtTriage(
  requestId: string,
  options: { baseUrl?: string; dataDir?: string } = {},
): Promise<ApiResponse> {
  const token = await triagerToken(options.dataDir);
  const baseUrl = options.baseUrl ? { baseUrl: options.baseUrl } : {};
  const read = () => call('GET', `/requests/${requestId}`, { token, ...baseUrl });
  const current = await eventually(async () => {
    const response = await read();
    return response.body?.status === 'SUBMITTED' ? undefined : response;
  }, `request ${requestId} to leave SUBMITTED`);
  if (current.body.status === 'IN_TRIAGE') await triaged(requestId, undefined, options);
  return eventually(async () => {
    const response = await read();
    const asked = response.body.approvalChain?.steps.some(
      (step: { status: string; approvalIds?: string[] }) =>
        step.status === 'PENDING' && step.approvalIds?.length,
    );
    return response.body.status !== 'IN_APPROVAL' || asked ? response : undefined;
  }, `the first step of ${requestId} to be asked`);
}

/**
 * A request over budget once its chain approved: its budget exception step, pending on one
 * approver (the policy's budget-exception approver), with their token and emailed link.
 */
export async function budgetExceptionOf(
  requesterToken: string,
  requestId: string,
  dataDir = inject('dataDir'),
) {
  const request = await eventually(async () => {
    const response = await call('GET', `/requests/${requestId}`, { token: requesterToken });
    if (response.body.status !== 'IN_APPROVAL' || !response.body.approvalChain) return undefined;
    const step = currentStepOf(response.body);
    return step.kind === 'BUDGET_EXCEPTION' && step.status === 'PENDING' && step.approvalIds?.length
      ? response.body
      : undefined;
  }, `the budget exception step of ${requestId}`);
  const { id: approvalId, approver } = pendingApprovalOf(request);
  const email = await eventually(
    () =>
      readOutbox(dataDir).find(
        (mail) => mail.subject.startsWith('Budget exception') && mail.text.includes(requestId),
      ),
    `the budget exception email of ${requestId}`,
  );
  return {
    request,
    approvalId,
    approver,
    approverToken: await tokenFor({ ...approver, groups: ['approver'] }, dataDir),
    email,
    link: email.links[0] as string,
  };
}

/** The step of its approval chain a request (as GET /requests/{id} shows it) is at. */
export function currentStepOf(request: Record<string, unknown>) {
  const chain = request.approvalChain as
    | { currentStep: number; steps: Record<string, unknown>[] }
    | undefined;
  if (!chain) throw new Error(`Request ${String(request.id)} has no approval chain yet.`);
  return chain.steps[chain.currentStep - 1] as Record<string, unknown> & {
    status: string;
    approvers: { name: string; email: string }[];
    approvalIds?: string[];
  };
}

/** The pending approval of a request's current step when one person decides it: its id and approver. */
export function pendingApprovalOf(request: Record<string, unknown>): {
  id: string;
  approver: { name: string; email: string };
} {
  const step = currentStepOf(request);
  const [id] = step.approvalIds ?? [];
  const [approver] = step.approvers;
  if (step.status !== 'PENDING' || !id || !approver || step.approvers.length !== 1)
    throw new Error(`Request ${String(request.id)} is not waiting on one approver: ${JSON.stringify(step)}`);
  return { id, approver };
}

/**
 * Accepts the request at triage (when it waits there), then approves each step of its chain in
 * turn through the API, each by its (first) approver, until the request leaves IN_APPROVAL (the chain is whatever the current, demo,
 * policy resolved: one step or several) and returns it; with `exceptTheLast`, stops when the
 * step waiting is the chain's last one.
 */
export async function approveSteps(
  requesterToken: string,
  requestId: string,
  options: { exceptTheLast?: boolean } = {},
): Promise<Record<string, unknown>> {
  await acceptedAtTriage(requestId);
  for (;;) {
    const request = await eventually(async () => {
      const response = await call('GET', `/requests/${requestId}`, { token: requesterToken });
      if (response.body.status === 'SUBMITTED') return undefined;
      if (response.body.status !== 'IN_APPROVAL') return response.body;
      if (!response.body.approvalChain) return undefined;
      const step = currentStepOf(response.body);
      return step.status === 'PENDING' && step.approvalIds?.length ? response.body : undefined;
    }, `the next step of ${requestId}, or its settling`);
    if (request.status !== 'IN_APPROVAL') return request;
    // Over budget: a budget exception step is funded or rejected, never approved.
    if (currentStepOf(request).kind === 'BUDGET_EXCEPTION') return request;
    const chain = request.approvalChain as { currentStep: number; steps: { status: string }[] };
    const later = chain.steps.slice(chain.currentStep).some((step) => step.status === 'WAITING');
    if (options.exceptTheLast && !later) return request;
    const step = currentStepOf(request);
    const approverToken = await tokenFor({ ...step.approvers[0]!, groups: ['approver'] });
    const decided = await call('POST', `/approvals/${step.approvalIds![0]}/decision`, {
      token: approverToken,
      body: { decision: 'APPROVED' },
    });
    if (decided.status !== 200) throw new Error(`Decision: ${decided.status} ${decided.text}`);
  }
}

/**
 * A request taken through the real approval workflow: submitted by a requester of its business
 * function, every step approved by its assigned approver through the API, settled APPROVED (its
 * amount committed on the line, so the line must have room).
 */
export async function approvedRequest(
  body: Record<string, unknown>,
): Promise<Record<string, unknown> & { id: string }> {
  const requester = await tokenFor({
    groups: ['requester'],
    businessFunction: String(body.businessFunction),
  });
  const submitted = await call('POST', '/requests', { token: requester, body: validRequestBody(body) });
  if (submitted.status !== 201) throw new Error(`Submit: ${submitted.status} ${submitted.text}`);
  await approveSteps(requester, submitted.body.id);
  return (await requestInStatus(requester, submitted.body.id, 'APPROVED')).body;
}
