import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiResponse,
  approvedRequest,
  call,
  createVendor,
  fundBudget,
  tokenFor,
  validRequestBody,
} from './support.js';

// Every creating POST takes an Idempotency-Key (functions/shared/idempotency.ts). This file
// budgets FY2061 only (nobody else does); its requests are QA's, told apart by their titles.
const FISCAL_YEAR = 'FY2061';

let requester: string;
let finance: string;
let admin: string;
let manager: string;
let vendorId: string;
let approvedRequestId: string;

beforeAll(async () => {
  [requester, finance, admin, manager] = await Promise.all([
    tokenFor({ groups: ['requester'], businessFunction: 'QA' }),
    tokenFor({ groups: ['finance'] }),
    tokenFor({ groups: ['admin'] }),
    tokenFor({ groups: ['vendor-manager'] }),
  ]);
  await fundBudget(FISCAL_YEAR, { QA: '1000000.00', MFG: '1000000.00' });
  vendorId = await createVendor('Idempotent Engineering');
  // Actuals are recorded against an approved request: one, through the real workflow.
  const request = await approvedRequest({
    businessFunction: 'QA',
    title: 'Approved for idempotent actuals',
    estimatedCost: { amount: '500000.00', currency: 'USD' },
    startDate: '2061-03-01',
    endDate: '2061-09-30',
    preferredVendorId: vendorId,
  });
  approvedRequestId = request.id;
}, 120_000);

let serial = 0;
/** Makes each call's body unique, so what it created can be counted. */
function newTag(): string {
  serial += 1;
  return `${Date.now().toString(36)}${serial}`;
}

const keyed = (key: string) => ({ headers: { 'idempotency-key': key } });

/** Every item of a paginated list (newest first where the list is). */
async function allItems<T>(token: string, path: string): Promise<T[]> {
  const response = await call('GET', `${path}${path.includes('?') ? '&' : '?'}limit=100`, { token });
  if (response.status !== 200) throw new Error(`${path}: ${response.status} ${response.text}`);
  return response.body.items;
}

interface CreatingRoute {
  route: string;
  /** The POST with a body made unique by `tag`. */
  post: (tag: string, key: string) => Promise<ApiResponse>;
  /** How many things the POSTs with this tag created, as the route's list, ledger or card shows them. */
  created: (tag: string) => Promise<number>;
}

const creatingRoutes: CreatingRoute[] = [
  {
    route: 'POST /requests',
    post: (tag, key) =>
      call('POST', '/requests', {
        token: requester,
        body: validRequestBody({ title: `Idempotent ${tag}` }),
        ...keyed(key),
      }),
    created: async (tag) =>
      (await allItems<{ title: string }>(finance, '/requests?businessFunction=QA')).filter(
        (request) => request.title === `Idempotent ${tag}`,
      ).length,
  },
  {
    route: 'POST /budgets/{fiscalYear}/transfers',
    post: (tag, key) =>
      call('POST', `/budgets/${FISCAL_YEAR}/transfers`, {
        token: admin,
        body: { from: 'MFG', to: 'QA', amount: { amount: '10.00', currency: 'USD' }, reason: tag },
        ...keyed(key),
      }),
    created: async (tag) =>
      (
        await allItems<{ kind: string; reference: string }>(admin, `/budgets/${FISCAL_YEAR}/MFG/ledger`)
      ).filter((entry) => entry.kind === 'TRANSFER_OUT' && entry.reference === tag).length,
  },
  {
    route: 'POST /actuals',
    post: (tag, key) =>
      call('POST', '/actuals', {
        token: finance,
        body: {
          requestId: approvedRequestId,
          invoiceNumber: `INV-${tag}`,
          invoiceDate: '2061-04-30',
          amount: { amount: '100.00', currency: 'USD' },
        },
        ...keyed(key),
      }),
    created: async (tag) =>
      (
        await allItems<{ kind: string; invoiceNumber?: string }>(finance, `/budgets/${FISCAL_YEAR}/QA/ledger`)
      ).filter((entry) => entry.kind === 'ACTUAL' && entry.invoiceNumber === `INV-${tag}`).length,
  },
  {
    route: 'POST /vendors',
    post: (tag, key) =>
      call('POST', '/vendors', {
        token: manager,
        body: {
          legalName: `Idempotent ${tag} Consulting Ltd`,
          displayName: `Idempotent ${tag}`,
          taxId: `GB${tag}`,
          headquartersCountry: 'GB',
          capabilities: ['VALIDATION_CQV'],
          relationshipOwner: { name: 'Olga Owner', email: 'olga.owner@techops.example' },
          contacts: [],
          riskTier: 'LOW',
        },
        ...keyed(key),
      }),
    created: async (tag) =>
      (await allItems(manager, `/vendors?namePrefix=${encodeURIComponent(`Idempotent ${tag}`)}`)).length,
  },
  {
    route: 'POST /vendors/{id}/contracts',
    post: (tag, key) =>
      call('POST', `/vendors/${vendorId}/contracts`, {
        token: manager,
        body: {
          type: 'NDA',
          reference: `NDA-${tag}`,
          effectiveDate: '2026-01-01',
          expiryDate: '2030-12-31',
          documentUri: 'contracts/nda.pdf',
        },
        ...keyed(key),
      }),
    created: async (tag) => {
      const vendor = await call('GET', `/vendors/${vendorId}`, { token: manager });
      return vendor.body.contracts.filter(
        (contract: { reference: string }) => contract.reference === `NDA-${tag}`,
      ).length;
    },
  },
  {
    route: 'POST /vendors/{id}/rates',
    post: (tag, key) =>
      call('POST', `/vendors/${vendorId}/rates`, {
        token: manager,
        body: {
          role: `Engineer ${tag}`,
          unit: 'DAY',
          rate: { amount: '1200.00', currency: 'EUR' },
          validFrom: '2027-01-01',
        },
        ...keyed(key),
      }),
    created: async (tag) => {
      const card = await call('GET', `/vendors/${vendorId}/rates`, { token: manager });
      const role = card.body.roles.find((entry: { role: string }) => entry.role === `Engineer ${tag}`);
      return role?.rates.length ?? 0;
    },
  },
  {
    route: 'POST /vendors/{id}/reviews',
    post: (tag, key) =>
      call('POST', `/vendors/${vendorId}/reviews`, {
        token: manager,
        body: { quality: 4, timeliness: 3, valueForMoney: 4, communication: 5, comment: `Review ${tag}` },
        ...keyed(key),
      }),
    created: async (tag) =>
      (await allItems<{ comment: string }>(manager, `/vendors/${vendorId}/reviews`)).filter(
        (review) => review.comment === `Review ${tag}`,
      ).length,
  },
];

