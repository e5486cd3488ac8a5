import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POLICY_LIMITS } from '../../functions/approval-policy/model.js';
import { allRoutes } from '../../functions/platform/api.js';
import { APPROVAL_FOLLOW_UP_ENTRY } from '../../infra/constructs/approval-follow-up-job.js';
import { CONTRACT_DIGEST_ENTRY } from '../../infra/constructs/contract-digest-job.js';
import { ENTRY_METADATA_KEY, PROJECT_ROOT } from '../../infra/constructs/handler-function.js';
import { PORTFOLIO_DIGEST_ENTRY } from '../../infra/constructs/reports-api.js';
import { TRANSIENT_ERRORS } from '../../workflows/approval-contracts.js';
import { APPROVAL_TASK_ENTRIES } from '../../workflows/approval-workflow.js';
import { type Json, synthesizedTemplate } from './synthesized.js';

const cdkContext: Record<string, unknown> = JSON.parse(
  readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8'),
).context;
const synthesized: ReturnType<typeof synthesizedTemplate>[] = [];

function synthesize(overrides: Record<string, unknown> = {}): Template {
  const built = synthesizedTemplate(overrides);
  synthesized.push(built);
  return built.template;
}

/** The ASL as deployed, with the template's references standing in as "<ref>". */
function definitionOf(of: Template): {
  StartAt: string;
  TimeoutSeconds: number;
  States: Record<string, Json>;
} {
  const [machine] = Object.values(of.findResources('AWS::StepFunctions::StateMachine'));
  const joined = (machine as Json).Properties.DefinitionString['Fn::Join'][1] as unknown[];
  return JSON.parse(joined.map((part) => (typeof part === 'string' ? part : '<ref>')).join(''));
}

let template: Template;
let states: Record<string, Json>;

beforeAll(() => {
  template = synthesize();
  states = definitionOf(template).States;
});

afterAll(() => {
  for (const built of synthesized) built.cleanup();
});

const functions = () =>
  Object.entries(template.findResources('AWS::Lambda::Function') as Record<string, Json>);

function functionOfEntry(entry: string): [string, Json] {
  const match = functions().find(([, fn]) => fn.Metadata?.[ENTRY_METADATA_KEY] === entry);
  if (!match) throw new Error(`No function for ${entry}`);
  return match;
}

const entryOf = (operationId: string) =>
  allRoutes.find((route) => route.operationId === operationId)?.entry as string;

/** Every IAM action a function's role may perform. */
function actionsOf(logicalId: string): string[] {
  const fn = template.findResources('AWS::Lambda::Function')[logicalId] as Json;
  const roleId = fn.Properties.Role['Fn::GetAtt'][0];
  return Object.values(template.findResources('AWS::IAM::Policy') as Record<string, Json>)
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(`"${roleId}"`))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
    .flatMap((statement: Json) => [statement.Action].flat());
}

