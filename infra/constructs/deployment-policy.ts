import { Aws, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import { type IGrantable, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DEV_ENVIRONMENT } from '../config.js';
import { rootStackOf } from './capability-stack.js';

const ID = 'DeploymentPolicy';

/** Dev logs are for debugging this week's change: a month is plenty. */
const DEV_LOG_RETENTION = RetentionDays.ONE_MONTH;

export interface DeploymentPolicyProps {
  environment: string;
  customerManagedKey: boolean;
}

/**
 * What follows from the environment, in one place: whether data survives the stack (every
 * environment but dev retains it), how long logs are kept, and the optional customer-managed
 * KMS key that tables, log groups, the exports bucket and the ops topic are encrypted with.
 * Constructs find the stack's one with `DeploymentPolicy.of(this)`, from nested stacks too.
 */
export class DeploymentPolicy extends Construct {
  readonly environment: string;
  readonly retainsData: boolean;
  /** For stateful resources: tables, log groups, buckets. */
  readonly removalPolicy: RemovalPolicy;
  readonly key?: Key;

  /**
   * The deployed stack's policy (a nested stack's parent's); a stack without one (a test's bare
   * stack) retains everything, unencrypted by a CMK.
   */
  static of(scope: Construct): DeploymentPolicy {
    const stack = rootStackOf(scope);
    return (
      (stack.node.tryFindChild(ID) as DeploymentPolicy | undefined) ??
      new DeploymentPolicy(stack, { environment: 'unnamed', customerManagedKey: false })
    );
  }

  constructor(stack: Stack, props: DeploymentPolicyProps) {
    super(stack, ID);
    this.environment = props.environment;
    this.retainsData = props.environment !== DEV_ENVIRONMENT;
    this.removalPolicy = this.retainsData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    if (props.customerManagedKey) {
      this.key = new Key(this, 'Key', {
        description: `TechOps consultancy (${props.environment}): tables, logs, exports bucket, ops topic`,
        enableKeyRotation: true,
        // Losing the key loses the data: never deleted with the stack, whatever the environment.
        removalPolicy: RemovalPolicy.RETAIN,
      });
      // CloudWatch Logs encrypts this account's log groups with it, and nothing else.
      this.key.addToResourcePolicy(
        new PolicyStatement({
          principals: [new ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
          actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
          resources: ['*'],
          conditions: {
            ArnLike: {
              'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*`,
            },
          },
        }),
      );
    }
  }

  /**
   * A log group kept `retention` (a month in dev), encrypted with the key when there is one,
   * retained with the stack unless in dev.
   */
  logGroup(scope: Construct, id: string, retention: RetentionDays): LogGroup {
    return new LogGroup(scope, id, {
      retention: this.retainsData ? retention : DEV_LOG_RETENTION,
      removalPolicy: this.removalPolicy,
      ...(this.key ? { encryptionKey: this.key } : {}),
    });
  }

  /** Lets a function use the key for data it reads (and writes): nothing when there is no key. */
  grantKey(grantee: IGrantable, access: 'read' | 'write'): void {
    if (!this.key) return;
    const actions = ['kms:Decrypt', 'kms:DescribeKey'];
    if (access === 'write') actions.push('kms:Encrypt', 'kms:GenerateDataKey');
    this.key.grant(grantee, ...actions);
  }
}
