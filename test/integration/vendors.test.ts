import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, tokenFor, validRequestBody } from './support.js';

// This file's vendors are named "Vt <run> ..." so lists can be confined to them by name prefix.
const run = randomUUID().slice(0, 8);
const prefix = `Vt ${run}`;
let manager: string;
let admin: string;
let requester: string;
let finance: string;
let serial = 0;

beforeAll(async () => {
  manager = await tokenFor({
    sub: 'vic-vendors',
    name: 'Vic Vendor',
    email: 'vic@techops.example',
    groups: ['vendor-manager'],
    businessFunction: 'STRATEGY',
  });
  admin = await tokenFor({ groups: ['admin'], businessFunction: 'STRATEGY' });
  requester = await tokenFor({ groups: ['requester'], businessFunction: 'ENG' });
  finance = await tokenFor({ groups: ['finance'], businessFunction: 'FINANCE' });
});

function vendorBody(overrides: Record<string, unknown> = {}) {
  serial += 1;
  return {
    legalName: `${prefix} Company ${serial} GmbH`,
    displayName: `${prefix} Company ${serial}`,
    taxId: `DE${run}${serial}`,
    website: 'https://consultancy.example',
    headquartersCountry: 'DE',
    capabilities: ['VALIDATION_CQV'],
    relationshipOwner: { name: 'Olga Owner', email: 'olga.owner@techops.example' },
    contacts: [{ name: 'Carl Contact', role: 'Account manager', email: 'carl@consultancy.example' }],
    riskTier: 'LOW',
    ...overrides,
  };
}

async function created(overrides: Record<string, unknown> = {}) {
  const response = await call('POST', '/vendors', { token: manager, body: vendorBody(overrides) });
  expect(response.status, response.text).toBe(201);
  return response.body;
}

async function historyOf(id: string) {
  const response = await call('GET', `/vendors/${id}/history?limit=100`, { token: finance });
  expect(response.status).toBe(200);
  return response.body.items as { action: string; before?: unknown; after?: unknown; reason?: string }[];
}

async function moveTo(id: string, ...steps: [string, string?][]) {
  for (const [status, reason] of steps) {
    const response = await call('POST', `/vendors/${id}/status`, {
      token: manager,
      body: { status, ...(reason ? { reason } : {}) },
    });
    expect(response.status, response.text).toBe(200);
  }
}