const replayed = (response: ApiResponse) => response.headers.get('idempotent-replayed') === 'true';

describe.each(creatingRoutes)('Idempotency-Key on $route', ({ post, created }) => {
  it('answers a retry with the same key with the first response and creates nothing new', async () => {
    const [tag, key] = [newTag(), randomUUID()];
    const first = await post(tag, key);

    const retry = await post(tag, key);

    expect(first.status, first.text).toBe(201);
    expect(replayed(first)).toBe(false);
    expect(retry.status).toBe(first.status);
    expect(retry.body).toEqual(first.body);
    expect(replayed(retry)).toBe(true);
    expect(retry.headers.get('location')).toBe(first.headers.get('location'));
    expect(retry.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(await created(tag)).toBe(1);
  });

  it('refuses the same key with another body with 422 and creates nothing for it', async () => {
    const [tag, otherTag, key] = [newTag(), newTag(), randomUUID()];
    const first = await post(tag, key);

    const reused = await post(otherTag, key);

    expect(first.status, first.text).toBe(201);
    expect(reused.status).toBe(422);
    expect(reused.headers.get('content-type')).toBe('application/problem+json');
    expect(reused.body.type).toBe('urn:techops:problem:idempotency-key-reused');
    expect(await created(otherTag)).toBe(0);
    expect(await created(tag)).toBe(1);
  });

  it('creates exactly one when calls with the same key arrive at once, and all answer alike', async () => {
    const [tag, key] = [newTag(), randomUUID()];

    const responses = await Promise.all([1, 2, 3, 4].map(() => post(tag, key)));

    expect(responses.map((response) => response.status)).toEqual([201, 201, 201, 201]);
    for (const response of responses) expect(response.body).toEqual(responses[0]?.body);
    expect(responses.filter((response) => !replayed(response))).toHaveLength(1);
    expect(await created(tag)).toBe(1);
  });
});

describe('the scope of an Idempotency-Key', () => {
  const contract = (reference: string) => ({
    type: 'MSA',
    reference,
    effectiveDate: '2026-01-01',
    expiryDate: '2030-12-31',
    documentUri: 'contracts/msa.pdf',
  });

  it('is the route: the same key on two routes creates on both', async () => {
    const key = randomUUID();

    const onContracts = await call('POST', `/vendors/${vendorId}/contracts`, {
      token: manager,
      body: contract(`MSA-${newTag()}`),
      ...keyed(key),
    });
    const onReviews = await call('POST', `/vendors/${vendorId}/reviews`, {
      token: manager,
      body: { quality: 3, timeliness: 3, valueForMoney: 3, communication: 3, comment: 'Same key elsewhere' },
      ...keyed(key),
    });

    expect([onContracts.status, onReviews.status]).toEqual([201, 201]);
    expect([replayed(onContracts), replayed(onReviews)]).toEqual([false, false]);
  });

  it('is the caller: two callers with the same key and body create one each', async () => {
    const [key, body] = [randomUUID(), contract(`MSA-${newTag()}`)];
    const colleague = await tokenFor({ groups: ['vendor-manager'] });

    const mine = await call('POST', `/vendors/${vendorId}/contracts`, {
      token: manager,
      body,
      ...keyed(key),
    });
    const theirs = await call('POST', `/vendors/${vendorId}/contracts`, {
      token: colleague,
      body,
      ...keyed(key),
    });

    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect(replayed(theirs)).toBe(false);
  });

  it('covers the path: the same key and body for another vendor is 422', async () => {
    const [key, body] = [randomUUID(), contract(`MSA-${newTag()}`)];
    const otherVendorId = await createVendor('Idempotent Other Vendor');

    const first = await call('POST', `/vendors/${vendorId}/contracts`, {
      token: manager,
      body,
      ...keyed(key),
    });
    const elsewhere = await call('POST', `/vendors/${otherVendorId}/contracts`, {
      token: manager,
      body,
      ...keyed(key),
    });

    expect(first.status).toBe(201);
    expect(elsewhere.status).toBe(422);
  });
});

describe('Idempotency-Key and the invoice rule of actuals', () => {
  it('keeps the invoice rule: the same invoice under a new key answers 200 with the first actual', async () => {
    const body = {
      requestId: approvedRequestId,
      invoiceNumber: `INV-${newTag()}`,
      invoiceDate: '2061-05-31',
      amount: { amount: '50.00', currency: 'USD' },
    };
    const first = await call('POST', '/actuals', { token: finance, body, ...keyed(randomUUID()) });

    const newKey = await call('POST', '/actuals', { token: finance, body, ...keyed(randomUUID()) });

    expect(first.status).toBe(201);
    expect(newKey.status).toBe(200);
    expect(newKey.body).toEqual(first.body);
    expect(replayed(newKey)).toBe(false);
  });
});
