import { Duration, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  AlarmWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { NagSuppressions } from 'cdk-nag';
import { Construct, type IConstruct } from 'constructs';
import { rootStackOf } from './capability-stack.js';
import type { ConsultancyHttpApi } from './consultancy-http-api.js';
import { DeadLetterQueue } from './dead-letter-queue.js';
import { DeploymentPolicy } from './deployment-policy.js';
import { HandlerFunction } from './handler-function.js';

const ID = 'Operations';

/** A construct's path within its (nested) stack as an id: `Requests/submitRequest` -> `RequestssubmitRequest`. */
const idOf = (construct: IConstruct) => {
  const { scopes } = construct.node;
  return scopes
    .slice(scopes.indexOf(Stack.of(construct)) + 1)
    .map((scope) => scope.node.id.replace(/[^A-Za-z0-9]/g, ''))
    .join('');
};
const FIVE_MINUTES = Duration.minutes(5);

/**
 * Every threshold in one table: docs/operations.md says what each alarm means and what to do,
 * and test/infra asserts each against the template.
 */
export const ALARM_THRESHOLDS = {
  /** Any unhandled error of a Lambda in 5 minutes: handlers answer problems, so an error is a fault. */
  lambdaErrors: 1,
  /** Any throttled invocation in the account in 5 minutes: the concurrency pool ran out. */
  lambdaThrottles: 1,
  /** Per cent of API calls answered 5xx in 5 minutes (when there were at least API_RATE_MIN_CALLS), 2 of 3 periods. */
  api5xxPercent: 5,
  /** p99 API latency in milliseconds, 3 periods of 5 minutes running. */
  apiLatencyP99Ms: 3000,
  /** Any failed or timed-out workflow execution in 5 minutes: a request is in ERROR or stuck. */
  workflowFailures: 1,
  /** Any message in a dead-letter queue: a scheduled job's event was given up on. */
  deadLetters: 1,
  /** SES bounce rate (fraction), below the 5% at which AWS reviews the account. */
  emailBounceRate: 0.04,
  /** SES complaint rate (fraction), below the 0.1% at which AWS reviews the account. */
  emailComplaintRate: 0.0008,
} as const;

/** Below this many calls in 5 minutes, a 5xx rate says little (one failure of three is 33%). */
export const API_RATE_MIN_CALLS = 20;

export interface AlarmOptions {
  /** What it means: the alarm's description, which the ops email carries. */
  description: string;
  metric: IMetric;
  threshold: number;
  /** Periods looked at, and how many of them must breach (default 1 of 1). */
  evaluationPeriods?: number;
  datapointsToAlarm?: number;
  /** Default: at or above the threshold. */
  comparisonOperator?: ComparisonOperator;
  /** Its own graph on the dashboard (default); false when a shared graph shows it. */
  graph?: boolean;
  /**
   * The Lambda, queue or state machine it watches in place of `watchStack()`'s alarm for it: a
   * job alarmed on its own terms (failed twice in a day) rather than on any one failure.
   */
  replaces?: IConstruct;
}

/**
 * The ops topic, the alarms on it and the dashboard showing the same. Any construct can add an
 * alarm: `OperationsAlarms.of(this).alarm(id, { metric, threshold, description })`. Lambdas
 * (HandlerFunction), dead-letter queues (DeadLetterQueue) and state machines need nothing:
 * `watchStack()`, last in the stack, alarms on every one of them, nested stacks' included.
 * The topic and the dashboard are the parent stack's; an alarm is made in the stack of the
 * construct that asked for it (a nested stack's `Operations`), beside what it watches, and
 * the topic's ARN reaches it as a parameter of that nested stack.
 */
export class OperationsAlarms extends Construct {
  readonly topic: Topic;
  readonly dashboard: Dashboard;
  /** Shared by the parent's OperationsAlarms and its nested stacks': one list, one summary. */
  private readonly alarms: Alarm[];
  private readonly watched: Set<IConstruct>;

  /** The ops alarms of the construct's stack (TechOpsConsultancyStack makes the parent's first). */
  static of(scope: Construct): OperationsAlarms {
    const root = rootStackOf(scope).node.tryFindChild(ID);
    if (!(root instanceof OperationsAlarms)) throw new Error('The stack has no OperationsAlarms');
    const stack = Stack.of(scope);
    if (stack === Stack.of(root)) return root;
    const found = stack.node.tryFindChild(ID);
    return found instanceof OperationsAlarms ? found : new OperationsAlarms(stack, { of: root });
  }

  /** The parent stack's, with the topic (and its subscription), or a nested stack's, sharing the parent's. */
  constructor(stack: Stack, props: { opsEmail?: string | undefined } | { of: OperationsAlarms }) {
    super(stack, ID);
    if ('of' in props) {
      this.topic = props.of.topic;
      this.dashboard = props.of.dashboard;
      this.alarms = props.of.alarms;
      this.watched = props.of.watched;
      return;
    }
    this.alarms = [];
    this.watched = new Set();
    const { key } = DeploymentPolicy.of(this);
    this.topic = new Topic(this, 'Topic', {
      displayName: 'TechOps consultancy operations',
      enforceSSL: true,
      ...(key ? { masterKey: key } : {}),
    });
    if (key) {
      // CloudWatch publishes alarms to the encrypted topic.
      key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey');
    } else {
      NagSuppressions.addResourceSuppressions(this.topic, [
        {
          id: 'AwsSolutions-SNS2',
          reason:
            'CloudWatch cannot publish to a topic under the AWS-managed SNS key; alarm messages carry alarm names and states only. With techops:customerManagedKey the topic is encrypted with that key.',
        },
      ]);
    }
    if (props.opsEmail) this.topic.addSubscription(new EmailSubscription(props.opsEmail));
    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(24) });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown:
          '# TechOps consultancy\nWhat each alarm means and what to do: docs/operations.md, "Alarms".',
        width: 24,
        height: 2,
      }),
    );
  }

  /** An alarm that emails the ops topic when it fires and when it clears. */
  alarm(id: string, options: AlarmOptions): Alarm {
    if (options.replaces) this.watched.add(options.replaces);
    const alarm = new Alarm(this, id, {
      alarmDescription: options.description,
      metric: options.metric,
      threshold: options.threshold,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      datapointsToAlarm: options.datapointsToAlarm ?? options.evaluationPeriods ?? 1,
      comparisonOperator: options.comparisonOperator ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No data is no traffic (or no email sent): nothing is wrong.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    const action = new SnsAction(this.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.push(alarm);
    if (options.graph ?? true) this.dashboard.addWidgets(new AlarmWidget({ alarm, title: id, width: 8 }));
    return alarm;
  }

  /** Messages waiting in a dead-letter queue. */
  watchDeadLetterQueue(deadLetters: DeadLetterQueue): Alarm {
    this.watched.add(deadLetters);
    return this.alarm(`${idOf(deadLetters)}Depth`, {
      description: `Events of ${deadLetters.of} failed every retry and wait in its dead-letter queue (${deadLetters.node.path}).`,
      metric: deadLetters.queue.metricApproximateNumberOfMessagesVisible({
        statistic: 'Maximum',
        period: FIVE_MINUTES,
      }),
      threshold: ALARM_THRESHOLDS.deadLetters,
    });
  }

  /** Failed and timed-out executions of a workflow. */
  watchStateMachine(stateMachine: StateMachine): Alarm[] {
    this.watched.add(stateMachine);
    const name = stateMachine.node.scope?.node.id ?? stateMachine.node.id;
    return [
      this.alarm(`${name}ExecutionsFailed`, {
        description: `Executions of ${name} failed: each marks its request ERROR (or could not tell the requester).`,
        metric: stateMachine.metricFailed({ statistic: 'Sum', period: FIVE_MINUTES }),
        threshold: ALARM_THRESHOLDS.workflowFailures,
      }),
      this.alarm(`${name}ExecutionsTimedOut`, {
        description: `Executions of ${name} ran past the state machine's timeout: their requests are stuck undecided.`,
        metric: stateMachine.metricTimedOut({ statistic: 'Sum', period: FIVE_MINUTES }),
        threshold: ALARM_THRESHOLDS.workflowFailures,
      }),
    ];
  }

  /** The API's 5xx rate and p99 latency. */
  watchHttpApi(http: ConsultancyHttpApi): Alarm[] {
    const { api } = http;
    const calls = api.metricCount({ statistic: 'Sum', period: FIVE_MINUTES });
    const serverErrors = api.metricServerError({ statistic: 'Sum', period: FIVE_MINUTES });
    return [
      this.alarm('Api5xxRate', {
        description: `More than ${ALARM_THRESHOLDS.api5xxPercent}% of API calls answered 5xx (2 of 3 periods of 5 minutes, at least ${API_RATE_MIN_CALLS} calls).`,
        metric: new MathExpression({
          expression: `IF(calls >= ${API_RATE_MIN_CALLS}, 100 * errors / calls, 0)`,
          usingMetrics: { calls, errors: serverErrors },
          label: 'API 5xx (%)',
          period: FIVE_MINUTES,
        }),
        threshold: ALARM_THRESHOLDS.api5xxPercent,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
      }),
      this.alarm('ApiLatencyP99', {
        description: `The slowest 1% of API calls took over ${ALARM_THRESHOLDS.apiLatencyP99Ms} ms for 15 minutes.`,
        metric: api.metricLatency({ statistic: 'p99', period: FIVE_MINUTES }),
        threshold: ALARM_THRESHOLDS.apiLatencyP99Ms,
        evaluationPeriods: 3,
      }),
    ];
  }

  /** SES reputation: the account's bounce and complaint rates. */
  watchEmailReputation(): Alarm[] {
    const reputation = (metricName: string) =>
      new Metric({ namespace: 'AWS/SES', metricName, statistic: 'Maximum', period: Duration.hours(1) });
    return [
      this.alarm('EmailBounceRate', {
        description: `SES bounce rate over ${ALARM_THRESHOLDS.emailBounceRate * 100}%: AWS reviews the account at 5% and may pause sending.`,
        metric: reputation('Reputation.BounceRate'),
        threshold: ALARM_THRESHOLDS.emailBounceRate,
      }),
      this.alarm('EmailComplaintRate', {
        description: `SES complaint rate over ${ALARM_THRESHOLDS.emailComplaintRate * 100}%: AWS reviews the account at 0.1% and may pause sending.`,
        metric: reputation('Reputation.ComplaintRate'),
        threshold: ALARM_THRESHOLDS.emailComplaintRate,
      }),
    ];
  }

  /**
   * Every Lambda, dead-letter queue and state machine of the stack and its nested stacks not
   * watched yet; Lambda throttles for the account; then the dashboard's summary. Call once, on
   * the parent stack's, after every other construct of the stack.
   */
  watchStack(): void {
    const stack = Stack.of(this);
    const all = stack.node.findAll().filter((construct) => !this.watched.has(construct));
    for (const deadLetters of all.filter((c): c is DeadLetterQueue => c instanceof DeadLetterQueue)) {
      OperationsAlarms.of(deadLetters).watchDeadLetterQueue(deadLetters);
    }
    for (const stateMachine of all.filter((c): c is StateMachine => c instanceof StateMachine)) {
      OperationsAlarms.of(stateMachine).watchStateMachine(stateMachine);
    }
    // One alarm per Lambda: an error is a fault of that handler, and the alarm names it.
    const functions = all.filter((c): c is HandlerFunction => c instanceof HandlerFunction);
    for (const fn of functions) {
      this.watched.add(fn);
      OperationsAlarms.of(fn).alarm(`${idOf(fn)}Errors`, {
        description: `Lambda ${fn.node.path} failed with an unhandled error (or timed out).`,
        metric: fn.metricErrors({ statistic: 'Sum', period: FIVE_MINUTES }),
        threshold: ALARM_THRESHOLDS.lambdaErrors,
        graph: false,
      });
    }
    // No function reserves concurrency: throttling means the account's pool ran out, for all at once.
    this.alarm('LambdaThrottles', {
      description: "Lambda invocations were throttled: the account's concurrency pool ran out.",
      metric: new Metric({
        namespace: 'AWS/Lambda',
        metricName: 'Throttles',
        statistic: 'Sum',
        period: FIVE_MINUTES,
      }),
      threshold: ALARM_THRESHOLDS.lambdaThrottles,
    });
    const byFunction = (metricOf: (fn: HandlerFunction) => IMetric) => functions.map(metricOf);
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Lambda errors by function',
        left: byFunction((fn) => fn.metricErrors({ statistic: 'Sum', period: FIVE_MINUTES })),
        width: 12,
      }),
      new GraphWidget({
        title: 'Lambda throttles by function',
        left: byFunction((fn) => fn.metricThrottles({ statistic: 'Sum', period: FIVE_MINUTES })),
        width: 12,
      }),
      new AlarmStatusWidget({ title: 'All alarms', alarms: this.alarms, width: 24 }),
    );
  }
}
