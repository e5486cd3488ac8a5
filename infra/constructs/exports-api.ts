import { Duration } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { exportRoutes } from '../../functions/exports/routes.js';
import type { ConsultancyHttpApi } from './consultancy-http-api.js';
import type { DataTables } from './data-tables.js';
import { DeploymentPolicy } from './deployment-policy.js';
import type { HandlerFunction } from './handler-function.js';
import { addRoutes } from './route-access.js';

/** How long an export file is kept: long enough to download again, short enough not to pile up. */
const EXPORT_RETENTION_DAYS = 7;
/** Access logs are evidence of who downloaded what: kept a year. */
const ACCESS_LOG_RETENTION_DAYS = 365;

/**
 * Finance's downloads: the export Lambda streams the file into a private bucket and hands out a
 * presigned link. Objects expire; nothing is public; only TLS; every access is logged.
 */
export class ExportsApi extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: { api: ConsultancyHttpApi; data: DataTables }) {
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

    const grantWrite = (handler: HandlerFunction) => {
      handler.addEnvironment('EXPORTS_BUCKET_NAME', this.bucket.bucketName);
      // Writing (multipart too) and the presigned read need the bucket's key, if it has its own.
      policy.grantKey(handler, 'write');
      // Write (single or multipart, abort on failure) and read (the presigned link is signed by
      // this role) under spend/ only.
      handler.addToRolePolicy(
        new PolicyStatement({
          actions: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:GetObject'],
          resources: [this.bucket.arnForObjects('spend/*')],
        }),
      );
      NagSuppressions.addResourceSuppressions(
        handler,
        [
          {
            id: 'AwsSolutions-IAM5',
            reason:
              'Each export is a new object under spend/ of the exports bucket; the wildcard is that prefix only.',
            appliesTo: [{ regex: '/^Resource::<ExportsBucket.+\\.Arn>/spend/\\*$/g' }],
          },
        ],
        true,
      );
    };
    addRoutes(this, props.api, exportRoutes, { data: props.data, exports: { grantWrite } });
  }
}
