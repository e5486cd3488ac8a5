import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoApprovalPolicy, demoApproverGroups } from '../../functions/approval-policy/demo-data.js';
import { call, tokenFor } from './support.js';

// Other files rely on the demo policy being current: whatever this file publishes, it publishes
// the demo document again afterwards (afterAll), and meanwhile only documents that resolve
// every request exactly as the demo policy does.
const run = randomUUID().slice(0, 8).toUpperCase();
let admin: string;
let finance: string;
let approver: string;
let requester: string;

beforeAll(async () => {
  admin = await tokenFor({
    sub: 'ada-admin',
    name: 'Ada Admin',
    email: 'ada.admin@techops.example',
    groups: ['admin'],
    businessFunction: 'STRATEGY',
  });
  finance = await tokenFor({ groups: ['finance'], businessFunction: 'FINANCE' });
  approver = await tokenFor({ groups: ['approver'], businessFunction: 'QA' });
  requester = await tokenFor({ groups: ['requester'], businessFunction: 'QA' });
});

async function currentPolicy() {
  const response = await call('GET', '/policies/approval', { token: finance });
  expect(response.status, response.text).toBe(200);
  return { ...response.body, etag: response.headers.get('etag') as string };
}

/** The demo policy plus a rule for FINANCE below 50,000.00 that sends it where the default rule does. */
const equivalentToDemo = {
  rules: [
    ...demoApprovalPolicy.rules.slice(0, -1),
    {
      name: 'Below 50,000.00, FINANCE',
      when: { businessFunctions: ['FINANCE'], amounts: [{ below: '50000.00' }] },
      steps: [{ approver: { kind: 'FUNCTION_HEAD' } }],
    },
    ...demoApprovalPolicy.rules.slice(-1),
  ],
};

function publish(document: unknown, ifMatch?: string, token = admin) {
  return call('PUT', '/policies/approval', {
    token,
    body: document,
    ...(ifMatch === undefined ? {} : { headers: { 'if-match': ifMatch } }),
  });
}

describe('the approval policy', () => {
  afterAll(async () => {
    const current = await currentPolicy();
    if (JSON.stringify(current.document) !== JSON.stringify(demoApprovalPolicy)) {
      const restored = await publish(demoApprovalPolicy, current.etag);
      expect(restored.status, restored.text).toBe(200);
    }
  });

  it('is the demo policy on the local cloud, with its version as ETag, for admin, finance and approvers', async () => {
    const current = await currentPolicy();

    expect(current.document).toEqual(demoApprovalPolicy);
    expect(current.version).toBeGreaterThanOrEqual(1);
    expect(current.etag).toBe(`"${current.version}"`);
    for (const token of [admin, approver]) {
      expect((await call('GET', '/policies/approval', { token })).status).toBe(200);
    }
    expect((await call('GET', '/policies/approval', { token: requester })).status).toBe(403);
  });

  it('refuses a bad policy with every problem listed, and keeps the stored one', async () => {
    const before = await currentPolicy();
    const bad = {
      rules: [
        {
          name: 'Large',
          when: { amounts: [{ from: '50000.00', below: '250000.00' }, { from: '100000.00' }] },
          steps: [
            { approver: { kind: 'HEAD_OF', businessFunction: 'LEGAL' } },
            { approver: { kind: 'GROUP', group: `NOBODY_${run}` } },
          ],
        },
        {
          name: 'Eleven steps',
          when: { categories: ['REGULATORY'] },
          steps: Array(11).fill({ approver: { kind: 'FUNCTION_HEAD' } }),
        },
      ],
    };

    const response = await publish(bad, before.etag);

    expect(response.status, response.text).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.body.errors.map((issue: { field: string }) => issue.field)).toEqual([
      'rules.0.when.amounts.1',
      'rules.0.steps.0.approver.businessFunction',
      'rules.0.steps.1.approver.group',
      'rules.1.steps',
      'rules',
    ]);
    expect(response.body.errors[4].message).toMatch(/default rule is required/);
    const after = await currentPolicy();
    expect(after.etag).toBe(before.etag);
    expect(after.document).toEqual(before.document);
  });

  it('needs If-Match (428) and refuses a stale one (412), publishing nothing', async () => {
    const before = await currentPolicy();

    const without = await publish(equivalentToDemo);
    const stale = await publish(equivalentToDemo, `"${before.version + 7}"`);
    const byFinance = await publish(equivalentToDemo, before.etag, finance);

    expect(without.status, without.text).toBe(428);
    expect(stale.status, stale.text).toBe(412);
    expect(byFinance.status, byFinance.text).toBe(403);
    expect((await currentPolicy()).etag).toBe(before.etag);
  });

  it('publishes a new version, listed newest first with who published it and when', async () => {
    const before = await currentPolicy();

    const published = await publish(equivalentToDemo, before.etag);

    expect(published.status, published.text).toBe(200);
    expect(published.body.version).toBe(before.version + 1);
    expect(published.headers.get('etag')).toBe(`"${before.version + 1}"`);
    expect((await currentPolicy()).document).toEqual(equivalentToDemo);
    const versions = await call('GET', '/policies/approval/versions?limit=2', { token: approver });
    expect(versions.status, versions.text).toBe(200);
    expect(versions.body.items[0]).toEqual({
      version: before.version + 1,
      changedBy: { sub: 'ada-admin', name: 'Ada Admin', email: 'ada.admin@techops.example' },
      changedAt: published.body.changedAt,
      rules: equivalentToDemo.rules.length,
    });
    expect(versions.body.items[1].version).toBe(before.version);
    const older = await call('GET', `/policies/approval/versions/${before.version}`, { token: finance });
    expect(older.body.document).toEqual(before.document);
    expect((await call('GET', '/policies/approval/versions/0', { token: finance })).body.changedBy.name).toBe(
      'Built-in default',
    );
    // The version read before is stale now.
    expect((await publish(demoApprovalPolicy, before.etag)).status).toBe(412);
    const restored = await publish(demoApprovalPolicy, published.headers.get('etag') as string);
    expect(restored.status, restored.text).toBe(200);
  });
});

