import { Duration } from 'aws-cdk-lib';
import type { Schedule } from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import { DIGEST_WINDOW_DAYS } from '../../functions/vendors/model.js';
import { DIGEST_MARKER_PREFIX } from '../../functions/vendors/vendor-keys.js';
import type { AppConfig } from '../config.js';
import { dailySchedule } from './daily-schedule.js';
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
    // A digest that failed on every retry of the day is kept for a look and a replay, not dropped.
    const failures = new DeadLetterQueue(this, 'DeadLetters', 'the contract expiry digest');
    failures.receiveFailedInvocationsOf(this.handler, { retryAttempts: 2, maxEventAge: Duration.hours(6) });
    this.schedule = dailySchedule(this, this.handler, {
      description: 'Contract expiry digest, every morning',
      hourUtc: 6,
      deadLetters: failures,
    });
  }
}
