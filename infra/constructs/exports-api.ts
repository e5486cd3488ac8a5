import { Duration } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { EXPORTS_TTL_ATTRIBUTE } from '../../functions/exports/export-keys.js';
import { exportRoutes } from '../../functions/exports/routes.js';
import type { AppConfig } from '../config.js';
import type { ConsultancyHttpApi } from './consultancy-http-api.js';
import { type DataTables, stateTable } from './data-tables.js';
import { DeploymentPolicy } from './deployment-policy.js';
import { ExportsJobs } from './exports-job.js';
import type { HandlerFunction } from './handler-function.js';
import { addRoutes } from './route-access.js';

/** How long an export file is kept: long enough to download again, short enough not to pile up. */
const EXPORT_RETENTION_DAYS = 7;
/** Access logs are evidence of who downloaded what: kept a year. */
const ACCESS_LOG_RETENTION_DAYS = 365;

/**
 * What exports keep, in the parent stack with the other stateful resources: the private bucket
 * export files go to (objects expire; nothing is public; only TLS; every access is logged) and
 * the Exports table of export jobs. Made as `Exports` in the parent, with the paths these had
 * in ExportsApi, so their logical ids (and the data) stay.
 */
export class ExportsStorage extends Construct {
  readonly bucket: Bucket;
  /** Export jobs, the daily export's pointers, POST /exports' idempotency records. */
  readonly jobsTable: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const policy = DeploymentPolicy.of(this);
    // Server access logs: who read or wrote which export. S3 delivers them only to an
    // SSE-S3 bucket, which cannot log to itself.
    const accessLogs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(ACCESS_LOG_RETENTION_DAYS) }],
      removalPolicy: policy.removalPolicy,
    });
    NagSuppressions.addResourceSuppressions(accessLogs, [
      {
        id: 'AwsSolutions-S1',
        reason: 'This bucket holds the exports bucket’s access logs: it cannot log to itself.',
      },
    ]);
    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      ...(policy.key
        ? { encryption: BucketEncryption.KMS, encryptionKey: policy.key, bucketKeyEnabled: true }
        : { encryption: BucketEncryption.S3_MANAGED }),
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: false,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'exports/',
      lifecycleRules: [
        {
          id: 'expire-exports',
          expiration: Duration.days(EXPORT_RETENTION_DAYS),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy: policy.removalPolicy,
    });
    // `Jobs/Table`: the path it had under ExportsJobs.
    this.jobsTable = stateTable(new Construct(this, 'Jobs'), 'Table', EXPORTS_TTL_ATTRIBUTE);
    this.jobsTable.node.addMetadata(
      'description',
      'Export jobs, the daily export pointers, idempotency records',
    );
  }
}

/**
 * Finance's downloads: the export Lambdas stream files into the exports bucket and hand out
 * presigned links. Export jobs (POST /exports, the daily export) are in exports-job.ts.
 */
export class ExportsApi extends Construct {
  readonly bucket: Bucket;
  readonly jobs: ExportsJobs;

  constructor(
    scope: Construct,
    id: string,
    props: { api: ConsultancyHttpApi; data: DataTables; storage: ExportsStorage; config: AppConfig },
  ) {
    super(scope, id);
    this.bucket = props.storage.bucket;
    this.jobs = new ExportsJobs(this, 'Jobs', {
      data: props.data,
      bucket: this.bucket,
      table: props.storage.jobsTable,
      config: props.config,
    });
    addRoutes(this, props.api, exportRoutes, { data: props.data, exports: this });
  }

  /** A route's access to exports (RouteAccess['exports']), environment and IAM together. */
  grant(handler: HandlerFunction, level: 'write' | 'start' | 'read' | 'report'): void {
    // write: GET /exports/spend writes under spend/ and signs its link (read under spend/).
    if (level === 'write') {
      this.jobs.grantFiles(
        handler,
        this.bucket,
        ['s3:PutObject', 's3:AbortMultipartUpload', 's3:GetObject'],
        ['spend'],
      );
    }
    if (level === 'start') this.jobs.grantStart(handler);
    // read: a job's download link is signed by this role, for the files jobs write.
    if (level === 'read') {
      this.jobs.grantTable(handler);
      this.jobs.grantFiles(handler, this.bucket, ['s3:GetObject'], ['exports', 'scheduled']);
    }
    // report: the portfolio page, written whole under reports/ and read through a signed link.
    if (level === 'report')
      this.jobs.grantFiles(handler, this.bucket, ['s3:PutObject', 's3:GetObject'], ['reports']);
  }
}