/** Every vendor id a list query returns, all pages, `limit` per page. */
async function listIds(query: string, limit = 100): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await call(
      'GET',
      `/vendors?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { token: requester },
    );
    expect(page.status, page.text).toBe(200);
    ids.push(...page.body.items.map((item: { id: string }) => item.id));
    cursor = page.body.nextCursor;
  } while (cursor);
  return ids;
}

const byPrefix = (more = '') => `namePrefix=${encodeURIComponent(prefix)}${more}`;

describe('POST /vendors', () => {
  it('records a PROSPECT with every field, an ETag and a Location', async () => {
    const body = vendorBody({ notes: 'Met at ISPE Europe.' });

    const response = await call('POST', '/vendors', { token: manager, body });

    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ ...body, status: 'PROSPECT', version: 1, reviews: { count: 0 } });
    expect(response.body.id).toMatch(/^ven_[0-9a-z]{26}$/);
    expect(response.headers.get('etag')).toBe('"1"');
    expect(response.headers.get('location')).toBe(`/vendors/${response.body.id}`);
    const history = await historyOf(response.body.id);
    expect(history).toEqual([expect.objectContaining({ action: 'VENDOR_CREATED' })]);
  });

  it('lists every invalid field at once and stores nothing', async () => {
    const body = vendorBody({
      headquartersCountry: 'XX',
      capabilities: ['VALIDATION_CQV', 'ASTROLOGY'],
      relationshipOwner: { name: 'Olga', email: 'not-an-email' },
      contacts: [{ name: 'Carl', role: 'AM', email: 'carl@' }],
      riskTier: 'EXTREME',
      website: 'ftp://files.example',
      colour: 'blue',
    });

    const response = await call('POST', '/vendors', { token: manager, body });

    expect(response.status).toBe(400);
    expect(response.body.errors.map((error: { field: string }) => error.field).sort()).toEqual(
      [
        'capabilities.1',
        'colour',
        'contacts.0.email',
        'headquartersCountry',
        'relationshipOwner.email',
        'riskTier',
        'website',
      ].sort(),
    );
    expect(await listIds(`namePrefix=${encodeURIComponent(body.displayName)}`)).toEqual([]);
  });

  it('refuses roles that may not write with 403', async () => {
    for (const token of [requester, finance]) {
      const response = await call('POST', '/vendors', { token, body: vendorBody() });

      expect(response.status).toBe(403);
    }
    const byAdmin = await call('POST', '/vendors', { token: admin, body: vendorBody() });
    expect(byAdmin.status).toBe(201);
  });

  it('answers 409 naming the existing vendor for the same legal name in another spelling', async () => {
    const existing = await created({ legalName: `${prefix} Müller & Söhne Validation GmbH` });

    const response = await call('POST', '/vendors', {
      token: manager,
      body: vendorBody({ legalName: `${prefix.toUpperCase()}  MULLER AND SOHNE VALIDATION ag.` }),
    });

    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({
      duplicateField: 'legalName',
      existingVendor: { id: existing.id, displayName: existing.displayName },
    });
    expect(response.body.detail).toContain(existing.id);
  });

  it('answers 409 for the same tax id written differently, and stores nothing', async () => {
    const existing = await created({ taxId: `CHE-${run}.77` });
    const duplicate = vendorBody({ taxId: `che ${run} 77` });

    const response = await call('POST', '/vendors', { token: manager, body: duplicate });

    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({ duplicateField: 'taxId', existingVendor: { id: existing.id } });
    const named = await listIds(`namePrefix=${encodeURIComponent(duplicate.displayName)}`);
    expect(named).toEqual([]);
  });

  it('lets exactly one of two simultaneous duplicates in', async () => {
    const legalName = `${prefix} Simultaneous Consulting Ltd`;

    const results = await Promise.all([
      call('POST', '/vendors', { token: manager, body: vendorBody({ legalName }) }),
      call('POST', '/vendors', { token: manager, body: vendorBody({ legalName }) }),
    ]);

    expect(results.map((result) => result.status).sort()).toEqual([201, 409]);
  });
});

describe('GET /vendors/{id}', () => {
  it('answers the vendor with its ETag to every role', async () => {
    const vendor = await created();

    const response = await call('GET', `/vendors/${vendor.id}`, { token: requester });

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: vendor.id, contracts: [], reviews: { count: 0 } });
    expect(response.headers.get('etag')).toBe('"1"');
  });

  it('answers 404 for an unknown vendor and 400 for a malformed id', async () => {
    const unknown = await call('GET', '/vendors/ven_00000000000000000000000000', { token: requester });
    const malformed = await call('GET', '/vendors/req_00000000000000000000000000', { token: requester });

    expect(unknown.status).toBe(404);
    expect(malformed.status).toBe(400);
  });
});

describe('PATCH /vendors/{id}', () => {
  it('changes the fields sent, clears null ones and audits only what changed', async () => {
    const vendor = await created({ notes: 'Old notes', capabilities: ['REGULATORY', 'DIGITAL_DATA'] });

    const response = await call('PATCH', `/vendors/${vendor.id}`, {
      token: manager,
      headers: { 'if-match': '"1"' },
      body: { riskTier: 'HIGH', notes: null, capabilities: ['REGULATORY', 'SUPPLY_CHAIN'] },
    });

    expect(response.status, response.text).toBe(200);
    expect(response.body).toMatchObject({
      riskTier: 'HIGH',
      version: 2,
      capabilities: ['REGULATORY', 'SUPPLY_CHAIN'],
    });
    expect(response.body).not.toHaveProperty('notes');
    expect(response.headers.get('etag')).toBe('"2"');
    const [, update] = await historyOf(vendor.id);
    expect(update).toMatchObject({
      action: 'VENDOR_UPDATED',
      before: { riskTier: 'LOW', notes: 'Old notes', version: 1 },
      after: { riskTier: 'HIGH', version: 2 },
    });
    expect(await listIds(byPrefix('&capability=DIGITAL_DATA'))).not.toContain(vendor.id);
    expect(await listIds(byPrefix('&capability=SUPPLY_CHAIN'))).toContain(vendor.id);
  });

  it('needs If-Match (428), refuses a stale one (412) and changes nothing', async () => {
    const vendor = await created();

    const without = await call('PATCH', `/vendors/${vendor.id}`, {
      token: manager,
      body: { riskTier: 'HIGH' },
    });
    const stale = await call('PATCH', `/vendors/${vendor.id}`, {
      token: manager,
      headers: { 'if-match': '"9"' },
      body: { riskTier: 'HIGH' },
    });

    expect(without.status).toBe(428);
    expect(stale.status).toBe(412);
    const current = await call('GET', `/vendors/${vendor.id}`, { token: manager });
    expect(current.body).toMatchObject({ riskTier: 'LOW', version: 1 });
  });

  it('lets exactly one of two writes based on the same version win', async () => {
    const vendor = await created();

    const results = await Promise.all(
      ['MEDIUM', 'HIGH'].map((riskTier) =>
        call('PATCH', `/vendors/${vendor.id}`, {
          token: manager,
          headers: { 'if-match': '"1"' },
          body: { riskTier },
        }),
      ),
    );

    expect(results.map((result) => result.status).sort()).toEqual([200, 412]);
  });

  it("refuses another vendor's legal name with 409 and frees a name once renamed", async () => {
    const first = await created();
    const second = await created();

    const clash = await call('PATCH', `/vendors/${second.id}`, {
      token: manager,
      headers: { 'if-match': '*' },
      body: { legalName: first.legalName },
    });
    const rename = await call('PATCH', `/vendors/${first.id}`, {
      token: manager,
      headers: { 'if-match': '"1"' },
      body: { legalName: `${first.legalName} Renamed` },
    });
    const reuse = await call('POST', '/vendors', {
      token: manager,
      body: vendorBody({ legalName: first.legalName }),
    });

    expect(clash.status).toBe(409);
    expect(clash.body.existingVendor.id).toBe(first.id);
    expect(rename.status).toBe(200);
    expect(reuse.status).toBe(201);
  });

  it('answers 400 for invalid fields, 403 for readers and 404 for unknown vendors', async () => {
    const vendor = await created();

    const invalid = await call('PATCH', `/vendors/${vendor.id}`, {
      token: manager,
      headers: { 'if-match': '"1"' },
      body: { relationshipOwner: { name: 'X', email: 'x' }, capabilities: [] },
    });
    const forbidden = await call('PATCH', `/vendors/${vendor.id}`, {
      token: requester,
      headers: { 'if-match': '"1"' },
      body: { riskTier: 'HIGH' },
    });
    const unknown = await call('PATCH', '/vendors/ven_00000000000000000000000000', {
      token: manager,
      headers: { 'if-match': '"1"' },
      body: { riskTier: 'HIGH' },
    });

    expect(invalid.status).toBe(400);
    expect(invalid.body.errors.map((error: { field: string }) => error.field).sort()).toEqual([
      'capabilities',
      'relationshipOwner.email',
    ]);
    expect(forbidden.status).toBe(403);
    expect(unknown.status).toBe(404);
  });
});

describe('POST /vendors/{id}/status', () => {
  it('walks the lifecycle, puts on hold and back to where it was, and audits each step', async () => {
    const vendor = await created();

    await moveTo(vendor.id, ['ONBOARDING'], ['APPROVED'], ['PREFERRED']);
    await moveTo(vendor.id, ['ON_HOLD', 'Quality audit finding open']);
    const back = await call('POST', `/vendors/${vendor.id}/status`, {
      token: manager,
      body: { status: 'PREFERRED' },
    });

    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ status: 'PREFERRED', version: 6 });
    const statuses = (await historyOf(vendor.id))
      .filter((event) => event.action === 'VENDOR_STATUS_CHANGED')
      .map((event) => [(event.after as { status: string }).status, event.reason]);
    expect(statuses).toEqual([
      ['ONBOARDING', undefined],
      ['APPROVED', undefined],
      ['PREFERRED', undefined],
      ['ON_HOLD', 'Quality audit finding open'],
      ['PREFERRED', undefined],
    ]);
  });

  it('refuses an illegal transition with 409 naming the allowed ones', async () => {
    const vendor = await created();

    const response = await call('POST', `/vendors/${vendor.id}/status`, {
      token: manager,
      body: { status: 'PREFERRED' },
    });

    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({
      currentStatus: 'PROSPECT',
      allowedTransitions: ['ONBOARDING', 'ON_HOLD', 'OFFBOARDED'],
    });
  });

  it('needs a reason to hold or offboard, and an offboarded vendor stays offboarded', async () => {
    const vendor = await created();

    const withoutReason = await call('POST', `/vendors/${vendor.id}/status`, {
      token: manager,
      body: { status: 'OFFBOARDED' },
    });
    await moveTo(vendor.id, ['OFFBOARDED', 'Acquired by a competitor']);
    const revive = await call('POST', `/vendors/${vendor.id}/status`, {
      token: manager,
      body: { status: 'ONBOARDING' },
    });

    expect(withoutReason.status).toBe(400);
    expect(withoutReason.body.errors).toEqual([expect.objectContaining({ field: 'reason' })]);
    expect(revive.status).toBe(409);
    expect(revive.body.allowedTransitions).toEqual([]);
  });

  it('answers 412 for a stale If-Match, 403 for readers and 404 for unknown vendors', async () => {
    const vendor = await created();

    const stale = await call('POST', `/vendors/${vendor.id}/status`, {
      token: manager,
      headers: { 'if-match': '"3"' },
      body: { status: 'ONBOARDING' },
    });
    const forbidden = await call('POST', `/vendors/${vendor.id}/status`, {
      token: finance,
      body: { status: 'ONBOARDING' },
    });
    const unknown = await call('POST', '/vendors/ven_00000000000000000000000000/status', {
      token: manager,
      body: { status: 'ONBOARDING' },
    });

    expect(stale.status).toBe(412);
    expect(forbidden.status).toBe(403);
    expect(unknown.status).toBe(404);
  });
});

describe('GET /vendors', () => {
  let alpha: { id: string };
  let beta: { id: string };
  let gamma: { id: string };

  beforeAll(async () => {
    alpha = await created({
      displayName: `${prefix} List Alpha`,
      capabilities: ['TECH_TRANSFER', 'REGULATORY'],
    });
    beta = await created({ displayName: `${prefix} List Beta`, capabilities: ['TECH_TRANSFER'] });
    gamma = await created({ displayName: `${prefix} list gamma`, capabilities: ['REGULATORY'] });
    await moveTo(beta.id, ['ONBOARDING']);
    await moveTo(gamma.id, ['ONBOARDING']);
  });

  const listPrefix = () => `namePrefix=${encodeURIComponent(`${prefix.toLowerCase()} LIST`)}`;

  it('finds vendors by display name prefix in any case, in name order', async () => {
    expect(await listIds(listPrefix())).toEqual([alpha.id, beta.id, gamma.id]);
  });

  it('filters by status, by capability, and by both', async () => {
    expect(await listIds(`${listPrefix()}&status=ONBOARDING`)).toEqual([beta.id, gamma.id]);
    expect(await listIds(`${listPrefix()}&capability=TECH_TRANSFER`)).toEqual([alpha.id, beta.id]);
    expect(await listIds(`${listPrefix()}&capability=REGULATORY&status=ONBOARDING`)).toEqual([gamma.id]);
  });

  it('pages with a cursor without losing or repeating a vendor', async () => {
    expect(await listIds(listPrefix(), 1)).toEqual([alpha.id, beta.id, gamma.id]);
    expect(await listIds(`${listPrefix()}&capability=REGULATORY`, 1)).toEqual([alpha.id, gamma.id]);
  });

  it('refuses unknown filters and foreign cursors with 400', async () => {
    const badStatus = await call('GET', '/vendors?status=DORMANT&capability=ASTROLOGY', { token: requester });
    const badCursor = await call('GET', '/vendors?cursor=eyJwayI6IngifQ', { token: requester });

    expect(badStatus.status).toBe(400);
    expect(badStatus.body.errors.map((error: { field: string }) => error.field)).toEqual([
      'status',
      'capability',
    ]);
    expect(badCursor.status).toBe(400);
  });
});

describe('contracts', () => {
  const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
  const contract = (overrides: Record<string, unknown> = {}) => ({
    type: 'MSA',
    reference: `MSA-${run}`,
    effectiveDate: inDays(-300),
    expiryDate: inDays(20),
    documentUri: 'contracts/msa.pdf',
    ...overrides,
  });

  it('adds contracts, lists them on the vendor soonest expiry first, and audits them', async () => {
    const vendor = await created();

    const late = await call('POST', `/vendors/${vendor.id}/contracts`, {
      token: manager,
      body: contract({ type: 'NDA', expiryDate: inDays(500), documentUri: 's3://techops-docs/nda.pdf' }),
    });
    const soon = await call('POST', `/vendors/${vendor.id}/contracts`, { token: manager, body: contract() });
    const read = await call('GET', `/vendors/${vendor.id}`, { token: requester });

    expect(late.status, late.text).toBe(201);
    expect(soon.status).toBe(201);
    expect(soon.body).toMatchObject({ id: expect.stringMatching(/^ctr_/), vendorId: vendor.id, type: 'MSA' });
    expect(read.body.contracts.map((item: { id: string }) => item.id)).toEqual([soon.body.id, late.body.id]);
    expect((await historyOf(vendor.id)).map((event) => event.action)).toEqual([
      'VENDOR_CREATED',
      'CONTRACT_ADDED',
      'CONTRACT_ADDED',
    ]);
  });

  it('lists contracts expiring within the window across vendors, soonest first', async () => {
    const first = await created();
    const second = await created();
    const add = async (vendorId: string, days: number) =>
      (
        await call('POST', `/vendors/${vendorId}/contracts`, {
          token: manager,
          body: contract({ expiryDate: inDays(days) }),
        })
      ).body.id as string;
    const in5 = await add(first.id, 5);
    const in30 = await add(second.id, 30);
    const in90 = await add(first.id, 90);
    const past = await add(second.id, -3);

    const response = await call('GET', '/vendors/contracts/expiring?withinDays=60&limit=100', {
      token: finance,
    });

    expect(response.status).toBe(200);
    const ids = response.body.items.map((item: { id: string }) => item.id);
    expect(ids).toEqual(expect.arrayContaining([in5, in30]));
    expect(ids).not.toContain(in90);
    expect(ids).not.toContain(past);
    expect(ids.indexOf(in5)).toBeLessThan(ids.indexOf(in30));
    expect(response.body.items.find((item: { id: string }) => item.id === in5)).toMatchObject({
      daysLeft: 5,
      vendor: { id: first.id, displayName: first.displayName, relationshipOwner: first.relationshipOwner },
    });
  });

  it('refuses an expiry before the effective date and an unknown type with 400, storing nothing', async () => {
    const vendor = await created();

    const response = await call('POST', `/vendors/${vendor.id}/contracts`, {
      token: manager,
      body: contract({
        type: 'LOI',
        effectiveDate: '2027-01-01',
        expiryDate: '2026-12-31',
        documentUri: 'a b',
      }),
    });
    const badWindow = await call('GET', '/vendors/contracts/expiring?withinDays=-1', { token: finance });

    expect(response.status).toBe(400);
    expect(response.body.errors.map((error: { field: string }) => error.field).sort()).toEqual([
      'documentUri',
      'expiryDate',
      'type',
    ]);
    expect(badWindow.status).toBe(400);
    expect((await call('GET', `/vendors/${vendor.id}`, { token: manager })).body.contracts).toEqual([]);
  });

  it('takes no new contract for an offboarded vendor (409), none from readers (403), none for unknown vendors (404)', async () => {
    const vendor = await created();
    await moveTo(vendor.id, ['OFFBOARDED', 'Insolvent']);

    const offboarded = await call('POST', `/vendors/${vendor.id}/contracts`, {
      token: manager,
      body: contract(),
    });
    const forbidden = await call('POST', `/vendors/${vendor.id}/contracts`, {
      token: requester,
      body: contract(),
    });
    const unknown = await call('POST', '/vendors/ven_00000000000000000000000000/contracts', {
      token: manager,
      body: contract(),
    });

    expect(offboarded.status).toBe(409);
    expect(forbidden.status).toBe(403);
    expect(unknown.status).toBe(404);
  });
});

describe('rate cards', () => {
  const rate = (overrides: Record<string, unknown> = {}) => ({
    role: 'Senior validation engineer',
    unit: 'DAY',
    rate: { amount: '1450.00', currency: 'EUR' },
    validFrom: '2026-01-01',
    validTo: '2026-12-31',
    ...overrides,
  });

  it('keeps rates per role and answers the rate valid as of a date', async () => {
    const vendor = await created();
    for (const body of [
      rate(),
      rate({
        role: 'senior  VALIDATION engineer',
        rate: { amount: '1520.50', currency: 'EUR' },
        validFrom: '2027-01-01',
        validTo: undefined,
      }),
      rate({
        role: 'Regulatory writer',
        unit: 'HOUR',
        rate: { amount: '165', currency: 'GBP' },
        validTo: undefined,
      }),
    ]) {
      const response = await call('POST', `/vendors/${vendor.id}/rates`, { token: manager, body });
      expect(response.status, response.text).toBe(201);
    }

    const all = await call('GET', `/vendors/${vendor.id}/rates`, { token: requester });
    const asOf = await call('GET', `/vendors/${vendor.id}/rates?asOf=2027-03-01`, { token: requester });
    const before = await call('GET', `/vendors/${vendor.id}/rates?asOf=2025-06-30`, { token: requester });

    expect(all.body.roles).toHaveLength(2);
    expect(asOf.body.roles).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          role: 'Senior validation engineer',
          rates: [
            expect.objectContaining({
              rate: { amount: '1520.50', currency: 'EUR' },
              validFrom: '2027-01-01',
            }),
          ],
        }),
        expect.objectContaining({
          role: 'Regulatory writer',
          rates: [expect.objectContaining({ unit: 'HOUR', rate: { amount: '165.00', currency: 'GBP' } })],
        }),
      ]),
    );
    expect(before.body.roles).toEqual([]);
    expect((await historyOf(vendor.id)).filter((event) => event.action === 'RATE_ADDED')).toHaveLength(3);
  });

  it('refuses an overlapping rate for the same role with 400 naming the rate it overlaps', async () => {
    const vendor = await created();
    const first = await call('POST', `/vendors/${vendor.id}/rates`, { token: manager, body: rate() });

    const overlapping = await call('POST', `/vendors/${vendor.id}/rates`, {
      token: manager,
      body: rate({ validFrom: '2026-12-01', validTo: undefined }),
    });

    expect(overlapping.status).toBe(400);
    expect(overlapping.body.errors).toEqual([
      expect.objectContaining({ field: 'validFrom', message: expect.stringContaining(first.body.id) }),
    ]);
    const card = await call('GET', `/vendors/${vendor.id}/rates`, { token: manager });
    expect(card.body.roles[0].rates).toHaveLength(1);
  });

  it('lets only one of two simultaneous overlapping rates in', async () => {
    const vendor = await created();

    const results = await Promise.all([
      call('POST', `/vendors/${vendor.id}/rates`, { token: manager, body: rate() }),
      call('POST', `/vendors/${vendor.id}/rates`, {
        token: manager,
        body: rate({ validFrom: '2026-06-01' }),
      }),
    ]);

    expect(results.map((result) => result.status).sort()).toEqual([201, 400]);
  });

  it('refuses negative rates, unknown currencies, bad units and reversed periods with 400', async () => {
    const vendor = await created();

    const response = await call('POST', `/vendors/${vendor.id}/rates`, {
      token: manager,
      body: rate({ unit: 'WEEK', rate: { amount: '-100.00', currency: 'EUX' }, validTo: '2025-01-01' }),
    });
    const badAsOf = await call('GET', `/vendors/${vendor.id}/rates?asOf=tomorrow`, { token: manager });

    expect(response.status).toBe(400);
    expect(response.body.errors.map((error: { field: string }) => error.field).sort()).toEqual([
      'rate.amount',
      'rate.currency',
      'unit',
      'validTo',
    ]);
    expect(badAsOf.status).toBe(400);
  });
});

describe('performance reviews', () => {
  const review = (overrides: Record<string, unknown> = {}) => ({
    quality: 5,
    timeliness: 4,
    valueForMoney: 3,
    communication: 5,
    comment: 'PQ on time, strong documentation.',
    ...overrides,
  });

  it('keeps exact averages on the vendor and lists reviews newest first', async () => {
    const vendor = await created();
    const requestResponse = await call('POST', '/requests', {
      token: await tokenFor({ groups: ['requester'], businessFunction: 'QA' }),
      body: validRequestBody(),
    });
    const ids: string[] = [];
    for (const body of [
      review({ requestId: requestResponse.body.id }),
      review({ quality: 4, timeliness: 4, valueForMoney: 4, communication: 4 }),
      review({ quality: 4, timeliness: 5, valueForMoney: 3, communication: 3 }),
    ]) {
      const response = await call('POST', `/vendors/${vendor.id}/reviews`, { token: manager, body });
      expect(response.status, response.text).toBe(201);
      ids.push(response.body.id);
    }

    const read = await call('GET', `/vendors/${vendor.id}`, { token: requester });
    const list = await call('GET', `/vendors/${vendor.id}/reviews`, { token: requester });

    expect(read.body.reviews).toEqual({
      count: 3,
      averages: { overall: 4, quality: 4.33, timeliness: 4.33, valueForMoney: 3.33, communication: 4 },
    });
    expect(list.body.items.map((item: { id: string }) => item.id)).toEqual(ids.reverse());
    expect(list.body.items[2]).toMatchObject({
      requestId: requestResponse.body.id,
      reviewer: { sub: 'vic-vendors' },
    });
  });

  it('counts every one of simultaneous reviews', async () => {
    const vendor = await created();

    const results = await Promise.all(
      [1, 2, 3].map(() => call('POST', `/vendors/${vendor.id}/reviews`, { token: manager, body: review() })),
    );

    expect(results.map((result) => result.status)).toEqual([201, 201, 201]);
    const read = await call('GET', `/vendors/${vendor.id}`, { token: requester });
    expect(read.body.reviews).toMatchObject({ count: 3, averages: { quality: 5, overall: 4.25 } });
  });

  it('refuses scores outside 1-5 and unknown requests with 400, storing nothing', async () => {
    const vendor = await created();

    const scores = await call('POST', `/vendors/${vendor.id}/reviews`, {
      token: manager,
      body: review({ quality: 0, timeliness: 6, valueForMoney: 3.5, comment: '' }),
    });
    const unknownRequest = await call('POST', `/vendors/${vendor.id}/reviews`, {
      token: manager,
      body: review({ requestId: 'req_00000000000000000000000000' }),
    });
    const forbidden = await call('POST', `/vendors/${vendor.id}/reviews`, {
      token: requester,
      body: review(),
    });

    expect(scores.status).toBe(400);
    expect(scores.body.errors.map((error: { field: string }) => error.field).sort()).toEqual([
      'comment',
      'quality',
      'timeliness',
      'valueForMoney',
    ]);
    expect(unknownRequest.status).toBe(400);
    expect(forbidden.status).toBe(403);
    const read = await call('GET', `/vendors/${vendor.id}`, { token: manager });
    expect(read.body).toMatchObject({ reviews: { count: 0 }, version: 1 });
    expect(await historyOf(vendor.id)).toHaveLength(1);
  });
});

describe('requests naming a preferred vendor', () => {
  let engRequester: string;

  beforeAll(async () => {
    engRequester = await tokenFor({ groups: ['requester'], businessFunction: 'ENG' });
  });

  it("shows the vendor's display name on the request", async () => {
    const vendor = await created();
    await moveTo(vendor.id, ['ONBOARDING'], ['APPROVED']);

    const response = await call('POST', '/requests', {
      token: engRequester,
      body: validRequestBody({ businessFunction: 'ENG', preferredVendorId: vendor.id }),
    });

    expect(response.status, response.text).toBe(201);
    expect(response.body).toMatchObject({
      preferredVendorId: vendor.id,
      preferredVendorName: vendor.displayName,
    });
  });

  it('refuses an unknown, on-hold or offboarded vendor with 400 saying why', async () => {
    const held = await created();
    await moveTo(held.id, ['ON_HOLD', 'Audit finding open']);
    const gone = await created();
    await moveTo(gone.id, ['OFFBOARDED', 'Contract terminated']);

    const answers = await Promise.all(
      [held.id, gone.id, 'ven_00000000000000000000000000'].map((preferredVendorId) =>
        call('POST', '/requests', {
          token: engRequester,
          body: validRequestBody({ businessFunction: 'ENG', preferredVendorId }),
        }),
      ),
    );

    expect(answers.map((answer) => answer.status)).toEqual([400, 400, 400]);
    const messages = answers.map((answer) => answer.body.errors[0]);
    expect(messages[0]).toMatchObject({
      field: 'preferredVendorId',
      message: expect.stringContaining('ON_HOLD (Audit finding open)'),
    });
    expect(messages[1].message).toContain('OFFBOARDED');
    expect(messages[2].message).toContain('Unknown vendor');
  });
});

describe('every per-vendor route', () => {
  const unknown = '/vendors/ven_00000000000000000000000000';
  const routes: [string, string, unknown?][] = [
    ['GET', ''],
    ['GET', '/history'],
    ['GET', '/rates'],
    ['GET', '/reviews'],
    ['POST', '/status', { status: 'ONBOARDING' }],
    [
      'POST',
      '/contracts',
      {
        type: 'NDA',
        reference: 'N-1',
        effectiveDate: '2026-01-01',
        expiryDate: '2027-01-01',
        documentUri: 'n.pdf',
      },
    ],
    [
      'POST',
      '/rates',
      { role: 'Engineer', unit: 'DAY', rate: { amount: '900.00', currency: 'EUR' }, validFrom: '2026-01-01' },
    ],
    ['POST', '/reviews', { quality: 3, timeliness: 3, valueForMoney: 3, communication: 3, comment: 'Fine.' }],
  ];

  it.each(routes)('answers 404 to %s <unknown vendor>%s', async (method, suffix, body) => {
    const response = await call(method, `${unknown}${suffix}`, { token: manager, body });

    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ type: 'urn:techops:problem:not-found' });
  });

  it('answers 403 to a token without any product role, for reads too', async () => {
    const vendor = await created();
    const nobody = await tokenFor({ groups: [] });

    const answers = await Promise.all([
      call('GET', '/vendors', { token: nobody }),
      call('GET', `/vendors/${vendor.id}`, { token: nobody }),
      call('GET', '/vendors/contracts/expiring', { token: nobody }),
      call('POST', `/vendors/${vendor.id}/rates`, { token: finance, body: routes[6]![2] }),
    ]);

    expect(answers.map((answer) => answer.status)).toEqual([403, 403, 403, 403]);
  });
});
