import { Duration } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { exportRoutes } from '../../functions/exports/routes.js';
import type { AppConfig } from '../config.js';
import type { ConsultancyHttpApi } from './consultancy-http-api.js';
import type { DataTables } from './data-tables.js';
import { DeploymentPolicy } from './deployment-policy.js';
import { ExportsJobs } from './exports-job.js';
import type { HandlerFunction } from './handler-function.js';
import { addRoutes } from './route-access.js';

/** How long an export file is kept: long enough to download again, short enough not to pile up. */
const EXPORT_RETENTION_DAYS = 7;
/** Access logs are evidence of who downloaded what: kept a year. */
const ACCESS_LOG_RETENTION_DAYS = 365;

/**
 * Finance's downloads: the export Lambdas stream files into a private bucket and hand out
 * presigned links. Objects expire; nothing is public; only TLS; every access is logged. Export
 * jobs (POST /exports, the daily export) are in exports-job.ts.
 */
export class ExportsApi extends Construct {
  readonly bucket: Bucket;
  readonly jobs: ExportsJobs;

  constructor(
    scope: Construct,
    id: string,
    props: { api: ConsultancyHttpApi; data: DataTables; config: AppConfig },
  ) {
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

    this.jobs = new ExportsJobs(this, 'Jobs', {
      data: props.data,
      bucket: this.bucket,
      config: props.config,
    });
    const grant = (handler: HandlerFunction, level: 'write' | 'start' | 'read') => {
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
    };
    addRoutes(this, props.api, exportRoutes, { data: props.data, exports: { grant } });
  }
}
