import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportRoutes } from '../../functions/exports/routes.js';
import {
  DAILY_EXPORT_ENTRY,
  EXPORT_JOB_ENTRY,
  EXPORT_JOB_MEMORY_MB,
  EXPORT_JOB_RETRIES,
} from '../../infra/constructs/exports-job.js';
import { ENTRY_METADATA_KEY } from '../../infra/constructs/handler-function.js';
import { actionsOf, type Resource, synthesizedTemplate } from './synthesized.js';

let built: ReturnType<typeof synthesizedTemplate>;
beforeAll(() => {
  built = synthesizedTemplate();
});
afterAll(() => built.cleanup());

/** A function by handler module: its logical id and resource. */
function functionFor(entry: string): [string, Resource] {
  const matches = Object.entries(built.resourcesOf('AWS::Lambda::Function')).filter(
    ([, fn]) => fn.Metadata?.[ENTRY_METADATA_KEY] === entry,
  );
  expect(matches).toHaveLength(1);
  return matches[0]!;
}
const routeFunction = (operationId: string) =>
  built.functionOf(exportRoutes.find((route) => route.operationId === operationId)!);
/** Alarms on a queue's depth (OperationsAlarms makes one per DeadLetterQueue). */
const depthAlarmsOn = (queueId: string) =>
  Object.values(built.resourcesOf('AWS::CloudWatch::Alarm')).filter(
    (alarm) =>
      alarm.Properties.MetricName === 'ApproximateNumberOfMessagesVisible' &&
      JSON.stringify(alarm.Properties.Dimensions).includes(`"${queueId}"`),
  );
const exportsTableId = () =>
  Object.keys(built.resourcesOf('AWS::DynamoDB::Table')).find((id) => id.startsWith('ExportsJobsTable'))!;

/** Per resource the function's statements name (a table, queue, function, by logical id), its actions. */
function actionsOn(fn: Resource, logicalId: string): string[] {
  return [
    ...new Set(
      built
        .statementsOf(fn)
        .filter((statement) => JSON.stringify(statement.Resource).includes(`"${logicalId}"`))
        .flatMap(actionsOf),
    ),
  ].sort();
}

