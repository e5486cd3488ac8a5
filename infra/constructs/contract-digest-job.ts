import { Duration, Stack, TimeZone } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { DIGEST_WINDOW_DAYS } from '../../functions/vendors/model.js';
import { DIGEST_MARKER_PREFIX } from '../../functions/vendors/vendor-keys.js';
import type { AppConfig } from '../config.js';
import type { DataTables } from './data-tables.js';
import { DeadLetterQueue } from './dead-letter-queue.js';
import type { EmailSender } from './email-sender.js';
import { HandlerFunction } from './handler-function.js';

export const CONTRACT_DIGEST_ENTRY = 'functions/vendors/send-contract-digests.ts';

/**
 * The daily contract expiry digest: an EventBridge Scheduler schedule invokes a Lambda that
 * emails each relationship owner their vendors' contracts expiring within DIGEST_WINDOW_DAYS. A retried
 * or repeated run sends nothing twice (a conditional marker per owner and day).
 */
export class ContractDigestJob extends Construct {
  readonly handler: HandlerFunction;
  readonly schedule: Schedule;

  constructor(
    scope: Construct,
    id: string,
    props: { data: DataTables; email: EmailSender; config: AppConfig },
  ) {
    super(scope, id);
    this.handler = new HandlerFunction(this, 'Handler', {
      entry: CONTRACT_DIGEST_ENTRY,
      description: `Daily: email each relationship owner their vendors' contracts expiring within ${DIGEST_WINDOW_DAYS} days`,
      timeout: Duration.minutes(2),
      environment: { PUBLIC_BASE_URL: props.config.publicBaseUrl },
    });
    // Reads contracts and vendors; writes only the digest markers.
    props.data.grantVendorsRead(this.handler);
    props.data.grantVendorsPutUnder(this.handler, DIGEST_MARKER_PREFIX);
    props.email.grantSend(this.handler);
    // The scheduler's own role, so it may invoke this function and nothing else.
    const role = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    });
    // A digest that failed on every retry of the day is kept for a look and a replay, not dropped.
    const failures = new DeadLetterQueue(this, 'DeadLetters', 'the contract expiry digest');
    failures.receiveFailedInvocationsOf(this.handler, { retryAttempts: 2, maxEventAge: Duration.hours(6) });
    this.schedule = new Schedule(this, 'Daily', {
      description: 'Contract expiry digest, every morning',
      schedule: ScheduleExpression.cron({ minute: '0', hour: '6', timeZone: TimeZone.ETC_UTC }),
      target: new LambdaInvoke(this.handler, {
        role,
        retryAttempts: 3,
        maxEventAge: Duration.hours(6),
        deadLetterQueue: failures.queue,
      }),
    });
    NagSuppressions.addResourceSuppressions(
      role,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'lambda:InvokeFunction on the digest function and its versions (<function>:*): one function only.',
          appliesTo: [{ regex: '/^Resource::<ContractDigestHandler.+\\.Arn>:\\*$/g' }],
        },
      ],
      true,
    );
  }
}
