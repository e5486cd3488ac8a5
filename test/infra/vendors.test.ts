import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRoutes } from '../../functions/platform/api.js';
import { vendorRoutes } from '../../functions/vendors/routes.js';
import { DIGEST_MARKER_PREFIX } from '../../functions/vendors/vendor-keys.js';
import { CONTRACT_DIGEST_ENTRY } from '../../infra/constructs/contract-digest-job.js';
import { ENTRY_METADATA_KEY, PROJECT_ROOT } from '../../infra/constructs/handler-function.js';
import { actionsOf, type Json, type Statement, synthesizedTemplate } from './synthesized.js';

let synthesized: ReturnType<typeof synthesizedTemplate>;
let template: Template;

beforeAll(() => {
  synthesized = synthesizedTemplate();
  template = synthesized.template;
});

afterAll(() => synthesized.cleanup());

const cdkContext = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')).context;
const resourcesOf = (type: string): Record<string, Json> => template.findResources(type);
const statementsOf = (fn: Json): Statement[] => synthesized.statementsOf(fn);

function functionFor(entry: string): [string, Json] {
  const matches = Object.entries(resourcesOf('AWS::Lambda::Function')).filter(
    ([, fn]) => fn.Metadata?.[ENTRY_METADATA_KEY] === entry,
  );
  expect(matches, entry).toHaveLength(1);
  return matches[0]!;
}

const entryOf = (operationId: string) => allRoutes.find((route) => route.operationId === operationId)!.entry;

/** The actions a function may take on one table (by the table's logical id). */
function actionsOn(fn: Json, tableId: string): string[] {
  return statementsOf(fn)
    .filter((statement) => JSON.stringify(statement.Resource).includes(`"${tableId}"`))
    .flatMap(actionsOf)
    .sort();
}

function vendorsTableId(): string {
  const [id] = Object.keys(resourcesOf('AWS::DynamoDB::Table')).filter((name) =>
    name.startsWith('DataVendors'),
  );
  return id!;
}

const auditTableId = () =>
  Object.keys(resourcesOf('AWS::DynamoDB::Table')).find((name) => name.startsWith('DataAuditEvents'))!;
const requestsTableId = () =>
  Object.keys(resourcesOf('AWS::DynamoDB::Table')).find((name) => name.startsWith('DataRequests'))!;

const READ = ['dynamodb:BatchGetItem', 'dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:Query'];

describe('the Vendors table', () => {
  it('has a name-ordered sparse index per list filter and an expiry index for contracts', () => {
    const table = resourcesOf('AWS::DynamoDB::Table')[vendorsTableId()];
    const indexes = Object.fromEntries(
      table.Properties.GlobalSecondaryIndexes.map((index: Json) => [
        index.IndexName,
        [
          index.KeySchema.map((key: Json) => `${key.KeyType}:${key.AttributeName}`),
          index.Projection.ProjectionType,
        ],
      ]),
    );

    expect(indexes).toEqual({
      byName: [['HASH:entity', 'RANGE:sortName'], 'ALL'],
      byStatus: [['HASH:status', 'RANGE:sortName'], 'ALL'],
      byCapability: [['HASH:capability', 'RANGE:sortName'], 'ALL'],
      byExpiry: [['HASH:expiryPartition', 'RANGE:expirySort'], 'ALL'],
    });
  });

  it('expires digest markers and idempotency records through TTL on expiresAt', () => {
    const table = resourcesOf('AWS::DynamoDB::Table')[vendorsTableId()];

    expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
  });
});

describe('vendor route grants', () => {
  const writers = [
    'createVendor',
    'updateVendor',
    'changeVendorStatus',
    'addVendorContract',
    'addVendorRate',
    'addVendorReview',
  ];
  const readers = vendorRoutes.map((route) => route.operationId).filter((id) => !writers.includes(id));

  it.each(readers)('lets %s only read the Vendors table, and write nothing anywhere', (operationId) => {
    const [, fn] = functionFor(entryOf(operationId));

    expect(actionsOn(fn, vendorsTableId())).toEqual(READ);
    expect(fn.Properties.Environment.Variables.VENDORS_TABLE_NAME).toEqual({ Ref: vendorsTableId() });
    const actions = statementsOf(fn).flatMap((statement) => [statement.Action].flat());
    expect(actions).not.toContain('dynamodb:PutItem');
  });

  it.each(writers)(
    'lets %s put and condition-check vendor items and only append audit events',
    (operationId) => {
      const [, fn] = functionFor(entryOf(operationId));

      expect(actionsOn(fn, vendorsTableId())).toEqual(
        [...READ, 'dynamodb:ConditionCheckItem', 'dynamodb:PutItem'].sort(),
      );
      expect(actionsOn(fn, auditTableId())).toEqual(['dynamodb:PutItem']);
    },
  );

  it('lets the history route read the audit table', () => {
    const [, fn] = functionFor(entryOf('getVendorHistory'));

    expect(actionsOn(fn, auditTableId())).toEqual(READ);
  });

  it('lets addVendorReview read requests (to check requestId) and only addVendorReview among vendor routes', () => {
    const withRequests = vendorRoutes.filter(
      (route) => actionsOn(functionFor(route.entry)[1], requestsTableId()).length > 0,
    );

    expect(withRequests.map((route) => route.operationId)).toEqual(['addVendorReview']);
    expect(actionsOn(functionFor(entryOf('addVendorReview'))[1], requestsTableId())).toEqual(READ);
  });

  it('lets submitRequest read (only read) the Vendors table for the preferred vendor', () => {
    const [, fn] = functionFor(entryOf('submitRequest'));

    expect(actionsOn(fn, vendorsTableId())).toEqual(READ);
  });
});

