import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PROJECT_ROOT } from '../../infra/constructs/handler-function.js';
import { STACK_NAME } from '../../infra/stack.js';
import { STACK_OUTPUTS } from '../../infra/stack-outputs.js';
import { call, tokenFor } from './support.js';

// This file's business functions (ZSEED_*) are its own; the seed runs against the shared
// local cloud as an operator would: `npm run seed -- --local`.
const run = promisify(execFile);
const workDir = mkdtempSync(path.join(tmpdir(), 'techops-seed-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const quality = {
  code: 'ZSEED_QA',
  name: 'Seeded Quality',
  head: { name: 'Quinn Head', email: 'quinn@pharma.example' },
};
const lab = {
  code: 'ZSEED_LAB',
  name: 'Seeded Laboratories',
  head: { name: 'Lee Head', email: 'lee@pharma.example' },
};

function seedFile(name: string, content: unknown): string {
  const file = path.join(workDir, name);
  writeFileSync(file, JSON.stringify(content));
  return file;
}

/** Runs `npm run seed` as the operator would; its exit code, output and error output. */
async function seed(file: string, stack = STACK_NAME) {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [
        path.join(PROJECT_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
        'infra/seed/seed-reference-data.ts',
        '--stack',
        stack,
        '--file',
        file,
        '--operator',
        'ops.lead@pharma.example',
        '--local',
      ],
      { cwd: PROJECT_ROOT, env: { ...process.env, LOCAL_DATA_DIR: inject('dataDir') } },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

let auditTable: string;
const db = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    endpoint: inject('dynamoDbEndpoint'),
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  }),
);

/** The stack's outputs, read as the seed reads them: the local cloud answers DescribeStacks. */
async function localStackOutputs(): Promise<Record<string, string | undefined>> {
  const { Stacks } = await new CloudFormationClient({
    endpoint: inject('servicesUrl'),
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  }).send(new DescribeStacksCommand({ StackName: STACK_NAME }));
  return Object.fromEntries(
    (Stacks?.[0]?.Outputs ?? []).map((output) => [output.OutputKey, output.OutputValue]),
  );
}

beforeAll(async () => {
  auditTable = (await localStackOutputs())[STACK_OUTPUTS.auditTable] ?? '';
});

async function auditActionsOf(code: string): Promise<string[]> {
  const { Items } = await db.send(
    new QueryCommand({
      TableName: auditTable,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `BUSINESS_FUNCTION#${code}` },
    }),
  );
  return (Items ?? []).map((item) => item.action as string);
}

async function businessFunction(code: string) {
  const token = await tokenFor({ groups: ['requester'] });
  const page = await call('GET', '/business-functions?limit=100', { token });
  expect(page.status).toBe(200);
  return page.body.items.find((item: { code: string }) => item.code === code);
}