describe('previewing a chain', () => {
  const request = (amount: string, more: Record<string, unknown> = {}) => ({
    businessFunction: 'QA',
    category: 'VALIDATION_CQV',
    urgency: 'NORMAL',
    estimatedCost: { amount, currency: 'USD' },
    ...more,
  });
  const preview = (body: unknown, token = finance) =>
    call('POST', '/policies/approval/preview', { token, body });
  const approversOf = (steps: { approvers: { name: string }[]; group?: string }[]) =>
    steps.map((step) => step.group ?? step.approvers.map((person) => person.name).join(', '));

  it.each([
    ['30000.00', {}, ['Dr. Ingrid Hale']],
    ['120000.00', {}, ['Dr. Ingrid Hale', 'Claire Dubois']],
    [
      '300000.00',
      { category: 'DIGITAL_DATA' },
      ['Dr. Ingrid Hale', 'Kenji Watanabe', 'Claire Dubois', 'Samuel Adeyemi'],
    ],
  ])('sends %s %j to %j under the demo policy', async (amount, more, approvers) => {
    const current = await currentPolicy();

    const response = await preview({ request: request(amount, more) });

    expect(response.status, response.text).toBe(200);
    expect(response.body.policyVersion).toBe(current.version);
    expect(approversOf(response.body.steps)).toEqual(approvers);
    expect(response.body.rule.name).toBe(demoApprovalPolicy.rules[response.body.rule.index]?.name);
  });

  it('adds the quality leads for a high-risk preferred vendor, and says why', async () => {
    const manager = await tokenFor({ groups: ['vendor-manager'], businessFunction: 'STRATEGY' });
    const vendor = await call('POST', '/vendors', {
      token: manager,
      body: {
        legalName: `Preview ${run} Risky Consulting Ltd`,
        displayName: `Preview ${run} Risky`,
        headquartersCountry: 'GB',
        capabilities: ['VALIDATION_CQV'],
        relationshipOwner: { name: 'Olga Owner', email: 'olga.owner@techops.example' },
        riskTier: 'HIGH',
      },
    });
    expect(vendor.status, vendor.text).toBe(201);

    const response = await preview(
      { request: request('30000.00', { preferredVendorId: vendor.body.id }) },
      approver,
    );

    expect(response.status, response.text).toBe(200);
    expect(response.body.rule.name).toBe('Below 50,000.00, high-risk vendor');
    expect(response.body.why).toEqual([
      'amount 30000.00 is below 50000.00',
      "the preferred vendor's risk tier is HIGH",
    ]);
    expect(response.body.steps[1]).toMatchObject({
      group: 'QA_LEADS',
      approvers: demoApproverGroups.QA_LEADS?.members,
    });
  });

  it('tries a draft, moving a step the requester would decide to the fallback', async () => {
    const draft = {
      rules: [
        {
          name: 'Everything to the head of QA',
          steps: [{ approver: { kind: 'HEAD_OF', businessFunction: 'QA' } }],
        },
      ],
    };
    const ingrid = { name: 'Dr. Ingrid Hale', email: 'ingrid.hale@techops.example' };

    const response = await preview({ request: request('10.00', { requester: ingrid }), policy: draft });

    expect(response.status, response.text).toBe(200);
    expect(response.body.policyVersion).toBe('draft');
    expect(response.body.why).toEqual(['the default rule: no earlier rule matched']);
    expect(response.body.steps).toEqual([
      expect.objectContaining({
        approvers: [{ name: 'Claire Dubois', email: 'claire.dubois@techops.example' }],
        reassignedFrom: ingrid,
      }),
    ]);
  });

  it('lists every problem of an invalid draft and of the request facts at once', async () => {
    const response = await preview({
      request: request('10.00', { businessFunction: 'NOPE' }),
      policy: { rules: [{ name: 'No default', when: { urgencies: ['HIGH'] }, steps: [] }] },
    });

    expect(response.status, response.text).toBe(400);
    expect(response.body.errors.map((issue: { field: string }) => issue.field)).toEqual([
      'policy.rules.0.steps',
      'policy.rules',
      'request.businessFunction',
    ]);
  });

  it('answers 422 when nobody but the requester could decide a step', async () => {
    const pat = { name: 'Pat Only', email: 'pat.only@techops.example' };
    const draft = {
      fallbackApprovers: [{ kind: 'PERSON', ...pat }],
      rules: [{ name: 'Pat decides', steps: [{ approver: { kind: 'PERSON', ...pat } }] }],
    };

    const response = await preview({ request: request('10.00', { requester: pat }), policy: draft });

    expect(response.status, response.text).toBe(422);
    expect(response.body.type).toBe('urn:techops:problem:approval-chain-unresolvable');
  });

  it('refuses an unknown business function or vendor as invalid facts', async () => {
    const response = await preview({
      request: request('10.00', {
        businessFunction: 'NOPE',
        preferredVendorId: 'ven_01m8pm0ymdvvn0t5a2bxpmbwzz',
      }),
    });

    expect(response.status, response.text).toBe(400);
    expect(response.body.errors.map((issue: { field: string }) => issue.field)).toEqual([
      'request.businessFunction',
      'request.preferredVendorId',
    ]);
  });
});

