import { Duration } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Schedule } from 'aws-cdk-lib/aws-scheduler';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import type { AppConfig } from '../config.js';
import { nagArnPattern } from './capability-stack.js';
import { dailySchedule } from './daily-schedule.js';
import type { DataTables } from './data-tables.js';
import { DeadLetterQueue } from './dead-letter-queue.js';
import { DeploymentPolicy } from './deployment-policy.js';
import { HandlerFunction } from './handler-function.js';
import { OperationsAlarms } from './operations-alarms.js';

export const EXPORT_JOB_ENTRY = 'functions/exports/run-export-job.ts';
export const DAILY_EXPORT_ENTRY = 'functions/exports/daily-spend-exports.ts';

/**
 * A job writes up to 1,000,000 rows: at the 2,800-12,000 rows/s its reads allow (measured
 * locally, docs/development.md#benchmarks) that is 1.5-6 minutes; Lambda's longest timeout
 * leaves room. Memory stays flat (about 70 MB: two 500-entry pages per line, one 5 MB upload
 * part in flight), the size buys CPU for CSV and SHA-256.
 */
export const EXPORT_JOB_TIMEOUT = Duration.minutes(15);
export const EXPORT_JOB_MEMORY_MB = 1024;
/** An asynchronous invocation that fails is tried this many more times, then dead-lettered. */
export const EXPORT_JOB_RETRIES = 2;

const TABLE_READ = ['dynamodb:GetItem'];
const TABLE_WRITE = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];

/**
 * Export jobs: on the Exports table (jobs, the daily export's pointers, POST /exports'
 * idempotency records; ExportsStorage keeps it), the job Lambda that POST /exports invokes
 * asynchronously, and the daily spend export (EventBridge Scheduler at 05:00 UTC) with
 * retries, dead-letter queues (alarmed like every DeadLetterQueue) and an ops alarm when it
 * fails twice in a day.
 */
export class ExportsJobs extends Construct {
  readonly table: Table;
  readonly jobHandler: HandlerFunction;
  readonly dailyHandler: HandlerFunction;
  readonly schedule: Schedule;
  readonly jobFailures: DeadLetterQueue;
  readonly dailyFailures: DeadLetterQueue;
  readonly dailyFailedAlarm: Alarm;

  constructor(
    scope: Construct,
    id: string,
    props: { data: DataTables; bucket: Bucket; table: Table; config: AppConfig },
  ) {
    super(scope, id);
    this.table = props.table;

    this.jobHandler = new HandlerFunction(this, 'JobHandler', {
      entry: EXPORT_JOB_ENTRY,
      description: "Export job: writes one export of a fiscal year's ledger into the exports bucket",
      timeout: EXPORT_JOB_TIMEOUT,
      memorySize: EXPORT_JOB_MEMORY_MB,
    });
    this.dailyHandler = new HandlerFunction(this, 'DailyHandler', {
      entry: DAILY_EXPORT_ENTRY,
      description: 'Daily: the incremental spend export of each open fiscal year, with a manifest',
      timeout: EXPORT_JOB_TIMEOUT,
      memorySize: EXPORT_JOB_MEMORY_MB,
      environment: { FISCAL_YEAR_START_MONTH: String(props.config.fiscalYearStartMonth) },
    });
    // A job whose every retry failed is kept with its error for a look and a rerun, not dropped.
    const retries = { retryAttempts: EXPORT_JOB_RETRIES, maxEventAge: Duration.hours(6) };
    this.jobFailures = new DeadLetterQueue(this, 'JobFailures', 'the export job');
    this.jobFailures.receiveFailedInvocationsOf(this.jobHandler, retries);
    this.dailyFailures = new DeadLetterQueue(this, 'DailyFailures', 'the daily spend export');
    this.dailyFailures.receiveFailedInvocationsOf(this.dailyHandler, retries);
    // Both read the ledger and the vendors, keep their jobs, and write files under their own prefix.
    for (const [handler, prefix] of [
      [this.jobHandler, 'exports'],
      [this.dailyHandler, 'scheduled'],
    ] as const) {
      props.data.grantBudgetsRead(handler);
      props.data.grantVendorsRead(handler);
      this.grantTable(handler, TABLE_WRITE);
      this.grantFiles(handler, props.bucket, ['s3:PutObject', 's3:AbortMultipartUpload'], [prefix]);
    }

    this.schedule = dailySchedule(this, this.dailyHandler, {
      description: 'Incremental spend export of the open fiscal years, every morning',
      hourUtc: 5,
      deadLetters: this.dailyFailures,
    });
    // Fails twice: the run and Lambda's first retry both failed (the second retry may still succeed).
    this.dailyFailedAlarm = OperationsAlarms.of(this).alarm('DailySpendExportFailedTwice', {
      description:
        'The daily spend export failed twice within a day: look at its log group and its dead-letter queue.',
      metric: this.dailyHandler.metricErrors({ period: Duration.days(1), statistic: 'Sum' }),
      threshold: 2,
      // One failure that a retry mends is not worth an email: no alarm on every error.
      replaces: this.dailyHandler,
    });
  }

  /** The Exports table: its name in the environment and exactly these actions. */
  grantTable(handler: HandlerFunction, actions: string[] = TABLE_READ): void {
    handler.addEnvironment('EXPORTS_TABLE_NAME', this.table.tableName);
    this.table.grant(handler, ...actions);
    DeploymentPolicy.of(this).grantKey(
      handler,
      actions.every((action) => TABLE_READ.includes(action)) ? 'read' : 'write',
    );
  }

  /** POST /exports: record jobs (and idempotency records), and invoke the job Lambda. */
  grantStart(handler: HandlerFunction): void {
    this.grantTable(handler, ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
    handler.addEnvironment('EXPORT_JOB_FUNCTION_NAME', this.jobHandler.functionName);
    this.jobHandler.grantInvoke(handler);
    NagSuppressions.addResourceSuppressions(
      handler,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'lambda:InvokeFunction on the export job function and its versions (<function>:*): one function only.',
          appliesTo: [{ regex: '/^Resource::<ExportsJobsJobHandler.+\\.Arn>:\\*$/g' }],
        },
      ],
      true,
    );
  }

  /** The bucket's name, and these actions on objects under the given prefixes only. */
  grantFiles(handler: HandlerFunction, bucket: Bucket, actions: string[], prefixes: string[]): void {
    handler.addEnvironment('EXPORTS_BUCKET_NAME', bucket.bucketName);
    // Writing (multipart too) and reading (a presigned link) need the bucket's key, if it has its own.
    DeploymentPolicy.of(this).grantKey(handler, actions.includes('s3:PutObject') ? 'write' : 'read');
    handler.addToRolePolicy(
      new PolicyStatement({
        actions,
        resources: prefixes.map((prefix) => bucket.arnForObjects(`${prefix}/*`)),
      }),
    );
    NagSuppressions.addResourceSuppressions(
      handler,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'Each export (or report page) is a new object under its prefix of the exports bucket; the wildcard is that prefix only.',
          appliesTo: [
            {
              regex: `/^Resource::${nagArnPattern('ExportsBucket')}/(spend|exports|scheduled|reports)/\\*$/g`,
            },
          ],
        },
      ],
      true,
    );
  }
}