describe('the approval state machine', () => {
  it('is a standard workflow with tracing and every event logged, without execution data', () => {
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
    });
  });

  const ASK = "Ask the step's approvers and wait for the decision";
  const ASK_TRIAGE = 'Ask the triagers and wait for the triage decision';

  it('waits for the task token with the configured timeout, never leaking the token into the result', () => {
    const ask = states[ASK];

    expect(ask.Type).toBe('Task');
    expect(ask.Resource).toMatch(/:states:::lambda:invoke\.waitForTaskToken$/);
    expect(ask.Parameters.Payload['taskToken.$']).toBe('$$.Task.Token');
    expect(ask.TimeoutSeconds).toBe(21 * 24 * 3600);
    expect(ask.ResultPath).toBeNull();
    expect(cdkContext['techops:approvalTimeout']).toBe('P21D');
  });

  it('takes the approval and triage timeouts from context, and lets the execution run triage, the longest chain and its budget exception', () => {
    const short = synthesize({ 'techops:approvalTimeout': 'PT45S', 'techops:triageTimeout': 'PT30S' });

    expect(definitionOf(short).States[ASK].TimeoutSeconds).toBe(45);
    expect(definitionOf(short).States[ASK_TRIAGE].TimeoutSeconds).toBe(30);
    expect(definitionOf(short).TimeoutSeconds).toBe(30 + 45 * (POLICY_LIMITS.stepsPerChain + 1) + 24 * 3600);
  });

  it('triages first: an auto-triage rule accepts, or the triagers are asked and their decision read', () => {
    const definition = definitionOf(template);

    expect(definition.StartAt).toBe('Apply the auto-triage rules');
    expect(states['Apply the auto-triage rules'].Next).toBe('Did an auto-triage rule accept the request?');
    expect(states['Did an auto-triage rule accept the request?']).toMatchObject({
      Choices: [
        {
          Variable: '$.triage.accepted',
          BooleanEquals: true,
          Next: 'Resolve the approval chain from the policy',
        },
      ],
      Default: ASK_TRIAGE,
    });
    expect(states[ASK_TRIAGE].Resource).toMatch(/:states:::lambda:invoke\.waitForTaskToken$/);
    expect(states[ASK_TRIAGE].TimeoutSeconds).toBe(14 * 24 * 3600);
    expect(states[ASK_TRIAGE].Next).toBe('Read the triage decision');
    expect(states[ASK_TRIAGE].Catch).toEqual([
      { ErrorEquals: ['RequestClosedError'], ResultPath: null, Next: 'Request closed before approval' },
      {
        ErrorEquals: ['States.Timeout', 'TriageDecidedError'],
        ResultPath: null,
        Next: 'Read the triage decision',
      },
      { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'Record the failure' },
    ]);
    expect(states['Read the triage decision'].Next).toBe('Did the triager accept the request?');
    expect(states['Did the triager accept the request?']).toMatchObject({
      Choices: [
        {
          Variable: '$.triage.accepted',
          BooleanEquals: true,
          Next: 'Resolve the approval chain from the policy',
        },
        { Variable: '$.triage.notify', BooleanEquals: true, Next: 'Tell the requester the outcome' },
      ],
      Default: 'Nothing changed; nobody to tell',
    });
  });

  it('resolves the chain once, then loops: ask a step, find the next one, ask it, until the chain is done', () => {
    expect(states['Resolve the approval chain from the policy'].Next).toBe(
      'Begin with the first step to ask',
    );
    expect(states['Begin with the first step to ask']).toMatchObject({
      Type: 'Pass',
      Parameters: { 'step.$': '$.resolved.firstStep' },
      ResultPath: '$.next',
      Next: ASK,
    });
    expect(states[ASK].Parameters.Payload).toMatchObject({
      'step.$': '$.next.step',
      'chain.$': '$.resolved.chain',
    });
    expect(states[ASK].Next).toBe('Find the next step to ask');
    expect(states['Find the next step to ask'].Next).toBe('Is another step waiting for its approvers?');
    expect(states['Is another step waiting for its approvers?']).toMatchObject({
      Type: 'Choice',
      Choices: [
        { Variable: '$.next.sentBack', BooleanEquals: true, Next: 'Tell the requester the outcome' },
        { Variable: '$.next.step', IsNumeric: true, Next: ASK },
      ],
      Default: 'Commit the approved amount',
    });
  });

  it('moves on from a timed-out step by its recorded decision, ends quietly for a closed request, and records any other failure', () => {
    expect(states[ASK].Catch).toEqual([
      { ErrorEquals: ['States.Timeout'], ResultPath: null, Next: 'Find the next step to ask' },
      { ErrorEquals: ['RequestClosedError'], ResultPath: null, Next: 'Request closed before approval' },
      { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'Record the failure' },
    ]);
  });

  it('retries every task on named transient errors only, with backoff', () => {
    const tasks = Object.entries(states).filter(([, state]) => state.Type === 'Task');

    expect(tasks.length).toBe(12);
    for (const [name, task] of tasks) {
      const errors = task.Retry.flatMap((retry: Json) => retry.ErrorEquals);
      expect(errors, name).toEqual(expect.arrayContaining([...TRANSIENT_ERRORS, 'Lambda.ServiceException']));
      expect(errors, name).not.toContain('States.ALL');
      expect(errors, name).not.toContain('States.Timeout');
      for (const retry of task.Retry) expect(retry.BackoffRate, name).toBe(2);
    }
  });

  it('catches the failure of every task: no step fails silently', () => {
    const tasks = Object.entries(states).filter(([, state]) => state.Type === 'Task');

    for (const [name, task] of tasks) {
      expect(
        task.Catch?.some((c: Json) => c.ErrorEquals.includes('States.ALL')),
        name,
      ).toBe(true);
    }
  });

  it('gives every Fail state an error and a cause', () => {
    const fails = Object.values(states).filter((state) => state.Type === 'Fail');

    expect(fails.length).toBeGreaterThan(0);
    for (const fail of fails) {
      expect(fail.Error).toMatch(/^[A-Z]\w+$/);
      expect(fail.Cause.length).toBeGreaterThan(10);
    }
  });

  it('commits an approved amount only once the chain is done, then settles the request', () => {
    expect(states['Commit the approved amount'].Next).toBe('Did the approved amount fit its line?');
    expect(states['Did the approved amount fit its line?']).toMatchObject({
      Choices: [
        { Not: { Variable: '$.budget.refusal', IsNull: true }, Next: 'Add the budget exception step' },
      ],
      Default: 'Record the outcome',
    });
    expect(states['Record the outcome'].Parameters.Payload).toEqual({
      'requestId.$': '$.requestId',
      'budget.$': '$.budget',
    });
    expect(states['Record the outcome'].Next).toBe('Is there news for the requester?');
    expect(states['Is there news for the requester?'].Choices[0].Next).toBe('Tell the requester the outcome');
  });

  it('asks an over-budget request’s exception step like any step, or settles it when there is none', () => {
    expect(states['Add the budget exception step'].Parameters.Payload).toEqual({
      'requestId.$': '$.requestId',
      'budget.$': '$.budget',
    });
    expect(states['Add the budget exception step'].ResultPath).toBe('$.next');
    expect(states['Is there an exception step to ask?']).toMatchObject({
      Choices: [{ Variable: '$.next.step', IsNumeric: true, Next: ASK }],
      Default: 'Record the outcome',
    });
  });

  it('tells the requester about a failure it recorded, then fails the execution', () => {
    expect(states['Record the failure'].Next).toBe('Was the request marked ERROR?');
    expect(states['Was the request marked ERROR?'].Choices[0].Next).toBe(
      'Tell the requester about the failure',
    );
    expect(states['Tell the requester about the failure'].Next).toBe('Approval failed');
  });
});

