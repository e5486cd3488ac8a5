import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budgetRoutes } from '../../functions/budgets/routes.js';
import { exportRoutes } from '../../functions/exports/routes.js';
import type { RouteDefinition } from '../../functions/platform/route.js';
import { reportRoutes } from '../../functions/reports/routes.js';
import { requestRoutes } from '../../functions/requests/routes.js';
import { actionsOf, type Resource, synthesizedTemplate } from './synthesized.js';

let built: ReturnType<typeof synthesizedTemplate>;
beforeAll(() => {
  built = synthesizedTemplate();
});
afterAll(() => built.cleanup());

const route = (operationId: string): RouteDefinition =>
  [...budgetRoutes, ...exportRoutes, ...reportRoutes].find(
    (candidate) => candidate.operationId === operationId,
  )!;

/** The logical id a function's environment variable refers to (a table or bucket). */
const referenceOf = (fn: Resource, variable: string) =>
  fn.Properties.Environment.Variables[variable]?.Ref as string;

/** Per table (by logical id), the actions a function may take on it. */
function accessOf(fn: Resource): Record<string, string[]> {
  const access: Record<string, string[]> = {};
  for (const statement of built.statementsOf(fn)) {
    const resources = JSON.stringify(statement.Resource);
    for (const [logicalId] of Object.entries(built.resourcesOf('AWS::DynamoDB::Table'))) {
      if (resources.includes(`"${logicalId}"`))
        access[logicalId] = [...(access[logicalId] ?? []), ...actionsOf(statement)];
    }
  }
  for (const id of Object.keys(access)) access[id] = [...new Set(access[id])].sort();
  return access;
}

const READ = ['dynamodb:BatchGetItem', 'dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:Query'];
const BUDGET_WRITE = [...READ, 'dynamodb:PutItem', 'dynamodb:UpdateItem'].sort();

describe('the Budgets table', () => {
  // Keys, billing, backups, encryption and retention are asserted for every table in stack.test.ts.
  it('needs no index (every read is a Query of one partition) and expires idempotency records', () => {
    const [, table] = Object.entries(built.resourcesOf('AWS::DynamoDB::Table')).find(([id]) =>
      id.startsWith('DataBudgets'),
    )!;

    expect(table.Properties.GlobalSecondaryIndexes).toBeUndefined();
    expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
  });
});

describe('budget grants, per handler', () => {
  it.each([
    // The budget view they answer shows each line's pipeline: the undecided requests' index.
    [
      'setBudgetEnvelope',
      { BUDGETS_TABLE_NAME: BUDGET_WRITE, REQUESTS_TABLE_NAME: READ, AUDIT_TABLE_NAME: ['dynamodb:PutItem'] },
    ],
    ['getBudget', { BUDGETS_TABLE_NAME: READ, REQUESTS_TABLE_NAME: READ }],
    ['listBudgetTransfers', { BUDGETS_TABLE_NAME: READ }],
    ['decideBudgetTransfer', { BUDGETS_TABLE_NAME: BUDGET_WRITE, AUDIT_TABLE_NAME: ['dynamodb:PutItem'] }],
    ['closeFiscalYear', { BUDGETS_TABLE_NAME: BUDGET_WRITE, AUDIT_TABLE_NAME: ['dynamodb:PutItem'] }],
    ['getBudgetHistory', { BUDGETS_TABLE_NAME: READ, AUDIT_TABLE_NAME: READ }],
    [
      'setBudgetAllocation',
      {
        BUDGETS_TABLE_NAME: BUDGET_WRITE,
        REFERENCE_TABLE_NAME: READ,
        AUDIT_TABLE_NAME: ['dynamodb:PutItem'],
      },
    ],
    [
      'transferBudget',
      {
        BUDGETS_TABLE_NAME: BUDGET_WRITE,
        REFERENCE_TABLE_NAME: READ,
        AUDIT_TABLE_NAME: ['dynamodb:PutItem'],
      },
    ],
    ['listBudgetLedger', { BUDGETS_TABLE_NAME: READ, REFERENCE_TABLE_NAME: READ }],
    [
      'recordActual',
      {
        BUDGETS_TABLE_NAME: BUDGET_WRITE,
        REQUESTS_TABLE_NAME: [...READ, 'dynamodb:ConditionCheckItem'].sort(),
        VENDORS_TABLE_NAME: READ,
      },
    ],
    ['exportSpend', { BUDGETS_TABLE_NAME: READ, REQUESTS_TABLE_NAME: READ, VENDORS_TABLE_NAME: READ }],
  ] as const)('gives %s exactly its tables and actions', (operationId, expected) => {
    const fn = built.functionOf(route(operationId));

    const access = accessOf(fn);

    expect(access).toEqual(
      Object.fromEntries(
        Object.entries(expected).map(([variable, actions]) => [
          referenceOf(fn, variable),
          [...actions].sort(),
        ]),
      ),
    );
  });
});

