import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_RATE_MIN_CALLS } from '../../infra/constructs/operations-alarms.js';
import { STACK_OUTPUTS } from '../../infra/stack-outputs.js';
import { allStatementsIn, isTracingStatement, type Resource, synthesizedTemplate } from './synthesized.js';

// The app as cdk.json configures it: the dev environment, no customer-managed key.
let built: ReturnType<typeof synthesizedTemplate>;
beforeAll(() => {
  built = synthesizedTemplate({ 'techops:opsEmail': 'techops-ops@pharma.com' });
});
afterAll(() => built.cleanup());

const alarms = () => Object.entries(built.resourcesOf('AWS::CloudWatch::Alarm'));
const alarmNamed = (prefix: string): Resource => {
  const matches = alarms().filter(([id]) => id.startsWith(`Operations${prefix}`));
  expect(matches, `one alarm Operations${prefix}*`).toHaveLength(1);
  return matches[0]![1].Properties;
};
const topicId = () => Object.keys(built.resourcesOf('AWS::SNS::Topic'))[0] as string;
const idOf = (type: string, prefix: string) =>
  Object.keys(built.resourcesOf(type)).find((id) => id.startsWith(prefix)) as string;

describe('the stack outputs', () => {
  it('name the API URL, every table, the workflow, the exports bucket and the ops topic', () => {
    const outputs = built.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    const tableOf = (prefix: string) => ({ Ref: idOf('AWS::DynamoDB::Table', prefix) });

    expect(Object.keys(outputs).sort()).toEqual(Object.values(STACK_OUTPUTS).sort());
    expect(outputs[STACK_OUTPUTS.apiUrl]?.Value).toEqual({
      'Fn::GetAtt': [idOf('AWS::ApiGatewayV2::Api', 'ApiHttpApi'), 'ApiEndpoint'],
    });
    expect(outputs[STACK_OUTPUTS.requestsTable]?.Value).toEqual(tableOf('DataRequests'));
    expect(outputs[STACK_OUTPUTS.approvalsTable]?.Value).toEqual(tableOf('DataApprovals'));
    expect(outputs[STACK_OUTPUTS.budgetsTable]?.Value).toEqual(tableOf('DataBudgets'));
    expect(outputs[STACK_OUTPUTS.vendorsTable]?.Value).toEqual(tableOf('DataVendors'));
    expect(outputs[STACK_OUTPUTS.referenceDataTable]?.Value).toEqual(tableOf('DataReferenceData'));
    expect(outputs[STACK_OUTPUTS.auditTable]?.Value).toEqual(tableOf('DataAuditEvents'));
    expect(outputs[STACK_OUTPUTS.exportsTable]?.Value).toEqual(tableOf('ExportsJobsTable'));
    expect(outputs[STACK_OUTPUTS.approvalWorkflowArn]?.Value).toEqual({
      Ref: idOf('AWS::StepFunctions::StateMachine', 'ApprovalWorkflowStateMachine'),
    });
    expect(outputs[STACK_OUTPUTS.exportsBucket]?.Value).toEqual({
      Ref: idOf('AWS::S3::Bucket', 'ExportsBucket'),
    });
    expect(outputs[STACK_OUTPUTS.opsTopicArn]?.Value).toEqual({ Ref: topicId() });
  });
});

describe('the ops topic', () => {
  it('emails the address from techops:opsEmail and takes only TLS', () => {
    built.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'techops-ops@pharma.com',
      TopicArn: { Ref: topicId() },
    });
    const [topicPolicy] = Object.values(built.resourcesOf('AWS::SNS::TopicPolicy'));
    expect(topicPolicy?.Properties.PolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Effect: 'Deny',
        Action: 'sns:Publish',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    ]);
  });

  it('hears of every alarm, when it fires and when it clears', () => {
    expect(alarms().length).toBeGreaterThan(0);
    for (const [id, alarm] of alarms()) {
      expect(alarm.Properties.AlarmActions, id).toEqual([{ Ref: topicId() }]);
      expect(alarm.Properties.OKActions, id).toEqual([{ Ref: topicId() }]);
      expect(alarm.Properties.TreatMissingData, id).toBe('notBreaching');
    }
  });
});