describe('approver groups', () => {
  const name = `PT_${run}`;
  const member = (index: number) => ({
    name: `Member ${index}`,
    email: `member${index}.${run}@techops.example`,
  });

  it('shows the demo group of quality leads', async () => {
    const response = await call('GET', '/approver-groups/QA_LEADS', { token: approver });

    expect(response.status, response.text).toBe(200);
    expect(response.body.members).toEqual(demoApproverGroups.QA_LEADS?.members);
    expect(response.headers.get('etag')).toBe(`"${response.body.version}"`);
    expect((await call('GET', '/approver-groups/QA_LEADS', { token: requester })).status).toBe(403);
    expect((await call('GET', `/approver-groups/NONE_${run}`, { token: finance })).status).toBe(404);
  });

  it('creates a group, then replaces it only with If-Match', async () => {
    const put = (body: unknown, ifMatch?: string, token = admin) =>
      call('PUT', `/approver-groups/${name}`, {
        token,
        body,
        ...(ifMatch ? { headers: { 'if-match': ifMatch } } : {}),
      });

    const created = await put({ description: 'Policy test group', members: [member(1)] });
    const withoutIfMatch = await put({ members: [member(2)] });
    const replaced = await put({ members: [member(1), member(2)] }, '"1"');
    const stale = await put({ members: [member(3)] }, '"1"');
    const tooMany = await put({ members: Array.from({ length: 21 }, (_, index) => member(index)) }, '"2"');
    const byFinance = await put({ members: [member(3)] }, '"2"', finance);

    expect(created.status, created.text).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    expect(created.headers.get('location')).toBe(`/approver-groups/${name}`);
    expect(withoutIfMatch.status, withoutIfMatch.text).toBe(428);
    expect(replaced.status, replaced.text).toBe(200);
    expect(replaced.body).toMatchObject({ name, version: 2, members: [member(1), member(2)] });
    expect(replaced.body.description).toBeUndefined();
    expect(stale.status, stale.text).toBe(412);
    expect(tooMany.status, tooMany.text).toBe(400);
    expect(tooMany.body.errors).toEqual([
      { field: 'members', message: 'A group has at most 20 members, not 21.' },
    ]);
    expect(byFinance.status).toBe(403);
    const stored = await call('GET', `/approver-groups/${name}`, { token: finance });
    expect(stored.body).toMatchObject({ version: 2, members: [member(1), member(2)] });
  });

  it('refuses a repeated member email', async () => {
    const response = await call('PUT', `/approver-groups/DUP_${run}`, {
      token: admin,
      body: { members: [member(1), { ...member(1), name: 'Same Person' }] },
    });

    expect(response.status, response.text).toBe(400);
    expect(response.body.errors).toEqual([
      { field: 'members.1.email', message: 'Member 0 has the same email.' },
    ]);
    expect((await call('GET', `/approver-groups/DUP_${run}`, { token: admin })).status).toBe(404);
  });
});