/** The schedules that invoke the given function (the daily export has its own). */
const digestSchedules = (functionId: string) =>
  Object.values(resourcesOf('AWS::Scheduler::Schedule')).filter(
    (schedule) => schedule.Properties.Target.Arn['Fn::GetAtt']?.[0] === functionId,
  );

describe('the contract digest job', () => {
  it('runs daily at 06:00 UTC on an EventBridge Scheduler schedule that invokes the digest function', () => {
    const [functionId] = functionFor(CONTRACT_DIGEST_ENTRY);
    const schedules = digestSchedules(functionId);

    expect(schedules).toHaveLength(1);
    expect(schedules[0].Properties).toMatchObject({
      ScheduleExpression: 'cron(0 6 * * ? *)',
      ScheduleExpressionTimezone: 'Etc/UTC',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: { 'Fn::GetAtt': [functionId, 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 6 * 3600 },
      },
    });
  });

  it('gives the scheduler a role of its own that may invoke only the digest function and send to its dead-letter queue', () => {
    const [functionId] = functionFor(CONTRACT_DIGEST_ENTRY);
    const [schedule] = digestSchedules(functionId);
    const roleId = schedule.Properties.Target.RoleArn['Fn::GetAtt'][0] as string;
    const role = resourcesOf('AWS::IAM::Role')[roleId];
    const statements = Object.values(resourcesOf('AWS::IAM::Policy'))
      .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(`"${roleId}"`))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);

    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({ Principal: { Service: 'scheduler.amazonaws.com' } }),
    ]);
    const [invoke, deadLetter, ...others] = statements;
    expect(others).toEqual([]);
    expect(invoke!.Action).toBe('lambda:InvokeFunction');
    expect(JSON.stringify(invoke!.Resource)).toContain(`"${functionId}"`);
    expect(JSON.stringify(invoke!.Resource).match(/"Fn::GetAtt"/g)).toHaveLength(2);
    // Events it gives up on go to the job's dead-letter queue, and only there.
    expect(deadLetter!.Action).toBe('sqs:SendMessage');
    expect(deadLetter!.Resource).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^ContractDigestDeadLettersQueue/), 'Arn'],
    });
  });

  it('lets the digest function read vendors, write digest markers and send email, and touch no audit events', () => {
    const [, fn] = functionFor(CONTRACT_DIGEST_ENTRY);
    const variables = fn.Properties.Environment.Variables;

    expect(actionsOn(fn, vendorsTableId())).toEqual([...READ, 'dynamodb:PutItem'].sort());
    expect(actionsOn(fn, auditTableId())).toEqual([]);
    expect(statementsOf(fn).find((statement) => statement.Action === 'ses:SendEmail')).toMatchObject({
      Condition: { StringEquals: { 'ses:FromAddress': cdkContext['techops:emailSender'] } },
    });
    expect(variables).toMatchObject({
      EMAIL_SENDER: cdkContext['techops:emailSender'],
      PUBLIC_BASE_URL: cdkContext['techops:publicBaseUrl'],
      VENDORS_TABLE_NAME: { Ref: vendorsTableId() },
    });
    expect(fn.Properties.Timeout).toBe(120);
  });

  it('lets the digest function write only items in the digest marker partitions', () => {
    const [, fn] = functionFor(CONTRACT_DIGEST_ENTRY);

    const writes = statementsOf(fn).filter(
      (statement) =>
        JSON.stringify(statement.Resource).includes(`"${vendorsTableId()}"`) &&
        actionsOf(statement).some((action) => !READ.includes(action)),
    );

    expect(writes).toEqual([
      expect.objectContaining({
        Action: 'dynamodb:PutItem',
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${DIGEST_MARKER_PREFIX}*`] } },
      }),
    ]);
  });
});
