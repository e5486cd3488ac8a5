import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { tableNamed, useLocalDynamoDb } from './budget-support.js';
import { addBusinessFunctions } from './business-function-support.js';
import { call, createVendor, fundBudget, tokenFor, validRequestBody, vendorOnRecord } from './support.js';

/**
 * The triage assessment a request gets at submission, and the internal capabilities it suggests.
 * The assessment reads every undecided request of a business function, so this file has
 * business functions of its own (added in beforeAll), with budget lines of FY2076: TRIAGE_LAB
 * has 100,000.00, TRIAGE_PLANT 10,000,000.00, TRIAGE_DEPOT none. Requests are only submitted
 * here, never approved.
 */
const FISCAL_YEAR = 'FY2076';
const DATES = { startDate: '2076-03-01', endDate: '2076-05-31' };
const LAB = 'TRIAGE_LAB';
const PLANT = 'TRIAGE_PLANT';
const DEPOT = 'TRIAGE_DEPOT';

let admin: string;
const requesters: Record<string, string> = {};

beforeAll(async () => {
  await addBusinessFunctions([LAB, PLANT, DEPOT], 'Triage test');
  await fundBudget(FISCAL_YEAR, { [LAB]: '100000.00', [PLANT]: '10000000.00' });
  [admin, requesters[LAB], requesters[PLANT], requesters[DEPOT]] = await Promise.all([
    tokenFor({ groups: ['admin'], businessFunction: 'STRATEGY' }),
    tokenFor({ groups: ['requester'], businessFunction: LAB }),
    tokenFor({ groups: ['requester'], businessFunction: PLANT }),
    tokenFor({ groups: ['requester'], businessFunction: DEPOT }),
  ]);
});

type Assessment = {
  flags: { code: string; message: string }[];
  incomplete?: unknown[];
  budget?: Record<string, unknown>;
  vendor?: Record<string, unknown>;
  internalCapabilities: { id: string }[];
  possibleDuplicates: { id: string; title: string; status: string; matchedOn: string[] }[];
};

/** Submits a request of FY2076 and reads it back as GET /requests/{id} shows it. */
async function submitted(businessFunction: string, overrides: Record<string, unknown> = {}) {
  const token = requesters[businessFunction]!;
  const response = await call('POST', '/requests', {
    token,
    body: validRequestBody({ businessFunction, ...DATES, ...overrides }),
  });
  expect(response.status, response.text).toBe(201);
  const read = await call('GET', `/requests/${response.body.id}`, { token });
  expect(read.status).toBe(200);
  expect(read.body.assessment).toEqual(response.body.assessment);
  return { id: response.body.id as string, assessment: read.body.assessment as Assessment };
}

const codesOf = (assessment: Assessment) => assessment.flags.map((flag) => flag.code);

describe('budget headroom at submission', () => {
  it("flags a request over its line's headroom once the pipeline is counted", async () => {
    const first = await submitted(LAB, { estimatedCost: { amount: '60000.00', currency: 'USD' } });
    expect(codesOf(first.assessment)).not.toContain('OVER_HEADROOM');

    const second = await submitted(LAB, {
      title: 'Process validation support',
      category: 'PROCESS_ENGINEERING',
      estimatedCost: { amount: '50000.00', currency: 'USD' },
    });

    expect(codesOf(second.assessment)).toContain('OVER_HEADROOM');
    expect(second.assessment.flags.find((flag) => flag.code === 'OVER_HEADROOM')?.message).toMatch(
      /does not fit its budget line/,
    );
    expect(second.assessment.budget).toEqual({
      fiscalYear: FISCAL_YEAR,
      businessFunction: LAB,
      allocated: { amount: '100000.00', currency: 'USD' },
      committed: { amount: '0.00', currency: 'USD' },
      consumed: { amount: '0.00', currency: 'USD' },
      available: { amount: '100000.00', currency: 'USD' },
      pipeline: { amount: '60000.00', currency: 'USD' },
      pipelineRequests: 1,
      requested: { amount: '50000.00', currency: 'USD' },
      remainingAfter: { amount: '-10000.00', currency: 'USD' },
      fits: false,
    });
  });

  it('flags a request whose business function has no budget line for the year', async () => {
    const { assessment } = await submitted(DEPOT, { category: 'SUPPLY_CHAIN' });

    expect(codesOf(assessment)).toEqual(['NO_BUDGET_LINE']);
    expect(assessment.budget).toMatchObject({ allocated: { amount: '0.00' }, fits: false });
  });
});