describe('the export job Lambda', () => {
  it('runs up to 15 minutes with 1 GB (sized for 1,000,000 rows), arm64 Node.js 22', () => {
    for (const entry of [EXPORT_JOB_ENTRY, DAILY_EXPORT_ENTRY]) {
      const [, fn] = functionFor(entry);

      expect(fn.Properties).toMatchObject({
        Timeout: 900,
        MemorySize: EXPORT_JOB_MEMORY_MB,
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
      });
    }
  });

  it('retries a failed asynchronous invocation twice, then keeps it in an encrypted, alarmed dead-letter queue', () => {
    const queues = built.resourcesOf('AWS::SQS::Queue');
    for (const entry of [EXPORT_JOB_ENTRY, DAILY_EXPORT_ENTRY]) {
      const [id, fn] = functionFor(entry);
      const configs = Object.values(built.resourcesOf('AWS::Lambda::EventInvokeConfig')).filter(
        (config) => config.Properties.FunctionName.Ref === id,
      );

      expect(configs).toHaveLength(1);
      expect(configs[0]!.Properties).toMatchObject({
        MaximumRetryAttempts: EXPORT_JOB_RETRIES,
        MaximumEventAgeInSeconds: 6 * 3600,
      });
      const queueId = configs[0]!.Properties.DestinationConfig.OnFailure.Destination[
        'Fn::GetAtt'
      ][0] as string;
      expect(queues[queueId]?.Properties).toMatchObject({ SqsManagedSseEnabled: true });
      expect(actionsOn(fn, queueId)).toContain('sqs:SendMessage');
      expect(depthAlarmsOn(queueId)).toHaveLength(1);
    }
  });

  it('may read the ledger and vendors, keep export jobs and nothing else in DynamoDB', () => {
    const [, fn] = functionFor(EXPORT_JOB_ENTRY);
    const tables = Object.keys(built.resourcesOf('AWS::DynamoDB::Table')).filter(
      (id) => actionsOn(fn, id).length > 0,
    );

    expect(tables.map((id) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(
      ['DataBudgets', 'DataVendors', 'ExportsJobsTable'].sort(),
    );
    expect(actionsOn(fn, exportsTableId())).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
    expect(actionsOn(fn, tables.find((id) => id.startsWith('DataBudgets'))!)).not.toContain(
      'dynamodb:PutItem',
    );
  });
});

describe('the export routes', () => {
  it('lets POST /exports and /rerun invoke the export job function and no other', () => {
    const [jobId] = functionFor(EXPORT_JOB_ENTRY);
    for (const operationId of ['createExport', 'rerunExport']) {
      const fn = routeFunction(operationId);
      const invoking = built
        .statementsOf(fn)
        .filter((statement) => actionsOf(statement).includes('lambda:InvokeFunction'));

      expect(invoking).toHaveLength(1);
      expect(JSON.stringify(invoking[0]!.Resource).match(/"Fn::GetAtt":\["([^"]+)"/g)).toEqual([
        `"Fn::GetAtt":["${jobId}"`,
        `"Fn::GetAtt":["${jobId}"`,
      ]);
      expect(fn.Properties.Environment.Variables.EXPORT_JOB_FUNCTION_NAME).toEqual({ Ref: jobId });
    }
  });

  it('lets GET /exports/{id} only read export jobs', () => {
    expect(actionsOn(routeFunction('getExport'), exportsTableId())).toEqual(['dynamodb:GetItem']);
  });
});

describe('the daily spend export', () => {
  it('runs at 05:00 UTC on an EventBridge Scheduler schedule, retried, with a dead-letter queue', () => {
    const [functionId] = functionFor(DAILY_EXPORT_ENTRY);
    const queueId = Object.keys(built.resourcesOf('AWS::SQS::Queue')).find((id) =>
      id.startsWith('ExportsJobsDailyFailures'),
    );
    const schedules = Object.values(built.resourcesOf('AWS::Scheduler::Schedule')).filter(
      (schedule) => schedule.Properties.Target.Arn['Fn::GetAtt']?.[0] === functionId,
    );

    expect(schedules).toHaveLength(1);
    expect(schedules[0]!.Properties).toMatchObject({
      ScheduleExpression: 'cron(0 5 * * ? *)',
      ScheduleExpressionTimezone: 'Etc/UTC',
      State: 'ENABLED',
      Target: {
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 6 * 3600 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
      },
    });
  });

  it('alarms the ops topic when it fails twice in a day', () => {
    const [functionId] = functionFor(DAILY_EXPORT_ENTRY);
    const alarms = Object.values(built.resourcesOf('AWS::CloudWatch::Alarm')).filter((alarm) =>
      JSON.stringify(alarm.Properties.Dimensions ?? []).includes(`"${functionId}"`),
    );

    expect(alarms).toHaveLength(1);
    expect(alarms[0]!.Properties).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Statistic: 'Sum',
      Period: 86_400,
      EvaluationPeriods: 1,
      Threshold: 2,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    const topic = { Ref: Object.keys(built.resourcesOf('AWS::SNS::Topic'))[0] };
    expect(alarms[0]!.Properties.AlarmActions).toEqual([topic]);
    expect(alarms[0]!.Properties.OKActions).toEqual([topic]);
  });

  it('keeps export jobs in a backed-up table whose idempotency records expire (dev may delete it with the stack)', () => {
    const table = built.resourcesOf('AWS::DynamoDB::Table')[exportsTableId()]!;

    // cdk.json's environment is dev; test/infra/environments.test.ts holds prod's tables to Retain.
    expect(table.DeletionPolicy).toBe('Delete');
    expect(table.Properties).toMatchObject({
      DeletionProtectionEnabled: false,
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });
});
