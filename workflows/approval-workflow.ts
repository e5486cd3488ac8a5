import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  Choice,
  Condition,
  DefinitionBody,
  Fail,
  IntegrationPattern,
  JsonPath,
  LogLevel,
  Pass,
  StateMachine,
  StateMachineType,
  Succeed,
  TaskInput,
  Timeout,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { POLICY_LIMITS } from '../functions/approval-policy/model.js';
import type { AppConfig } from '../infra/config.js';
import type { DataTables } from '../infra/constructs/data-tables.js';
import { DeadLetterQueue } from '../infra/constructs/dead-letter-queue.js';
import { DeploymentPolicy } from '../infra/constructs/deployment-policy.js';
import type { EmailSender } from '../infra/constructs/email-sender.js';
import { HandlerFunction } from '../infra/constructs/handler-function.js';
import { REQUEST_CLOSED_ERROR, TRANSIENT_ERRORS, TRIAGE_DECIDED_ERROR } from './approval-contracts.js';

/** The workflow's Lambdas that are not API routes: its task handlers and the sweeper. */
export const APPROVAL_TASK_ENTRIES = {
  applyAutoTriage: 'functions/triage/apply-auto-triage.ts',
  requestTriage: 'functions/triage/request-triage.ts',
  readTriageDecision: 'functions/triage/read-triage-decision.ts',
  resolveApprovalChain: 'functions/approvals/resolve-approval-chain.ts',
  requestApproval: 'functions/approvals/request-approval.ts',
  findNextStep: 'functions/approvals/find-next-step.ts',
  commitBudget: 'functions/approvals/commit-budget.ts',
  addBudgetException: 'functions/approvals/add-budget-exception.ts',
  settleRequest: 'functions/approvals/settle-request.ts',
  notifyRequester: 'functions/approvals/notify-requester.ts',
  startStrandedApprovals: 'functions/approvals/start-stranded-approvals.ts',
} as const;

/** How often the sweeper looks for requests whose workflow never started. */
export const SWEEP_INTERVAL = Duration.minutes(5);

export interface ApprovalWorkflowProps {
  data: DataTables;
  email: EmailSender;
  config: AppConfig;
}

/**
 * A request's triage and approval. Triage first: an auto-triage rule of the approval policy
 * accepts it, or the triagers are asked and the workflow waits for their decision (the task
 * token stays on the request); a request not accepted ends there (redirected, declined,
 * expired) or pauses for its requester's answer (NEEDS_INFO: a resubmission starts the next
 * round's execution). Then approval: resolve its chain from the approval policy, ask each step's approvers
 * in turn and wait for the first decision (the task token stays with the stored approvals); an
 * approver may send it back for changes, which ends the round (its resubmission, accepted by
 * triage already, goes on from that step, or restarts the chain when what decides it changed),
 * and once the last step approved commit the amount on the budget (over budget: one more step,
 * the budget exception, whose approver funds it by a transfer or rejects it); settle the
 * request from the recorded decisions, tell the requester. A rejection at any step ends the chain.
 * No decision in time: the request expires. A step that fails after its retries: the request
 * is marked ERROR and the execution fails, never silently.
 */
export class ApprovalWorkflow extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: ApprovalWorkflowProps) {
    super(scope, id);
    const { data, email, config } = props;

    const applyAutoTriage = new HandlerFunction(this, 'ApplyAutoTriage', {
      entry: APPROVAL_TASK_ENTRIES.applyAutoTriage,
      description:
        "Workflow: accept the request by the approval policy's auto-triage rules, when one matches",
    });
    data.grantRequestsWrite(applyAutoTriage);
    // The policy in force; the preferred vendor's status and risk.
    data.grantReferenceDataRead(applyAutoTriage);
    data.grantVendorsRead(applyAutoTriage);
    data.grantAuditAppend(applyAutoTriage);

    const requestTriage = new HandlerFunction(this, 'RequestTriage', {
      entry: APPROVAL_TASK_ENTRIES.requestTriage,
      description: 'Workflow: move the request to IN_TRIAGE with the task token and email the triagers',
      environment: { PUBLIC_BASE_URL: config.publicBaseUrl, TRIAGERS: JSON.stringify(config.triagers) },
    });
    data.grantRequestsWrite(requestTriage);
    data.grantReferenceDataRead(requestTriage);
    data.grantAuditAppend(requestTriage);
    email.grantSend(requestTriage);