describe('least privilege around the workflow', () => {
  const decisionHandlers = [
    entryOf('decideApproval'),
    entryOf('submitApprovalForm'),
    entryOf('triageRequest'),
  ];

  it('lets only the three decision handlers complete a waiting task (no task of the workflow completes its own)', () => {
    const completing = functions()
      .filter(([id]) => actionsOf(id).some((action) => /^states:SendTask(Success|Failure)$/.test(action)))
      .map(([, fn]) => fn.Metadata[ENTRY_METADATA_KEY]);

    expect(completing.sort()).toEqual([...decisionHandlers].sort());
  });

  it('lets submit, resubmit and the sweeper start executions, withdraw and the sweeper stop them, and nobody else touch Step Functions', () => {
    const byEntry: Record<string, string[]> = Object.fromEntries(
      functions().map(([id, fn]) => [
        fn.Metadata[ENTRY_METADATA_KEY],
        actionsOf(id).filter((action) => action.startsWith('states:')),
      ]),
    );

    expect(byEntry[entryOf('submitRequest')]).toEqual(['states:StartExecution']);
    expect(byEntry[entryOf('resubmitRequest')]).toEqual(['states:StartExecution']);
    expect(byEntry[APPROVAL_TASK_ENTRIES.startStrandedApprovals]?.sort()).toEqual([
      'states:DescribeExecution',
      'states:StartExecution',
      'states:StopExecution',
    ]);
    expect(byEntry[entryOf('withdrawRequest')]).toEqual(['states:StopExecution']);
    const allowed: string[] = [
      entryOf('submitRequest'),
      entryOf('resubmitRequest'),
      APPROVAL_TASK_ENTRIES.startStrandedApprovals,
      entryOf('withdrawRequest'),
      ...decisionHandlers,
    ];
    const others = Object.entries(byEntry).filter(
      ([entry, actions]) => actions.length > 0 && !allowed.includes(entry),
    );
    expect(others).toEqual([]);
  });

  it('lets only the three emailing tasks, the withdrawal and a delegation (telling approvers), the approval follow-up and the contract and portfolio digest jobs send email, and only from the configured sender', () => {
    const senders = functions().filter(([id]) => actionsOf(id).includes('ses:SendEmail'));

    expect(senders.map(([, fn]) => fn.Metadata[ENTRY_METADATA_KEY]).sort()).toEqual(
      [
        APPROVAL_TASK_ENTRIES.requestTriage,
        APPROVAL_TASK_ENTRIES.requestApproval,
        APPROVAL_TASK_ENTRIES.notifyRequester,
        entryOf('withdrawRequest'),
        entryOf('putMyDelegation'),
        APPROVAL_FOLLOW_UP_ENTRY,
        CONTRACT_DIGEST_ENTRY,
        PORTFOLIO_DIGEST_ENTRY,
      ].sort(),
    );
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'ses:SendEmail',
            Condition: { StringEquals: { 'ses:FromAddress': cdkContext['techops:emailSender'] } },
            Effect: 'Allow',
          }),
        ]),
      },
    });
  });

  it('keeps the approver page read-only: no write, no audit, no Step Functions', () => {
    const [id] = functionOfEntry(entryOf('showApprovalPage'));

    const actions = actionsOf(id);

    expect(actions).not.toContain('dynamodb:PutItem');
    expect(actions.filter((action) => action.startsWith('states:'))).toEqual([]);
  });

  it('tells the emailing task the public base URL and how long its links live', () => {
    const [, requestApproval] = functionOfEntry(APPROVAL_TASK_ENTRIES.requestApproval);

    expect(requestApproval.Properties.Environment.Variables).toEqual(
      expect.objectContaining({
        PUBLIC_BASE_URL: cdkContext['techops:publicBaseUrl'],
        APPROVAL_TIMEOUT_SECONDS: String(21 * 24 * 3600),
      }),
    );
  });
});

