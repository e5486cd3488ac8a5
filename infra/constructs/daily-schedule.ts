import { Duration, Stack, TimeZone } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { NagSuppressions } from 'cdk-nag';
import type { Construct } from 'constructs';
import type { DeadLetterQueue } from './dead-letter-queue.js';
import type { HandlerFunction } from './handler-function.js';

/**
 * A scheduled job's daily (or weekly) run: an EventBridge Scheduler schedule (`Daily`) at the given hour
 * UTC, invoking the function asynchronously through a role of its own (`SchedulerRole`) that may
 * invoke that function and nothing else; delivery retried 3 times within 6 hours, then the
 * event goes to the job's dead-letter queue.
 */
export function dailySchedule(
  scope: Construct,
  handler: HandlerFunction,
  options: {
    description: string;
    hourUtc: number;
    deadLetters: DeadLetterQueue;
    /** Weekly instead, on this day (`MON`...): the schedule is then `Weekly`. */
    weekDay?: 'MON' | 'TUE' | 'WED' | 'THU' | 'FRI' | 'SAT' | 'SUN';
  },
): Schedule {
  const role = new Role(scope, 'SchedulerRole', {
    assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
    }),
  });
  const schedule = new Schedule(scope, options.weekDay ? 'Weekly' : 'Daily', {
    description: options.description,
    schedule: ScheduleExpression.cron({
      minute: '0',
      hour: String(options.hourUtc),
      ...(options.weekDay ? { weekDay: options.weekDay } : {}),
      timeZone: TimeZone.ETC_UTC,
    }),
    target: new LambdaInvoke(handler, {
      role,
      retryAttempts: 3,
      maxEventAge: Duration.hours(6),
      deadLetterQueue: options.deadLetters.queue,
    }),
  });
  NagSuppressions.addResourceSuppressions(
    role,
    [
      {
        id: 'AwsSolutions-IAM5',
        reason: `lambda:InvokeFunction on ${handler.node.path} and its versions (<function>:*): one function only.`,
        appliesTo: [{ regex: '/^Resource::<.+\\.Arn>:\\*$/g' }],
      },
    ],
    true,
  );
  return schedule;
}