    const readTriageDecision = new HandlerFunction(this, 'ReadTriageDecision', {
      entry: APPROVAL_TASK_ENTRIES.readTriageDecision,
      description:
        'Workflow: where triage left the request (a decision, or expired when nobody decided in time)',
    });
    data.grantRequestsWrite(readTriageDecision);
    data.grantAuditAppend(readTriageDecision);

    const resolveApprovalChain = new HandlerFunction(this, 'ResolveApprovalChain', {
      entry: APPROVAL_TASK_ENTRIES.resolveApprovalChain,
      description: "Approval workflow: resolve the request's approval chain from the policy in force",
    });
    data.grantRequestsRead(resolveApprovalChain);
    // The policy, business function heads and approver groups; the preferred vendor's risk and status.
    data.grantReferenceDataRead(resolveApprovalChain);
    data.grantVendorsRead(resolveApprovalChain);

    const requestApproval = new HandlerFunction(this, 'RequestApproval', {
      entry: APPROVAL_TASK_ENTRIES.requestApproval,
      description: 'Approval workflow: store the pending approval and email its link',
      environment: {
        PUBLIC_BASE_URL: config.publicBaseUrl,
        APPROVAL_TIMEOUT_SECONDS: String(config.approvalTimeout.toSeconds()),
      },
    });
    data.grantRequestsWrite(requestApproval);
    data.grantApprovalsWrite(requestApproval);
    data.grantReferenceDataRead(requestApproval);
    data.grantAuditAppend(requestApproval);
    email.grantSend(requestApproval);

    const findNextStep = new HandlerFunction(this, 'FindNextStep', {
      entry: APPROVAL_TASK_ENTRIES.findNextStep,
      description: "Approval workflow: the chain's next step to ask, once a step has approved",
    });
    data.grantRequestsRead(findNextStep);

    const settleRequest = new HandlerFunction(this, 'SettleRequest', {
      entry: APPROVAL_TASK_ENTRIES.settleRequest,
      description: 'Approval workflow: settle the request from its approval (decided, expired, failed)',
    });
    data.grantRequestsWrite(settleRequest);
    data.grantApprovalsWrite(settleRequest);
    data.grantAuditAppend(settleRequest);

    const commitBudget = new HandlerFunction(this, 'CommitBudget', {
      entry: APPROVAL_TASK_ENTRIES.commitBudget,
      description:
        "Approval workflow: commit an approved request's amount on its business function's line, making it APPROVED",
    });
    // The commitment and the request's move to APPROVED land in one transaction, with its audit event.
    data.grantRequestsWrite(commitBudget);
    data.grantApprovalsRead(commitBudget);
    data.grantBudgetsWrite(commitBudget);
    data.grantAuditAppend(commitBudget);

    const addBudgetException = new HandlerFunction(this, 'AddBudgetException', {
      entry: APPROVAL_TASK_ENTRIES.addBudgetException,
      description:
        "Approval workflow: over budget, add the exception step for the policy's budget-exception approver",
    });
    data.grantRequestsWrite(addBudgetException);
    // The policy, business function heads and approver groups; the preferred vendor; the year's budget.
    data.grantReferenceDataRead(addBudgetException);
    data.grantVendorsRead(addBudgetException);
    data.grantBudgetsRead(addBudgetException);
    data.grantAuditAppend(addBudgetException);

    const notifyRequester = new HandlerFunction(this, 'NotifyRequester', {
      entry: APPROVAL_TASK_ENTRIES.notifyRequester,
      description: 'Approval workflow: email the requester the outcome',
    });
    data.grantRequestsRead(notifyRequester);
    email.grantSend(notifyRequester);

    const requestId = JsonPath.stringAt('$.requestId');
    const withRetries = <T extends LambdaInvoke>(task: T): T => {
      // Lambda's own transient faults are retried by LambdaInvoke; these are ours.
      task.addRetry({
        errors: [...TRANSIENT_ERRORS],
        interval: Duration.seconds(1),
        backoffRate: 2,
        maxAttempts: 4,
      });
      return task;
    };

