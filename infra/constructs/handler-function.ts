import path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { Architecture, type CfnFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import {
  LogLevel,
  NodejsFunction,
  type NodejsFunctionProps,
  OutputFormat,
} from 'aws-cdk-lib/aws-lambda-nodejs';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { NagSuppressions } from 'cdk-nag';
import type { Construct } from 'constructs';
import { DeploymentPolicy } from './deployment-policy.js';

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');

/** Template metadata naming a Lambda's handler module, so the local cloud can run the same code. */
export const ENTRY_METADATA_KEY = 'techops:entry';
/** Template metadata with a Lambda's bundling options, so the local cloud bundles it the same way. */
export const BUNDLING_METADATA_KEY = 'techops:bundling';

/**
 * The AWS SDK modules the Lambda nodejs22.x runtime provides, so bundles leave them out: the
 * SDK v3 service clients and the DynamoDB document client. Any other `@aws-sdk/*` module
 * (lib-storage, s3-request-presigner and what they pull in) is not reliably there: it is
 * bundled. test/infra/lambda-bundles.test.ts holds every bundle to this list.
 */
export const RUNTIME_PROVIDED_MODULES = ['@aws-sdk/client-*', '@aws-sdk/lib-dynamodb'];

/** How the house Lambda is bundled (esbuild, through CDK's NodejsFunction). */
export const HOUSE_BUNDLING = {
  minify: true,
  logLevel: LogLevel.WARNING,
  sourceMap: true,
  target: 'node22',
  format: OutputFormat.ESM,
  mainFields: ['module', 'main'],
  // Some bundled CommonJS dependencies call require(): give ESM output one.
  banner:
    "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  externalModules: RUNTIME_PROVIDED_MODULES,
} satisfies NodejsFunctionProps['bundling'];

export interface HandlerFunctionProps extends Omit<NodejsFunctionProps, 'entry'> {
  /** The handler module, relative to the project root. */
  entry: string;
}

/**
 * The house Lambda: Node.js 22 on arm64, an ESM bundle minified with source maps, X-Ray
 * tracing, its own role and a log group with retention (DeploymentPolicy's). Caller environment is merged, never overwritten.
 */
export class HandlerFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    const logGroup = DeploymentPolicy.of(scope).logGroup(scope, `${id}Logs`, RetentionDays.THREE_MONTHS);
    super(scope, id, {
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      timeout: Duration.seconds(10),
      // As on the state machine: a request's trace runs from the API through every Lambda.
      tracing: Tracing.ACTIVE,
      logGroup,
      ...props,
      entry: path.join(PROJECT_ROOT, props.entry),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'techops-consultancy',
        ...props.environment,
      },
      bundling: { ...HOUSE_BUNDLING, ...props.bundling },
    });
    const resource = this.node.defaultChild as CfnFunction;
    resource.addMetadata(ENTRY_METADATA_KEY, props.entry);
    resource.addMetadata(BUNDLING_METADATA_KEY, { ...HOUSE_BUNDLING, ...props.bundling });
    NagSuppressions.addResourceSuppressions(
      this,
      [
        {
          id: 'AwsSolutions-IAM4',
          reason: 'AWSLambdaBasicExecutionRole only lets the function write its own CloudWatch logs.',
          appliesTo: [
            'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
          ],
        },
        {
          id: 'AwsSolutions-IAM5',
          reason: 'X-Ray trace segment uploads (active tracing) have no resource-level permissions.',
          appliesTo: ['Resource::*'],
        },
        {
          id: 'AwsSolutions-L1',
          reason:
            'Pinned to nodejs22.x on purpose: local tooling runs the same Node.js major; upgrades are deliberate.',
        },
      ],
      true,
    );
  }
}