describe('vendor fit at submission', () => {
  const vendorWith = (status: 'ONBOARDING' | 'APPROVED', score: number, paperwork: boolean) =>
    vendorOnRecord({ status, score, paperwork, year: 2076 });

  it('flags a vendor still onboarding, with a low average review and no contracts or rate card', async () => {
    const vendorId = await vendorWith('ONBOARDING', 2, false);

    const { assessment } = await submitted(PLANT, { preferredVendorId: vendorId });

    expect(codesOf(assessment)).toEqual([
      'VENDOR_NOT_YET_APPROVED',
      'VENDOR_LOW_REVIEW_SCORE',
      'VENDOR_NO_VALID_MSA',
      'VENDOR_NO_VALID_NDA',
      'VENDOR_NO_RATE_CARD',
    ]);
    expect(assessment.vendor).toMatchObject({
      id: vendorId,
      status: 'ONBOARDING',
      coversCategory: true,
      reviews: { count: 1, averageScore: 2, threshold: 3 },
      msa: { valid: false },
      nda: { valid: false },
      hasRateCard: false,
    });
  });

  it('raises no vendor flag for an approved, well-reviewed vendor with an MSA, an NDA and a rate on the start date', async () => {
    const vendorId = await vendorWith('APPROVED', 4, true);

    const { assessment } = await submitted(PLANT, {
      preferredVendorId: vendorId,
      category: 'TECH_TRANSFER',
      startDate: '2076-07-01',
      endDate: '2076-08-31',
    });

    expect(codesOf(assessment)).toEqual([]);
    expect(assessment.vendor).toMatchObject({
      status: 'APPROVED',
      msa: { valid: true, reference: 'MSA-2076', expiryDate: '2077-12-31' },
      nda: { valid: true },
      hasRateCard: true,
    });
  });

  it('flags a vendor whose capabilities do not cover the category', async () => {
    const vendorId = await vendorWith('APPROVED', 4, true);

    const { assessment } = await submitted(PLANT, {
      preferredVendorId: vendorId,
      category: 'REGULATORY',
      startDate: '2076-09-01',
      endDate: '2076-09-30',
    });

    expect(codesOf(assessment)).toEqual(['VENDOR_CAPABILITY_MISMATCH']);
  });
});

describe('possible duplicates at submission', () => {
  it('lists an undecided request of the same business function and category with overlapping dates, or the same vendor', async () => {
    const vendorId = await createVendor('Duplicate-prone consultancy');
    const earlier = await submitted(PLANT, {
      title: 'Data historian upgrade support',
      category: 'DIGITAL_DATA',
      startDate: '2076-10-01',
      endDate: '2076-11-30',
    });
    const sameVendor = await submitted(PLANT, {
      title: 'Data historian follow-up',
      category: 'DIGITAL_DATA',
      preferredVendorId: vendorId,
      startDate: '2076-04-01',
      endDate: '2076-04-30',
    });

    const { assessment } = await submitted(PLANT, {
      title: 'Historian data migration',
      category: 'DIGITAL_DATA',
      preferredVendorId: vendorId,
      startDate: '2076-11-15',
      endDate: '2076-12-15',
    });

    expect(codesOf(assessment)).toContain('POSSIBLE_DUPLICATE');
    expect(assessment.possibleDuplicates).toEqual([
      {
        id: sameVendor.id,
        title: 'Data historian follow-up',
        status: expect.any(String),
        matchedOn: ['SAME_VENDOR'],
      },
      {
        id: earlier.id,
        title: 'Data historian upgrade support',
        status: expect.stringMatching(/^(SUBMITTED|IN_TRIAGE)$/),
        matchedOn: ['OVERLAPPING_DATES'],
      },
    ]);
  });
});

