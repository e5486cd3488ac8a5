import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build-app.js';
import { PROJECT_ROOT } from '../../infra/constructs/handler-function.js';
import { type Resource, synthesizedTemplate } from './synthesized.js';

const cdkContext: Record<string, unknown> = JSON.parse(
  readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8'),
).context;

/** Settings a real production deployment would pass with -c. */
const REAL_SETTINGS = {
  'techops:jwtIssuer': 'https://login.microsoftonline.com/3f1c2b0e-0000-4000-8000-000000000001/v2.0',
  'techops:jwtAudience': 'api://techops-consultancy',
  'techops:emailSender': 'consultancy@pharma.com',
  'techops:publicBaseUrl': 'https://consultancy.pharma.com',
  'techops:triagers': '[{"name":"Claire Dubois","email":"claire.dubois@pharma.com"}]',
  'techops:portfolioDigestRecipients': '[{"name":"Sam Strategy","email":"sam.strategy@pharma.com"}]',
};

/** The error synthesis stops with, for the given context over cdk.json's. */
function synthesisError(overrides: Record<string, unknown>): string {
  try {
    buildApp({ context: { ...cdkContext, 'aws:cdk:bundling-stacks': [], ...overrides } });
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('synthesis did not fail');
}

describe('an environment other than dev', () => {
  it('refuses to synthesize with the placeholders of cdk.json, naming each of them', () => {
    const message = synthesisError({ 'techops:environment': 'prod' });

    expect(message).toContain('The prod environment still has placeholder settings');
    expect(message).toContain('techops:jwtIssuer: https://auth.techops.local/dev is a placeholder');
    expect(message).toContain('techops:jwtAudience: techops-consultancy-api is the placeholder audience');
    expect(message).toContain('techops:emailSender: consultancy-noreply@techops.example is a placeholder');
    expect(message).toContain('techops:publicBaseUrl: http://127.0.0.1:3000 is a placeholder');
    expect(message).toContain(
      'techops:triagers: claire.dubois@techops.example, jonas.weber@techops.example are placeholders',
    );
    expect(message).toContain(
      'techops:portfolioDigestRecipients: sam.strategy@techops.example is a placeholder: name who gets the portfolio digest',
    );
  });

  it.each([
    ['techops:jwtIssuer', 'http://login.pharma.com/oauth2/default'],
    ['techops:jwtIssuer', 'https://localhost:8443/realms/techops'],
    ['techops:jwtAudience', 'techops-cli, techops-consultancy-api'],
    ['techops:emailSender', 'noreply@consultancy.test'],
    ['techops:publicBaseUrl', 'http://consultancy.pharma.com'],
    ['techops:publicBaseUrl', 'https://consultancy.example.com'],
    ['techops:triagers', '[{"name":"Test","email":"triage@consultancy.test"}]'],
    ['techops:portfolioDigestRecipients', '[{"name":"Test","email":"digest@consultancy.test"}]'],
  ])('names %s = %s as the one placeholder left', (key, value) => {
    const message = synthesisError({ ...REAL_SETTINGS, 'techops:environment': 'staging', [key]: value });

    expect(message.split('\n').filter((line) => line.startsWith('  - '))).toEqual([
      expect.stringMatching(new RegExp(`^  - ${key}: `)),
    ]);
  });

  it('says what the triagers setting looks like', () => {
    expect(synthesisError({ 'techops:triagers': '[{"name":"No email"}]' })).toBe(
      'CDK context techops:triagers must be a non-empty list of {"name", "email"} (who triages requests)',
    );
  });

  it('says what an environment name looks like', () => {
    expect(synthesisError({ 'techops:environment': 'Prod EU' })).toBe(
      'CDK context techops:environment must be a name such as dev or prod',
    );
  });
});

describe('prod, with a customer-managed key', () => {
  let built: ReturnType<typeof synthesizedTemplate>;
  beforeAll(() => {
    built = synthesizedTemplate({
      ...REAL_SETTINGS,
      'techops:environment': 'prod',
      'techops:customerManagedKey': true,
    });
  });
  afterAll(() => built.cleanup());

  const keyRef = () => {
    const keys = Object.keys(built.resourcesOf('AWS::KMS::Key'));
    expect(keys).toHaveLength(1);
    return { 'Fn::GetAtt': [keys[0], 'Arn'] };
  };

  it('synthesizes with real-looking settings and cdk-nag finds nothing', () => {
    expect(built.nagFindings()).toEqual([]);
  });

  it('retains its tables (deletion-protected), buckets, log groups and the key with the stack', () => {
    const stateful: [string, Resource][] = [
      ...Object.entries(built.resourcesOf('AWS::DynamoDB::Table')),
      ...Object.entries(built.resourcesOf('AWS::S3::Bucket')),
      ...Object.entries(built.resourcesOf('AWS::Logs::LogGroup')),
      ...Object.entries(built.resourcesOf('AWS::KMS::Key')),
    ];

    expect(stateful.length).toBeGreaterThan(10);
    for (const [id, resource] of stateful) {
      expect(resource.DeletionPolicy, id).toBe('Retain');
      expect(resource.UpdateReplacePolicy, id).toBe('Retain');
    }
    for (const [id, table] of Object.entries(built.resourcesOf('AWS::DynamoDB::Table'))) {
      expect(table.Properties.DeletionProtectionEnabled, id).toBe(true);
    }
  });

  it('keeps Lambda logs three months and the API and workflow logs a year', () => {
    const retention = Object.entries(built.resourcesOf('AWS::Logs::LogGroup')).map(([id, group]) => [
      id.replace(/[0-9A-F]{8}$/, ''),
      group.Properties.RetentionInDays,
    ]);

    expect(retention).toEqual(
      expect.arrayContaining([
        ['ApiAccessLogs', 365],
        ['ApprovalWorkflowExecutionLogs', 365],
      ]),
    );
    for (const [id, days] of retention) {
      if (id !== 'ApiAccessLogs' && id !== 'ApprovalWorkflowExecutionLogs') expect(days, id).toBe(90);
    }
  });

  it('encrypts every table, log group, the exports bucket and the ops topic with the key, which rotates', () => {
    const key = keyRef();

    expect(Object.values(built.resourcesOf('AWS::KMS::Key'))[0]?.Properties.EnableKeyRotation).toBe(true);
    for (const [id, table] of Object.entries(built.resourcesOf('AWS::DynamoDB::Table'))) {
      expect(table.Properties.SSESpecification, id).toEqual({
        SSEEnabled: true,
        SSEType: 'KMS',
        KMSMasterKeyId: key,
      });
    }
    for (const [id, group] of Object.entries(built.resourcesOf('AWS::Logs::LogGroup'))) {
      expect(group.Properties.KmsKeyId, id).toEqual(key);
    }
    const [, exportsBucket] = Object.entries(built.resourcesOf('AWS::S3::Bucket')).find(([id]) =>
      id.startsWith('ExportsBucket'),
    )!;
    expect(exportsBucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
      {
        BucketKeyEnabled: true,
        ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key },
      },
    ]);
    const [topic] = Object.values(built.resourcesOf('AWS::SNS::Topic'));
    expect(topic?.Properties.KmsMasterKeyId).toEqual(key);
  });

  it('lets CloudWatch Logs and CloudWatch alarms use the key, and each Lambda only for what it touches', () => {
    const [keyResource] = Object.values(built.resourcesOf('AWS::KMS::Key')) as Resource[];
    const services = (keyResource!.Properties.KeyPolicy.Statement as Resource[]).map((statement) =>
      JSON.stringify(statement.Principal.Service ?? null),
    );
    const [, listBusinessFunctions] = Object.entries(built.resourcesOf('AWS::Lambda::Function')).find(
      ([id]) => id.startsWith('ReferenceDatalistBusinessFunctions'),
    )!;
    const [, submitRequest] = Object.entries(built.resourcesOf('AWS::Lambda::Function')).find(([id]) =>
      id.startsWith('RequestssubmitRequest'),
    )!;
    const [, exportJob] = Object.entries(built.resourcesOf('AWS::Lambda::Function')).find(([id]) =>
      id.startsWith('ExportsJobsJobHandler'),
    )!;
    const keyActionsOf = (fn: Resource) =>
      built
        .statementsOf(fn)
        .filter((statement) => JSON.stringify(statement.Resource) === JSON.stringify(keyRef()))
        .flatMap((statement) => [statement.Action].flat())
        .sort();

    expect(services).toContain('"cloudwatch.amazonaws.com"');
    expect(services).toContain(
      JSON.stringify({ 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] }),
    );
    expect(keyActionsOf(listBusinessFunctions)).toEqual(['kms:Decrypt', 'kms:DescribeKey']);
    expect(keyActionsOf(submitRequest)).toEqual([
      'kms:Decrypt',
      'kms:DescribeKey',
      'kms:Encrypt',
      'kms:GenerateDataKey',
    ]);
    // It writes the export into the bucket and its job into the Exports table, both under the key.
    expect(keyActionsOf(exportJob)).toEqual([
      'kms:Decrypt',
      'kms:DescribeKey',
      'kms:Encrypt',
      'kms:GenerateDataKey',
    ]);
  });
});
