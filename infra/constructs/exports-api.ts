import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { exportRoutes } from '../../functions/exports/routes.js';
import type { ConsultancyHttpApi } from './consultancy-http-api.js';
import type { DataTables } from './data-tables.js';
import type { HandlerFunction } from './handler-function.js';
import { addRoutes } from './route-access.js';

/** How long an export file is kept: long enough to download again, short enough not to pile up. */
const EXPORT_RETENTION_DAYS = 7;

/**
 * Finance's downloads: the export Lambda streams the file into a private bucket and hands out a
 * presigned link. Objects expire; nothing is public; only TLS.
 */
export class ExportsApi extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: { api: ConsultancyHttpApi; data: DataTables }) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: false,
      lifecycleRules: [
        {
          id: 'expire-exports',
          expiration: Duration.days(EXPORT_RETENTION_DAYS),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    NagSuppressions.addResourceSuppressions(this.bucket, [
      {
        id: 'AwsSolutions-S1',
        reason: `Exports are transient files (expire after ${EXPORT_RETENTION_DAYS} days) written by one Lambda and read through presigned links it issues; the API's access log records who asked for each.`,
      },
    ]);

    const grantWrite = (handler: HandlerFunction) => {
      handler.addEnvironment('EXPORTS_BUCKET_NAME', this.bucket.bucketName);
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