describe('the alarms', () => {
  it('fire on any unhandled error of each Lambda, one alarm per function', () => {
    const functionIds = Object.keys(built.resourcesOf('AWS::Lambda::Function'));
    const errorAlarms = alarms().filter(([, alarm]) => alarm.Properties.MetricName === 'Errors');

    expect(errorAlarms.map(([, alarm]) => alarm.Properties.Dimensions[0].Value.Ref).sort()).toEqual(
      functionIds.sort(),
    );
    // The daily spend export's alarm is on its own terms (failed twice a day: test/infra/exports.test.ts).
    for (const [id, { Properties: alarm }] of errorAlarms.filter(
      ([id]) => !id.startsWith('OperationsDailySpendExportFailedTwice'),
    )) {
      expect(alarm, id).toMatchObject({
        Namespace: 'AWS/Lambda',
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
  });

  it('fire on any Lambda throttle in the account', () => {
    expect(alarmNamed('LambdaThrottles')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Throttles',
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(alarmNamed('LambdaThrottles').Dimensions).toBeUndefined();
  });

  it(`fire when over 5% of API calls answer 5xx in 2 of 3 periods of 5 minutes, from ${API_RATE_MIN_CALLS} calls`, () => {
    const alarm = alarmNamed('Api5xxRate');
    const apiId = { Ref: idOf('AWS::ApiGatewayV2::Api', 'ApiHttpApi') };
    const [expression, ...metrics] = alarm.Metrics;

    expect(alarm).toMatchObject({ Threshold: 5, EvaluationPeriods: 3, DatapointsToAlarm: 2 });
    expect(expression.Expression).toBe(`IF(calls >= ${API_RATE_MIN_CALLS}, 100 * errors / calls, 0)`);
    expect(metrics.map((metric: Resource) => [metric.Id, metric.MetricStat.Metric.MetricName])).toEqual(
      expect.arrayContaining([
        ['calls', 'Count'],
        ['errors', '5xx'],
      ]),
    );
    for (const metric of metrics) {
      expect(metric.MetricStat.Metric.Dimensions).toEqual([{ Name: 'ApiId', Value: apiId }]);
      expect(metric.MetricStat).toMatchObject({ Stat: 'Sum', Period: 300 });
    }
  });

  it('fire when the API p99 latency is 3 s or more for 15 minutes', () => {
    expect(alarmNamed('ApiLatencyP99')).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: 'Latency',
      ExtendedStatistic: 'p99',
      Period: 300,
      Threshold: 3000,
      EvaluationPeriods: 3,
    });
  });

  it.each([
    ['ApprovalWorkflowExecutionsFailed', 'ExecutionsFailed'],
    ['ApprovalWorkflowExecutionsTimedOut', 'ExecutionsTimedOut'],
  ])('fire on any %s', (name, metricName) => {
    expect(alarmNamed(name)).toMatchObject({
      Namespace: 'AWS/States',
      MetricName: metricName,
      Dimensions: [
        {
          Name: 'StateMachineArn',
          Value: { Ref: idOf('AWS::StepFunctions::StateMachine', 'ApprovalWorkflow') },
        },
      ],
      Statistic: 'Sum',
      Threshold: 1,
    });
  });

  it.each([
    ['ApprovalWorkflowSweeperDeadLetters', 'ApprovalWorkflowSweeperDeadLettersQueue'],
    ['ContractDigestDeadLetters', 'ContractDigestDeadLettersQueue'],
    ['ExportsJobsJobFailures', 'ExportsJobsJobFailuresQueue'],
    ['ExportsJobsDailyFailures', 'ExportsJobsDailyFailuresQueue'],
  ])('fire on any message in the %s queue', (name, queuePrefix) => {
    expect(alarmNamed(`${name}Depth`)).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': [idOf('AWS::SQS::Queue', queuePrefix), 'QueueName'] } },
      ],
      Statistic: 'Maximum',
      Threshold: 1,
    });
  });

  it.each([
    ['EmailBounceRate', 'Reputation.BounceRate', 0.04],
    ['EmailComplaintRate', 'Reputation.ComplaintRate', 0.0008],
  ])('fire on the SES %s before AWS reviews the account', (name, metricName, threshold) => {
    expect(alarmNamed(name)).toMatchObject({
      Namespace: 'AWS/SES',
      MetricName: metricName,
      Statistic: 'Maximum',
      Period: 3600,
      Threshold: threshold,
    });
  });

  it('are all on the dashboard', () => {
    const [dashboard] = Object.values(built.resourcesOf('AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);

    for (const [id] of alarms()) expect(body, id).toContain(`"${id}"`);
  });
});

describe('the scheduled jobs', () => {
  const deadLetterQueue = (prefix: string) => ({
    'Fn::GetAtt': [idOf('AWS::SQS::Queue', prefix), 'Arn'],
  });

  it('hand the sweeper events EventBridge gave up on to its dead-letter queue, after 2 retries within 5 minutes', () => {
    const [rule] = Object.values(built.resourcesOf('AWS::Events::Rule'));

    expect(rule?.Properties.Targets).toEqual([
      expect.objectContaining({
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 300 },
        DeadLetterConfig: { Arn: deadLetterQueue('ApprovalWorkflowSweeperDeadLetters') },
      }),
    ]);
  });

  it('hand the contract digest events the scheduler gave up on to its dead-letter queue', () => {
    const schedule =
      built.resourcesOf('AWS::Scheduler::Schedule')[idOf('AWS::Scheduler::Schedule', 'ContractDigestDaily')];

    expect(schedule?.Properties.Target.DeadLetterConfig).toEqual({
      Arn: deadLetterQueue('ContractDigestDeadLetters'),
    });
  });

  it.each([
    ['StartStrandedApprovals', 'ApprovalWorkflowSweeperDeadLetters', 300],
    ['ContractDigestHandler', 'ContractDigestDeadLetters', 6 * 3600],
    ['ExportsJobsJobHandler', 'ExportsJobsJobFailures', 6 * 3600],
    ['ExportsJobsDailyHandler', 'ExportsJobsDailyFailures', 6 * 3600],
    ['ReportsPortfolioDigest', 'ReportsDigestDeadLetters', 6 * 3600],
    ['ApprovalFollowUpHandler', 'ApprovalFollowUpDeadLetters', 3600],
  ])(
    'retry the %s function twice when it fails, then record the event in its dead-letter queue',
    (fn, queue, age) => {
      built.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: {
          Ref: idOf(
            'AWS::Lambda::Function',
            `${fn === 'StartStrandedApprovals' ? 'ApprovalWorkflow' : ''}${fn}`,
          ),
        },
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: age,
        DestinationConfig: { OnFailure: { Destination: deadLetterQueue(queue) } },
      });
    },
  );

  it('keep dead letters 14 days, encrypted, over TLS only', () => {
    const queues = Object.values(built.resourcesOf('AWS::SQS::Queue'));

    expect(queues).toHaveLength(6);
    for (const queue of queues) {
      expect(queue.Properties).toMatchObject({
        MessageRetentionPeriod: 14 * 86400,
        SqsManagedSseEnabled: true,
      });
    }
    expect(Object.keys(built.resourcesOf('AWS::SQS::QueuePolicy'))).toHaveLength(6);
  });
});

