import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import type { AppConfig } from '../config.js';
import type { DataTables } from './data-tables.js';
import { DeadLetterQueue } from './dead-letter-queue.js';
import type { EmailSender } from './email-sender.js';
import { HandlerFunction } from './handler-function.js';

export const APPROVAL_FOLLOW_UP_ENTRY = 'functions/approvals/run-approval-follow-ups.ts';

/** How often pending approvals are followed up: reminders and deadlines are whole business days apart. */
export const FOLLOW_UP_INTERVAL = Duration.hours(1);

/**
 * Reminders and escalation of pending approval steps: an EventBridge rule runs a Lambda every
 * FOLLOW_UP_INTERVAL that Queries the sparse index of due follow-ups (by business function, due
 * at or before the scheduled event's `time`), reminds each approver whose reminder is due with
 * a fresh link, and escalates each step past its deadline. Every action is a conditional write
 * with its audit event, so a retried or overlapping run does nothing twice.
 */
export class ApprovalFollowUpJob extends Construct {
  readonly handler: HandlerFunction;

  constructor(
    scope: Construct,
    id: string,
    props: { data: DataTables; email: EmailSender; config: AppConfig },
  ) {
    super(scope, id);
    this.handler = new HandlerFunction(this, 'Handler', {
      entry: APPROVAL_FOLLOW_UP_ENTRY,
      description: 'Approval follow-up: remind approvers of pending steps and escalate overdue ones',
      timeout: Duration.minutes(5),
      environment: { PUBLIC_BASE_URL: props.config.publicBaseUrl },
    });
    props.data.grantApprovalsWrite(this.handler);
    // An escalation changes the request's chain, in the same transaction as its approvals.
    props.data.grantRequestsWrite(this.handler);
    // The business functions to look through, and the holiday calendars business days skip.
    props.data.grantReferenceDataRead(this.handler);
    props.data.grantAuditAppend(this.handler);
    props.email.grantSend(this.handler);
    // A run older than the interval is superseded by the next one, which finds what is still due.
    const failures = new DeadLetterQueue(this, 'DeadLetters', 'the approval follow-up');
    failures.receiveFailedInvocationsOf(this.handler, { retryAttempts: 2, maxEventAge: FOLLOW_UP_INTERVAL });
    new Rule(this, 'Schedule', {
      description: 'Remind approvers of pending steps and escalate overdue ones',
      schedule: Schedule.rate(FOLLOW_UP_INTERVAL),
      targets: [
        new LambdaFunction(this.handler, {
          retryAttempts: 2,
          maxEventAge: FOLLOW_UP_INTERVAL,
          deadLetterQueue: failures.queue,
        }),
      ],
    });
  }
}