    const failed = new Fail(this, 'Approval failed', {
      error: 'ApprovalWorkflowFailed',
      cause: 'A step failed after its retries; the request is marked ERROR.',
    });
    const recordFailure = withRetries(
      new LambdaInvoke(this, 'Record the failure', {
        lambdaFunction: settleRequest,
        payload: TaskInput.fromObject({ requestId, failure: JsonPath.objectAt('$.failure') }),
        resultSelector: { 'notify.$': '$.Payload.notify' },
        resultPath: '$.failureRecorded',
      }),
    );
    recordFailure.addCatch(failed, { resultPath: '$.failureToRecord' });
    // Not silently: the requester hears that their request could not be processed.
    const tellAboutFailure = withRetries(
      new LambdaInvoke(this, 'Tell the requester about the failure', {
        lambdaFunction: notifyRequester,
        payload: TaskInput.fromObject({ requestId }),
        resultPath: JsonPath.DISCARD,
      }),
    );
    tellAboutFailure.addCatch(failed, { resultPath: '$.failureToTell' }).next(failed);
    recordFailure.next(
      new Choice(this, 'Was the request marked ERROR?')
        .when(Condition.booleanEquals('$.failureRecorded.notify', true), tellAboutFailure)
        .otherwise(failed),
    );
    const onFailure = { errors: ['States.ALL'], resultPath: '$.failure' };

    const notify = withRetries(
      new LambdaInvoke(this, 'Tell the requester the outcome', {
        lambdaFunction: notifyRequester,
        payload: TaskInput.fromObject({ requestId }),
        resultPath: JsonPath.DISCARD,
      }),
    );
    notify.addCatch(
      new Fail(this, 'Notification failed', {
        error: 'RequesterNotificationFailed',
        cause: 'The request is settled, but its requester could not be emailed.',
      }),
      { resultPath: '$.failure' },
    );
    notify.next(new Succeed(this, 'Approval finished'));
    const nothingToTell = new Succeed(this, 'Nothing changed; nobody to tell');
    const tellRequester = new Choice(this, 'Is there news for the requester?')
      .when(Condition.booleanEquals('$.settled.notify', true), notify)
      .otherwise(nothingToTell);

    // Approval consumes budget: once the chain is done, an approved request's amount is
    // committed before settling (its last decision may have raced the step's timeout). A
    // refusal is an answer; a rejection commits nothing.
    const commit = withRetries(
      new LambdaInvoke(this, 'Commit the approved amount', {
        lambdaFunction: commitBudget,
        payload: TaskInput.fromObject({ requestId }),
        resultSelector: { 'committed.$': '$.Payload.committed', 'refusal.$': '$.Payload.refusal' },
        resultPath: '$.budget',
      }),
    );
    commit.addCatch(recordFailure, onFailure);
    const settle = withRetries(
      new LambdaInvoke(this, 'Record the outcome', {
        lambdaFunction: settleRequest,
        payload: TaskInput.fromObject({ requestId, budget: JsonPath.objectAt('$.budget') }),
        resultSelector: { 'outcome.$': '$.Payload.outcome', 'notify.$': '$.Payload.notify' },
        resultPath: '$.settled',
      }),
    );
    settle.addCatch(recordFailure, onFailure);
    settle.next(tellRequester);
    // Over budget: the exception step is asked like any step (below); without one, settle.
    const addException = withRetries(
      new LambdaInvoke(this, 'Add the budget exception step', {
        lambdaFunction: addBudgetException,
        payload: TaskInput.fromObject({ requestId, budget: JsonPath.objectAt('$.budget') }),
        resultSelector: { 'step.$': '$.Payload.step' },
        resultPath: '$.next',
      }),
    );
    addException.addCatch(recordFailure, onFailure);
    const commitThenSettle = commit.next(
      new Choice(this, 'Did the approved amount fit its line?')
        // Not(IsNull) rather than IsNull false: the local Step Functions service reads the latter as never true.
        .when(Condition.not(Condition.isNull('$.budget.refusal')), addException)
        .otherwise(settle),
    );

    const resolve = withRetries(
      new LambdaInvoke(this, 'Resolve the approval chain from the policy', {
        lambdaFunction: resolveApprovalChain,
        payload: TaskInput.fromObject({ requestId }),
        resultSelector: { 'chain.$': '$.Payload.chain', 'firstStep.$': '$.Payload.firstStep' },
        resultPath: '$.resolved',
      }),
    );
    resolve.addCatch(recordFailure, onFailure);