describe('tracing', () => {
  it('traces every Lambda with X-Ray, as the state machine is', () => {
    const functions = Object.entries(built.resourcesOf('AWS::Lambda::Function'));
    const policies = built.resourcesOf('AWS::IAM::Policy');

    for (const [id, fn] of functions) {
      expect(fn.Properties.TracingConfig, id).toEqual({ Mode: 'Active' });
      expect(allStatementsIn(policies, fn).filter(isTracingStatement), id).toHaveLength(1);
    }
    built.template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      TracingConfiguration: { Enabled: true },
    });
  });
});

describe('the exports bucket', () => {
  it('logs every access to a bucket of its own, kept a year', () => {
    const logsId = idOf('AWS::S3::Bucket', 'ExportsAccessLogs');
    const bucket = built.resourcesOf('AWS::S3::Bucket')[idOf('AWS::S3::Bucket', 'ExportsBucket')];
    const logs = built.resourcesOf('AWS::S3::Bucket')[logsId];

    expect(bucket?.Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: logsId },
      LogFilePrefix: 'exports/',
    });
    expect(logs?.Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      LifecycleConfiguration: { Rules: [expect.objectContaining({ ExpirationInDays: 365 })] },
    });
  });
});

describe('the dev environment', () => {
  it('may destroy its tables, buckets and log groups with the stack, and keeps logs a month', () => {
    const stateful = [
      ...Object.entries(built.resourcesOf('AWS::DynamoDB::Table')),
      ...Object.entries(built.resourcesOf('AWS::S3::Bucket')),
      ...Object.entries(built.resourcesOf('AWS::Logs::LogGroup')),
    ];

    expect(stateful.length).toBeGreaterThan(10);
    for (const [id, resource] of stateful) expect(resource.DeletionPolicy, id).toBe('Delete');
    for (const [id, table] of Object.entries(built.resourcesOf('AWS::DynamoDB::Table'))) {
      expect(table.Properties.DeletionProtectionEnabled, id).toBe(false);
      expect(table.Properties.PointInTimeRecoverySpecification, id).toEqual({
        PointInTimeRecoveryEnabled: true,
      });
    }
    for (const [id, group] of Object.entries(built.resourcesOf('AWS::Logs::LogGroup'))) {
      expect(group.Properties.RetentionInDays, id).toBe(30);
    }
  });

  it('has no customer-managed key unless asked', () => {
    built.template.resourceCountIs('AWS::KMS::Key', 0);
  });
});