describe('budget reads outside budgets', () => {
  it('lets submitRequest read (only read) the Budgets table, for the headroom in its triage assessment', () => {
    const fn = built.functionOf(
      requestRoutes.find((candidate) => candidate.operationId === 'submitRequest')!,
    );

    expect(accessOf(fn)[referenceOf(fn, 'BUDGETS_TABLE_NAME')]).toEqual(READ);
  });
});

describe('the exports bucket', () => {
  const theBucket = () =>
    Object.entries(built.resourcesOf('AWS::S3::Bucket')).find(([id]) => id.startsWith('ExportsBucket')) as [
      string,
      Resource,
    ];

  it('is private, encrypted, owner-enforced and expires exports and abandoned uploads', () => {
    const [, bucket] = theBucket();

    expect(Object.keys(built.resourcesOf('AWS::S3::Bucket'))).toHaveLength(2);
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LifecycleConfiguration: {
        Rules: [
          expect.objectContaining({
            ExpirationInDays: 7,
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
            Status: 'Enabled',
          }),
        ],
      },
    });
  });

  it('refuses every request that is not over TLS', () => {
    const [bucketId] = theBucket();

    built.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('lets each export function touch it only under its own prefix: spend/, exports/, scheduled/, reports/', () => {
    const [bucketId] = theBucket();
    const prefixesOf = (fn: Resource) =>
      Object.fromEntries(
        built
          .statementsOf(fn)
          .filter((statement) => JSON.stringify(statement.Resource).includes(bucketId))
          .map((statement) => [
            actionsOf(statement).sort().join(' '),
            [statement.Resource]
              .flat()
              .map((resource: Resource) => resource['Fn::Join'][1][1])
              .sort(),
          ]),
      );
    const touching = Object.values(built.resourcesOf('AWS::Lambda::Function')).filter((fn) =>
      JSON.stringify(built.statementsOf(fn)).includes(bucketId),
    );
    const jobs = (entry: string) =>
      Object.values(built.resourcesOf('AWS::Lambda::Function')).find(
        (fn) => fn.Metadata?.['techops:entry'] === entry,
      )!;

    expect(referenceOf(built.functionOf(route('exportSpend')), 'EXPORTS_BUCKET_NAME')).toBe(bucketId);
    expect(prefixesOf(built.functionOf(route('exportSpend')))).toEqual({
      's3:AbortMultipartUpload s3:GetObject s3:PutObject': ['/spend/*'],
    });
    expect(prefixesOf(built.functionOf(route('getExport')))).toEqual({
      's3:GetObject': ['/exports/*', '/scheduled/*'],
    });
    expect(prefixesOf(jobs('functions/exports/run-export-job.ts'))).toEqual({
      's3:AbortMultipartUpload s3:PutObject': ['/exports/*'],
    });
    expect(prefixesOf(jobs('functions/exports/daily-spend-exports.ts'))).toEqual({
      's3:AbortMultipartUpload s3:PutObject': ['/scheduled/*'],
    });
    expect(prefixesOf(built.functionOf(route('getPortfolio')))).toEqual({
      's3:GetObject s3:PutObject': ['/reports/*'],
    });
    expect(touching).toHaveLength(5);
  });
});
