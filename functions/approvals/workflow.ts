import {
  DescribeExecutionCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { logger } from '../shared/logger.js';

/** The approval workflow as the API sees it: start, stop, and hand it a decision. */
const sfn = new SFNClient({});

const errorName = (error: unknown) => (error as { name?: string } | null)?.name;

/**
 * Executions of one request, named after it: one per submission round (the first is the
 * request's id, a resubmission's `<id>-r<round>`), then `<name>-2`, `-3`... for each recovery.
 */
const MAX_EXECUTIONS_PER_ROUND = 5;
function executionNameOf(requestId: string, round: number, attempt: number): string {
  const name = round === 1 ? requestId : `${requestId}-r${round}`;
  return attempt === 1 ? name : `${name}-${attempt}`;
}

/**
 * Starts a request's workflow for a submission round. The execution is named after the request
 * and round, so a retried submit (or the sweeper) can never start a second one:
 * ExecutionAlreadyExists means it already runs.
 */
export async function startApprovalWorkflow(
  stateMachineArn: string,
  requestId: string,
  round = 1,
): Promise<void> {
  try {
    await sfn.send(
      new StartExecutionCommand({
        stateMachineArn,
        name: executionNameOf(requestId, round, 1),
        input: JSON.stringify({ requestId }),
      }),
    );
  } catch (error) {
    if (errorName(error) !== 'ExecutionAlreadyExists') throw error;
  }
}

const executionArnOf = (stateMachineArn: string, name: string) =>
  `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;

/**
 * Starts the approval of a request stranded in SUBMITTED. When its execution has run for longer
 * than `strandedAfterMs` and the request is still SUBMITTED, it never asked for approval (a
 * request leaves SUBMITTED within seconds once asked): its task was lost, say to a crash. That
 * execution is stopped and a fresh one started, named `<request id>-<n>`; a younger execution
 * (one a sweep just started) is left to run. Deterministic names keep repeated sweeps from
 * starting two.
 */
export async function recoverApprovalWorkflow(
  stateMachineArn: string,
  request: { id: string; round: number },
  strandedAfterMs: number,
  now = new Date(),
): Promise<'started' | 'recovered' | 'running'> {
  const requestId = request.id;
  for (let attempt = 1; attempt <= MAX_EXECUTIONS_PER_ROUND; attempt++) {
    const name = executionNameOf(requestId, request.round, attempt);
    const executionArn = executionArnOf(stateMachineArn, name);
    let execution: { status?: string | undefined; startDate?: Date | undefined };
    try {
      execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    } catch (error) {
      if (errorName(error) !== 'ExecutionDoesNotExist') throw error;
      await sfn.send(
        new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify({ requestId }) }),
      );
      return attempt === 1 ? 'started' : 'recovered';
    }
    if (execution.status === 'RUNNING') {
      const age = now.getTime() - (execution.startDate?.getTime() ?? now.getTime());
      if (age < strandedAfterMs) return 'running';
      await sfn.send(
        new StopExecutionCommand({
          executionArn,
          error: 'ApprovalNeverAsked',
          cause: 'The request stayed SUBMITTED: its approval task was lost; a fresh execution takes over.',
        }),
      );
    }
  }
  throw new Error(
    `Request ${requestId} (round ${request.round}) has run out of approval executions to recover with.`,
  );
}

/** Stops a withdrawn request's execution; one that already ended is fine. */
export async function stopApprovalWorkflow(executionArn: string, cause: string): Promise<void> {
  try {
    await sfn.send(new StopExecutionCommand({ executionArn, error: 'RequestWithdrawn', cause }));
  } catch (error) {
    // The withdrawal is recorded and the approval voided: a late execution settles as a no-op.
    logger.warn('Could not stop the approval workflow', { executionArn, errorName: errorName(error) });
  }
}

/**
 * Hands the recorded decision (an approver's or a triager's) to the waiting task. The decision
 * is already recorded, so this never fails the caller: if the task is gone (it timed out a
 * moment earlier) or Step Functions cannot be reached, the step after the wait finds the
 * recorded decision and applies it.
 */
export async function completeWorkflowTask(taskToken: string, output: unknown): Promise<void> {
  try {
    await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
  } catch (error) {
    const name = errorName(error);
    const gone = name === 'TaskTimedOut' || name === 'TaskDoesNotExist';
    logger[gone ? 'warn' : 'error']('The decision is recorded but did not reach the workflow', {
      errorName: name,
    });
  }
}