    // The chain's loop: ask a step, wait for its first decision (or its timeout), then either
    // ask the next step or, when the chain is done, commit and settle.
    const askStep = withRetries(
      new LambdaInvoke(this, "Ask the step's approvers and wait for the decision", {
        lambdaFunction: requestApproval,
        integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
        payload: TaskInput.fromObject({
          requestId,
          step: JsonPath.numberAt('$.next.step'),
          chain: JsonPath.objectAt('$.resolved.chain'),
          taskToken: JsonPath.taskToken,
          executionArn: JsonPath.executionId,
        }),
        taskTimeout: Timeout.duration(config.approvalTimeout),
        resultPath: JsonPath.DISCARD,
      }),
    );
    const findNext = withRetries(
      new LambdaInvoke(this, 'Find the next step to ask', {
        lambdaFunction: findNextStep,
        payload: TaskInput.fromObject({ requestId }),
        resultSelector: { 'step.$': '$.Payload.step', 'sentBack.$': '$.Payload.sentBack' },
        resultPath: '$.next',
      }),
    );
    findNext.addCatch(recordFailure, onFailure);
    // A timed-out step is settled as expired, unless its decision landed just before the timeout.
    askStep.addCatch(findNext, { errors: ['States.Timeout'], resultPath: JsonPath.DISCARD });
    const closedBeforeApproval = new Succeed(this, 'Request closed before approval');
    const onClosed = { errors: [REQUEST_CLOSED_ERROR], resultPath: JsonPath.DISCARD };
    askStep.addCatch(closedBeforeApproval, onClosed);
    askStep.addCatch(recordFailure, onFailure);
    addException.next(
      new Choice(this, 'Is there an exception step to ask?')
        .when(Condition.isNumeric('$.next.step'), askStep)
        .otherwise(settle),
    );
    askStep.next(findNext).next(
      new Choice(this, 'Is another step waiting for its approvers?')
        // Sent back for changes: the requester is told; their resubmission starts the next round.
        .when(Condition.booleanEquals('$.next.sentBack', true), notify)
        .when(Condition.isNumeric('$.next.step'), askStep)
        .otherwise(commitThenSettle),
    );

    resolve
      .next(
        // Step 1, or after a send-back whose resubmission goes on, the step that sent it back.
        new Pass(this, 'Begin with the first step to ask', {
          parameters: { 'step.$': '$.resolved.firstStep' },
          resultPath: '$.next',
        }),
      )
      .next(askStep);