describe('internal capabilities', () => {
  const regulatoryDesk = {
    name: 'Regulatory writing desk',
    owner: { name: 'Rhea Writer', email: 'rhea.writer@techops.example' },
    categories: ['REGULATORY'],
    note: 'Two CMC writers; book a month ahead.',
  };

  it('are created, read, listed and replaced by an admin, each change versioned and audited', async () => {
    const id = `REG_DESK_${Date.now().toString(36).toUpperCase()}`;

    const created = await call('PUT', `/internal-capabilities/${id}`, { token: admin, body: regulatoryDesk });
    expect(created.status, created.text).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    expect(created.headers.get('location')).toBe(`/internal-capabilities/${id}`);
    expect(created.body).toMatchObject({ id, ...regulatoryDesk, version: 1 });

    const withoutIfMatch = await call('PUT', `/internal-capabilities/${id}`, {
      token: admin,
      body: regulatoryDesk,
    });
    expect(withoutIfMatch.status).toBe(428);
    const stale = await call('PUT', `/internal-capabilities/${id}`, {
      token: admin,
      body: regulatoryDesk,
      headers: { 'if-match': '"7"' },
    });
    expect(stale.status).toBe(412);

    const replaced = await call('PUT', `/internal-capabilities/${id}`, {
      token: admin,
      body: { ...regulatoryDesk, categories: ['REGULATORY', 'QUALITY_SYSTEMS'] },
      headers: { 'if-match': '"1"' },
    });
    expect(replaced.status, replaced.text).toBe(200);
    expect(replaced.body.version).toBe(2);

    const read = await call('GET', `/internal-capabilities/${id}`, { token: requesters[PLANT]! });
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe('"2"');
    expect(read.body.categories).toEqual(['REGULATORY', 'QUALITY_SYSTEMS']);

    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await call(
        'GET',
        `/internal-capabilities?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { token: requesters[PLANT]! },
      );
      expect(page.status).toBe(200);
      ids.push(...page.body.items.map((item: { id: string }) => item.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(ids).toContain(id);

    const local = useLocalDynamoDb();
    const { Items = [] } = await DynamoDBDocumentClient.from(local).send(
      new QueryCommand({
        TableName: await tableNamed(local, 'DataAuditEvents'),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `INTERNAL_CAPABILITY#${id}` },
      }),
    );
    expect(Items.map((event) => event.action).sort()).toEqual([
      'INTERNAL_CAPABILITY_CREATED',
      'INTERNAL_CAPABILITY_REPLACED',
    ]);
  });

  it('is suggested by the assessment of a request in a category it covers', async () => {
    const id = `REG_SUGGEST_${Date.now().toString(36).toUpperCase()}`;
    const created = await call('PUT', `/internal-capabilities/${id}`, { token: admin, body: regulatoryDesk });
    expect(created.status, created.text).toBe(201);

    const regulatory = await submitted(PLANT, {
      title: 'CMC dossier update',
      category: 'REGULATORY',
      startDate: '2076-02-01',
      endDate: '2076-02-28',
    });
    const operational = await submitted(PLANT, {
      title: 'Shop-floor coaching',
      category: 'SUPPLY_CHAIN',
      startDate: '2076-02-01',
      endDate: '2076-02-28',
    });

    expect(regulatory.assessment.internalCapabilities).toContainEqual({ id, ...regulatoryDesk });
    expect(operational.assessment.internalCapabilities.map((team) => team.id)).not.toContain(id);
  });

  it('refuses an invalid id and body with 400, listing every problem, and writes nothing', async () => {
    const response = await call('PUT', '/internal-capabilities/cqv-team', {
      token: admin,
      body: {
        name: '',
        owner: { name: 'Someone', email: 'not-an-email' },
        categories: ['VALIDATION_CQV', 'VALIDATION_CQV', 'ASTROLOGY'],
        colour: 'blue',
      },
    });

    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const fields = (response.body.errors as { field: string }[]).map((error) => error.field);
    expect(fields).toEqual(expect.arrayContaining(['id', 'name', 'owner.email', 'categories.2', 'colour']));
    expect((await call('GET', '/internal-capabilities/CQV_TEAM_NEVER', { token: admin })).status).toBe(404);
  });

  it.each([
    [[], 'Name at least one category.'],
    [['REGULATORY', 'REGULATORY'], 'Name each category once.'],
  ])('refuses categories %j: %s', async (categories, message) => {
    const response = await call('PUT', '/internal-capabilities/CATEGORY_CHECK_TEAM', {
      token: admin,
      body: { ...regulatoryDesk, categories },
    });

    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ field: 'categories', message }]);
    expect((await call('GET', '/internal-capabilities/CATEGORY_CHECK_TEAM', { token: admin })).status).toBe(
      404,
    );
  });

  it('may not be put by a requester', async () => {
    const response = await call('PUT', '/internal-capabilities/REQUESTER_TEAM', {
      token: requesters[PLANT]!,
      body: regulatoryDesk,
    });

    expect(response.status).toBe(403);
    expect((await call('GET', '/internal-capabilities/REQUESTER_TEAM', { token: admin })).status).toBe(404);
  });
});
