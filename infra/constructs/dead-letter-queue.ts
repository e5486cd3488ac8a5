import { Duration } from 'aws-cdk-lib';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import type { HandlerFunction } from './handler-function.js';

/**
 * Where the events of a scheduled job go when they could not be handled: a delivery the
 * schedule gave up on, or an invocation whose retries all failed. OperationsAlarms alarms on
 * every DeadLetterQueue of the stack, so a job that adds one is watched without more wiring.
 */
export class DeadLetterQueue extends Construct {
  readonly queue: Queue;

  constructor(
    scope: Construct,
    id: string,
    /** What fails into it, for the alarm and the operator: "the contract expiry digest". */
    readonly of: string,
  ) {
    super(scope, id);
    this.queue = new Queue(this, 'Queue', {
      // The longest SQS keeps a message: time to look, replay, then purge.
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    NagSuppressions.addResourceSuppressions(this.queue, [
      { id: 'AwsSolutions-SQS3', reason: `This queue is the dead-letter queue (of ${of}).` },
    ]);
  }

  /**
   * The function's asynchronous invocations (what schedules make): retried, then, once too old
   * or out of retries, recorded here with the error instead of dropped.
   */
  receiveFailedInvocationsOf(
    handler: HandlerFunction,
    options: { retryAttempts: number; maxEventAge: Duration },
  ): void {
    handler.configureAsyncInvoke({ ...options, onFailure: new SqsDestination(this.queue) });
  }
}