describe('npm run seed', () => {
  it('answers the stack outputs locally as DescribeStacks does in AWS', async () => {
    const outputs = await localStackOutputs();

    expect(Object.keys(outputs).sort()).toEqual(Object.values(STACK_OUTPUTS).sort());
    expect(outputs[STACK_OUTPUTS.apiUrl]).toBe(inject('apiUrl'));
    expect(outputs[STACK_OUTPUTS.referenceDataTable]).toMatch(/^DataReferenceData/);
  });

  it('loads the business functions of a file, each with its audit event by the operator', async () => {
    const file = seedFile('first.json', { businessFunctions: [quality, lab] });

    const result = await seed(file);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('business functions: 2 created, 0 changed, 0 unchanged');
    expect(result.stdout).toContain('2 change(s), each with its audit event.');
    expect(await businessFunction('ZSEED_QA')).toEqual(quality);
    expect(await businessFunction('ZSEED_LAB')).toEqual(lab);
    expect(await auditActionsOf('ZSEED_QA')).toEqual(['BUSINESS_FUNCTION_ADDED']);
  });

  it('changes nothing, and writes no audit event, when run again with the same file', async () => {
    const file = seedFile('first.json', { businessFunctions: [quality, lab] });

    const result = await seed(file);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('business functions: 0 created, 0 changed, 2 unchanged');
    expect(result.stdout).toContain('Nothing changed: the stack already holds this reference data.');
    expect(await auditActionsOf('ZSEED_QA')).toEqual(['BUSINESS_FUNCTION_ADDED']);
    expect(await auditActionsOf('ZSEED_LAB')).toEqual(['BUSINESS_FUNCTION_ADDED']);
  });

  it('replaces only what the operator edited, recording before and after', async () => {
    const newHead = { name: 'Quentin Head', email: 'quentin@pharma.example' };
    const file = seedFile('edited.json', { businessFunctions: [{ ...quality, head: newHead }, lab] });

    const result = await seed(file);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      'business functions: 0 created, 1 changed, 1 unchanged (changed: ZSEED_QA)',
    );
    expect((await businessFunction('ZSEED_QA')).head).toEqual(newHead);
    expect(await auditActionsOf('ZSEED_QA')).toEqual([
      'BUSINESS_FUNCTION_ADDED',
      'BUSINESS_FUNCTION_CHANGED',
    ]);
    expect(await auditActionsOf('ZSEED_LAB')).toEqual(['BUSINESS_FUNCTION_ADDED']);
  });

  it('loads approver groups and the approval policy, and changes nothing when run again', async () => {
    const admin = await tokenFor({ groups: ['admin'], businessFunction: 'STRATEGY' });
    const demo = (await call('GET', '/policies/approval', { token: admin })).body.document;
    const leads = {
      name: 'ZSEED_LEADS',
      members: [
        { name: 'Lead One', email: 'lead.one@pharma.example' },
        { name: 'Lead Two', email: 'lead.two@pharma.example' },
      ],
    };
    // Only this file's business function meets the new rule: the demo policy holds for the rest.
    const policy = {
      ...demo,
      rules: [
        {
          name: 'Seeded quality work',
          when: { businessFunctions: ['ZSEED_QA'] },
          steps: [{ approver: { kind: 'GROUP', group: 'ZSEED_LEADS' } }],
        },
        ...demo.rules,
      ],
    };
    const file = seedFile('policy.json', { approverGroups: [leads], approvalPolicy: policy });
    try {
      const first = await seed(file);

      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toContain('approver groups: 1 created, 0 changed, 0 unchanged');
      expect(first.stdout).toContain('approval policy: 0 created, 1 changed, 0 unchanged');
      const group = await call('GET', '/approver-groups/ZSEED_LEADS', { token: admin });
      expect(group.body.members).toEqual(leads.members);
      const published = await call('GET', '/policies/approval', { token: admin });
      expect(published.body.document.rules[0].name).toBe('Seeded quality work');

      const second = await seed(file);

      expect(second.code, second.stderr).toBe(0);
      expect(second.stdout).toContain('approver groups: 0 created, 0 changed, 1 unchanged');
      expect(second.stdout).toContain('approval policy: 0 created, 0 changed, 1 unchanged');
      expect(second.stdout).toContain('Nothing changed');
      const versions = await call('GET', '/policies/approval/versions', { token: admin });
      expect(versions.body.items[0].version).toBe(published.body.version);
    } finally {
      // Other test files rely on the demo policy: seed it back.
      const restored = await seed(seedFile('demo-policy.json', { approvalPolicy: demo }));
      expect(restored.code, restored.stderr).toBe(0);
    }
  });

  it('loads internal capabilities, replaces an edited one, and changes nothing when run again', async () => {
    const reader = await tokenFor({ groups: ['requester'], businessFunction: 'QA' });
    const desk = {
      id: 'ZSEED_DESK',
      name: 'Seeded writing desk',
      owner: { name: 'Desk Lead', email: 'desk.lead@pharma.example' },
      categories: ['REGULATORY'],
    };

    const first = await seed(seedFile('capabilities.json', { internalCapabilities: [desk] }));
    const again = await seed(seedFile('capabilities.json', { internalCapabilities: [desk] }));
    const edited = await seed(
      seedFile('capabilities.json', {
        internalCapabilities: [{ ...desk, categories: ['REGULATORY', 'QUALITY_SYSTEMS'] }],
      }),
    );

    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('internal capabilities: 1 created, 0 changed, 0 unchanged');
    expect(again.stdout).toContain('internal capabilities: 0 created, 0 changed, 1 unchanged');
    expect(edited.stdout).toContain('internal capabilities: 0 created, 1 changed, 0 unchanged');
    const stored = await call('GET', '/internal-capabilities/ZSEED_DESK', { token: reader });
    expect(stored.body).toMatchObject({ categories: ['REGULATORY', 'QUALITY_SYSTEMS'], version: 2 });
  });

  it('loads holiday calendars, replaces an edited one, and changes nothing when run again', async () => {
    // 2099: a year nobody else's approvals reach.
    const calendar = { year: '2099', holidays: [{ date: '2099-01-01', name: "New Year's Day" }] };
    const edited = {
      ...calendar,
      holidays: [...calendar.holidays, { date: '2099-12-25', name: 'Christmas Day' }],
    };

    const first = await seed(seedFile('holidays.json', { holidayCalendars: [calendar] }));
    const again = await seed(seedFile('holidays.json', { holidayCalendars: [calendar] }));
    const changed = await seed(seedFile('holidays.json', { holidayCalendars: [edited] }));

    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('holiday calendars: 1 created, 0 changed, 0 unchanged');
    expect(again.stdout).toContain('holiday calendars: 0 created, 0 changed, 1 unchanged');
    expect(changed.stdout).toContain('holiday calendars: 0 created, 1 changed, 0 unchanged');
    const reader = await tokenFor({ groups: ['requester'], businessFunction: 'QA' });
    const stored = await call('GET', '/holiday-calendars/2099', { token: reader });
    expect(stored.body).toMatchObject({ holidays: edited.holidays, version: 2 });
  });

  it('writes nothing from a file with problems, and names every one of them', async () => {
    const file = seedFile('invalid.json', {
      businessFunctions: [
        { ...lab, name: 'Renamed, but never written' },
        { code: 'zseed bad', name: 'Bad', head: { name: 'No Email' } },
        lab,
      ],
      triageRules: [],
    });

    const result = await seed(file);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('is not valid reference data; nothing was written');
    expect(result.stderr).toContain('businessFunctions.1.code:');
    expect(result.stderr).toContain('businessFunctions.1.head.email:');
    expect(result.stderr).toContain('businessFunctions.2: ZSEED_LAB is listed twice');
    expect(result.stderr).toContain('triageRules: Unknown field.');
    expect((await businessFunction('ZSEED_LAB')).name).toBe(lab.name);
  });

  it('says so when the stack does not exist', async () => {
    const result = await seed(seedFile('first.json', { businessFunctions: [lab] }), 'NoSuchStack');

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'Cannot read the outputs of stack NoSuchStack: Stack with id NoSuchStack does not exist',
    );
  });
});