    // Triage, before anyone is asked to approve money.
    const triageOutcome = { 'accepted.$': '$.Payload.accepted', 'notify.$': '$.Payload.notify' };
    const autoTriage = withRetries(
      new LambdaInvoke(this, 'Apply the auto-triage rules', {
        lambdaFunction: applyAutoTriage,
        payload: TaskInput.fromObject({ requestId }),
        resultSelector: triageOutcome,
        resultPath: '$.triage',
      }),
    );
    const askTriage = withRetries(
      new LambdaInvoke(this, 'Ask the triagers and wait for the triage decision', {
        lambdaFunction: requestTriage,
        integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
        payload: TaskInput.fromObject({
          requestId,
          taskToken: JsonPath.taskToken,
          executionArn: JsonPath.executionId,
        }),
        taskTimeout: Timeout.duration(config.triageTimeout),
        resultPath: JsonPath.DISCARD,
      }),
    );
    const readTriage = withRetries(
      new LambdaInvoke(this, 'Read the triage decision', {
        lambdaFunction: readTriageDecision,
        payload: TaskInput.fromObject({ requestId }),
        resultSelector: triageOutcome,
        resultPath: '$.triage',
      }),
    );
    const accepted = Condition.booleanEquals('$.triage.accepted', true);
    for (const task of [autoTriage, askTriage]) task.addCatch(closedBeforeApproval, onClosed);
    // Nobody decided in time: the read finds the request still IN_TRIAGE and expires it. An ask
    // delivered again after the decision: the read finds the decision.
    askTriage.addCatch(readTriage, {
      errors: ['States.Timeout', TRIAGE_DECIDED_ERROR],
      resultPath: JsonPath.DISCARD,
    });
    for (const task of [autoTriage, askTriage, readTriage]) task.addCatch(recordFailure, onFailure);
    autoTriage.next(
      new Choice(this, 'Did an auto-triage rule accept the request?')
        .when(accepted, resolve)
        .otherwise(askTriage),
    );
    askTriage
      .next(readTriage)
      .next(
        new Choice(this, 'Did the triager accept the request?')
          .when(accepted, resolve)
          .when(Condition.booleanEquals('$.triage.notify', true), notify)
          .otherwise(nothingToTell),
      );

    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(autoTriage),
      // Waiting is most of an execution's life: triage, then up to the longest chain and its
      // budget exception step; the margin covers the steps around them.
      timeout: Duration.seconds(
        config.triageTimeout.toSeconds() +
          config.approvalTimeout.toSeconds() * (POLICY_LIMITS.stepsPerChain + 1),
      ).plus(Duration.days(1)),
      tracingEnabled: true,
      logs: {
        destination: DeploymentPolicy.of(this).logGroup(this, 'ExecutionLogs', RetentionDays.ONE_YEAR),
        level: LogLevel.ALL,
        // Execution data carries task tokens and request details: logged as events only.
        includeExecutionData: false,
      },
    });

    // The sweeper: a request whose workflow could not be started is not left in SUBMITTED.
    const sweeper = new HandlerFunction(this, 'StartStrandedApprovals', {
      entry: APPROVAL_TASK_ENTRIES.startStrandedApprovals,
      description: 'Approval workflow sweeper: start the approval of requests stranded in SUBMITTED',
      timeout: Duration.minutes(1),
      environment: { STRANDED_AFTER_SECONDS: String(config.strandedApprovalAfter.toSeconds()) },
    });
    data.grantRequestsRead(sweeper);
    this.grantStart(sweeper);
    // It looks at a stranded request's executions, and stops one whose approval task was lost.
    this.grantExecutionActions(sweeper, 'states:DescribeExecution', 'states:StopExecution');
    // A sweep older than the interval is superseded by the next one: retried until then, then kept.
    const sweeperFailures = new DeadLetterQueue(this, 'SweeperDeadLetters', 'the approval sweeper');
    sweeperFailures.receiveFailedInvocationsOf(sweeper, { retryAttempts: 2, maxEventAge: SWEEP_INTERVAL });
    new Rule(this, 'SweepSchedule', {
      description: 'Start the approval of requests stranded in SUBMITTED',
      schedule: Schedule.rate(SWEEP_INTERVAL),
      targets: [
        new LambdaFunction(sweeper, {
          retryAttempts: 2,
          maxEventAge: SWEEP_INTERVAL,
          deadLetterQueue: sweeperFailures.queue,
        }),
      ],
    });
    NagSuppressions.addResourceSuppressions(
      this.stateMachine,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            "Invoking a task Lambda includes its versions (<function arn>:*): this workflow's own task functions only.",
          appliesTo: [{ regex: '/^Resource::<ApprovalWorkflow[A-Za-z0-9]+\\.Arn>:\\*$/g' }],
        },
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'X-Ray segment uploads and CloudWatch Logs delivery management have no resource-level permissions.',
          appliesTo: ['Resource::*'],
        },
      ],
      true,
    );
  }

  /** The submit handler starts executions (named after the request). */
  grantStart(fn: HandlerFunction): void {
    fn.addEnvironment('APPROVAL_WORKFLOW_ARN', this.stateMachine.stateMachineArn);
    this.stateMachine.grantStartExecution(fn);
  }

  /** Withdrawal stops a request's execution. */
  grantStop(fn: HandlerFunction): void {
    this.grantExecutionActions(fn, 'states:StopExecution');
  }

  private grantExecutionActions(fn: HandlerFunction, ...actions: string[]): void {
    this.stateMachine.grantExecution(fn, ...actions);
    NagSuppressions.addResourceSuppressions(
      fn,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            "Executions are named after requests: the wildcard covers this state machine's executions only.",
          appliesTo: [
            {
              regex:
                '/^Resource::arn:<AWS::Partition>:states:.*:execution:.*ApprovalWorkflowStateMachine.*:\\*$/g',
            },
          ],
        },
      ],
      true,
    );
  }

  /** Only the decision handlers (approvers' and triagers') hand a decision to the waiting task. */
  grantDecide(fn: HandlerFunction): void {
    this.stateMachine.grantTaskResponse(fn);
  }
}