describe('the sweeper', () => {
  it('runs every five minutes with read access to requests only', () => {
    const [sweeperId, sweeper] = functionOfEntry(APPROVAL_TASK_ENTRIES.startStrandedApprovals);

    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [sweeperId, 'Arn'] } })],
    });
    expect(actionsOf(sweeperId)).not.toContain('dynamodb:PutItem');
    expect(Object.keys(sweeper.Properties.Environment.Variables)).toEqual(
      expect.arrayContaining(['REQUESTS_TABLE_NAME', 'APPROVAL_WORKFLOW_ARN']),
    );
  });
});

describe('the approvals table', () => {
  it("indexes pending approvals by approver's email, newest id first", () => {
    const [, list] = functionOfEntry(entryOf('listApprovals'));
    const tableId = list.Properties.Environment.Variables.APPROVALS_TABLE_NAME.Ref;
    const table = (template.findResources('AWS::DynamoDB::Table') as Record<string, Json>)[tableId];

    expect(table.Properties.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: 'byPendingApprover',
        KeySchema: [
          { AttributeName: 'pendingFor', KeyType: 'HASH' },
          { AttributeName: 'id', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
      {
        IndexName: 'byFollowUpDue',
        KeySchema: [
          { AttributeName: 'dueIn', KeyType: 'HASH' },
          { AttributeName: 'dueAt', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ]);
  });
});

describe('the approval follow-up', () => {
  it('runs every hour, writing approvals, requests and audit events and emailing, with no Scan', () => {
    const [jobId, job] = functionOfEntry(APPROVAL_FOLLOW_UP_ENTRY);

    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [jobId, 'Arn'] } })],
    });
    expect(actionsOf(jobId)).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:Query']));
    expect(actionsOf(jobId)).not.toContain('dynamodb:Scan');
    expect(Object.keys(job.Properties.Environment.Variables)).toEqual(
      expect.arrayContaining([
        'APPROVALS_TABLE_NAME',
        'REQUESTS_TABLE_NAME',
        'REFERENCE_TABLE_NAME',
        'AUDIT_TABLE_NAME',
        'PUBLIC_BASE_URL',
      ]),
    );
  });
});
