import { randomBytes } from 'node:crypto';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { lambdaErrorOf } from './aws-services.js';
import type { LocalLambdas } from './lambda-runtime.js';
import {
  type ExecutionRecord,
  type ExecutionStatus,
  type ExecutionStore,
  epochSeconds,
  type JSONValue,
} from './step-functions-store.js';
import type { LocalStateMachine } from './template.js';

/**
 * Runs the ASL synthesized by CDK with `aws-local-stepfunctions`, Task states invoking the
 * template's Lambdas as the service integrations do. It adds what that package lacks: task
 * tokens for `.waitForTaskToken` tasks, the task's own timeout, and the execution's progress
 * saved in the store as it goes, so a restart resumes where it was.
 */

type AslState = Record<string, unknown> & { Type: string };
type Definition = { StartAt: string; States: Record<string, AslState> } & Record<string, unknown>;

/** Stands in for `$$.Task.Token` in the context; each task entry swaps in a fresh token. */
const TOKEN_PLACEHOLDER = 'local-task-token-placeholder';
/** The package's own task timer must never fire first (and must fit a 32-bit setTimeout). */
const PACKAGE_TASK_TIMEOUT_SECONDS = 2_000_000;
const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const LAMBDA_INVOKE_WAIT = 'arn:aws:states:::lambda:invoke.waitForTaskToken';

/** Faults a test can inject, to prove recovery from them. */
export interface LocalStepFunctionsFaults {
  /**
   * Freezes a waiting task of this execution after it was saved and before its Lambda runs,
   * as if the local cloud crashed at that moment.
   */
  crashBeforeTaskDelivery?: (executionName: string) => boolean;
}

export interface PendingTask {
  executionArn: string;
  resolve: (output: JSONValue) => void;
  reject: (error: Error) => void;
}

export class TaskError extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

export class StepFunctionsExecutor {
  private readonly aborts = new Map<string, () => void>();
  private readonly tasks = new Map<string, PendingTask>();
  /** Cancels each running execution's timeout timer. */
  private readonly deadlines = new Map<string, () => void>();
  /** Tokens of tasks that timed out: completing one answers TaskTimedOut, as AWS does. */
  private readonly timedOutTokens = new Set<string>();
  private stopping = false;

  constructor(
    readonly machines: LocalStateMachine[],
    private readonly lambdas: LocalLambdas,
    private readonly store: ExecutionStore,
    private readonly log: (line: string) => void,
    private readonly faults: LocalStepFunctionsFaults = {},
  ) {}

  machineOf(arn: string): LocalStateMachine | undefined {
    return this.machines.find((machine) => machine.arn === arn);
  }

  /** Stops running executions in memory only: in the store they stay RUNNING, to resume on the next start. */
  stop(): void {
    this.stopping = true;
    for (const abort of this.aborts.values()) abort();
    this.aborts.clear();
    for (const cancel of this.deadlines.values()) cancel();
    this.deadlines.clear();
    // Settle the waits too, so no timer outlives the local cloud.
    for (const task of this.tasks.values())
      task.reject(new TaskError('Local.Stopping', 'The local cloud is stopping'));
    this.tasks.clear();
  }

  /** StopExecution: the execution ends ABORTED and its waiting task's token completes nothing any more. */
  abort(record: ExecutionRecord, details: { error?: string | undefined; cause?: string | undefined }): void {
    this.end(record, 'ABORTED', details);
  }

  /** The execution ran past its TimeoutSeconds: it ends TIMED_OUT, as in AWS. */
  private timeOut(record: ExecutionRecord): void {
    if (this.stopping) return;
    this.end(record, 'TIMED_OUT', {
      error: 'States.Timeout',
      cause: 'The execution ran longer than its TimeoutSeconds.',
    });
  }

  private end(
    record: ExecutionRecord,
    status: 'ABORTED' | 'TIMED_OUT',
    details: { error?: string | undefined; cause?: string | undefined },
  ): void {
    if (record.status !== 'RUNNING') return;
    // Taken before finish() forgets it.
    const abortRun = this.aborts.get(record.executionArn);
    this.finish(record, status, details);
    abortRun?.();
    for (const [token, task] of this.tasks) {
      if (task.executionArn !== record.executionArn) continue;
      this.tasks.delete(token);
      task.reject(new TaskError('States.Aborted', 'The execution was stopped'));
    }
  }

  /**
   * SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat: settles the task waiting on the token,
   * or says why there is none.
   */
  completeTask(
    token: string,
    settle: (task: PendingTask) => void,
    removes = true,
  ): 'TaskTimedOut' | 'TaskDoesNotExist' | undefined {
    const task = this.tasks.get(token);
    if (!task) return this.timedOutTokens.has(token) ? 'TaskTimedOut' : 'TaskDoesNotExist';
    if (removes) this.tasks.delete(token);
    settle(task);
    return undefined;
  }

  /** Runs (or resumes, from `from`) an execution to its end, recording its history as it goes. */
  run(record: ExecutionRecord, from?: { stateName: string; input: JSONValue }): void {
    const machine = this.machineOf(record.stateMachineArn) as LocalStateMachine;
    const definition = localCopy(machine.definition, from?.stateName);
    const overrides = Object.fromEntries(
      taskStatesOf(definition).map((stateName) => [
        stateName,
        (taskInput: JSONValue) =>
          this.runTask(record, stateName, machine.definition.States[stateName] as AslState, taskInput),
      ]),
    );
    const execution = new StateMachine(definition as unknown as StateMachineDefinition, {
      validationOptions: { noValidate: true },
    }).run(from ? from.input : (JSON.parse(record.input) as JSONValue), {
      overrides: { taskResourceLocalHandlers: overrides },
      noThrowOnAbort: true,
      context: {
        Execution: { Id: record.executionArn, Name: record.name, Input: JSON.parse(record.input) },
        StateMachine: { Id: machine.arn, Name: machine.name },
        Task: { Token: TOKEN_PLACEHOLDER },
      },
    });
    this.aborts.set(record.executionArn, execution.abort);
    // The execution's own TimeoutSeconds, kept here: a chain of waits can outlast what the package's timer holds.
    const executionTimeoutSeconds = Number(machine.definition.TimeoutSeconds ?? 0);
    if (executionTimeoutSeconds > 0) {
      this.deadlines.set(
        record.executionArn,
        atDeadline((record.startDate + executionTimeoutSeconds) * 1000, () => this.timeOut(record)),
      );
    }
    if (!from)
      this.store.appendEvent(record, 'ExecutionStarted', {
        executionStartedEventDetails: { input: record.input },
      });
    void (async () => {
      for await (const event of execution.eventLogs) {
        if (record.status !== 'RUNNING' || this.stopping) break;
        if (event.type === 'StateEntered' && definition.States[event.state.name]) {
          record.current = { stateName: event.state.name, input: event.state.input };
          this.store.appendEvent(record, `${event.state.type}StateEntered`, {
            stateEnteredEventDetails: { name: event.state.name, input: JSON.stringify(event.state.input) },
          });
        } else if (event.type === 'StateExited' && definition.States[event.state.name]) {
          this.store.appendEvent(record, `${event.state.type}StateExited`, {
            stateExitedEventDetails: { name: event.state.name, output: JSON.stringify(event.state.output) },
          });
        } else if (
          event.type === 'StateRetried' ||
          event.type === 'StateCaught' ||
          event.type === 'StateFailed'
        ) {
          this.store.appendEvent(record, `Local${event.type}`, { stateName: event.state.name });
        }
      }
    })();
    execution.result.then(
      (output) => {
        if (record.status === 'RUNNING' && !this.stopping)
          this.finish(record, 'SUCCEEDED', { output: JSON.stringify(output) });
      },
      (error: Error) => {
        if (record.status !== 'RUNNING' || this.stopping) return;
        const cause = (error.cause ?? error) as Error;
        this.finish(record, 'FAILED', { error: cause.name, cause: cause.message });
      },
    );
  }

  /** A Task state: the service integration its Resource names, against the local Lambdas. */
  private async runTask(
    record: ExecutionRecord,
    stateName: string,
    state: AslState,
    input: JSONValue,
  ): Promise<JSONValue> {
    if (this.stopping || record.status !== 'RUNNING') {
      throw new TaskError('Local.Stopping', 'The execution is no longer running');
    }
    const resource = String(state.Resource);
    if (resource === LAMBDA_INVOKE) {
      const { FunctionName, Payload } = input as { FunctionName: string; Payload?: JSONValue };
      return invokeResultOf(await this.invokeLambda(FunctionName, Payload ?? null));
    }
    if (resource.startsWith('arn:aws:lambda:'))
      return (await this.invokeLambda(resource, input)) as JSONValue;
    if (resource !== LAMBDA_INVOKE_WAIT) {
      throw new TaskError('States.Runtime', `The local Step Functions does not run ${resource} tasks`);
    }
    const resuming = record.waiting?.stateName === stateName ? record.waiting : undefined;
    const token = resuming?.token ?? randomBytes(48).toString('base64url');
    const enteredAt = resuming?.enteredAt ?? Date.now();
    const outcome = new Promise<JSONValue>((resolve, reject) => {
      this.tasks.set(token, { executionArn: record.executionArn, resolve, reject });
    });
    // Settled (by a stop, say) before the race below observes it: never an unhandled rejection.
    outcome.catch(() => {});
    const delivered = resuming !== undefined && resuming.delivered !== false;
    record.waiting = { stateName, token, enteredAt, delivered };
    this.store.save(record);
    const timeoutSeconds = Number(state.TimeoutSeconds ?? 0);
    let cancelTimeout = () => {};
    const timeout = new Promise<never>((_, reject) => {
      if (timeoutSeconds > 0) {
        cancelTimeout = atDeadline(enteredAt + timeoutSeconds * 1000, () => {
          this.timedOutTokens.add(token);
          reject(new TaskError('States.Timeout', 'The task timed out'));
        });
      }
    });
    try {
      if (!delivered) {
        if (this.faults.crashBeforeTaskDelivery?.(record.name)) return await new Promise<never>(() => {});
        const { FunctionName, Payload } = replaceToken(input, token) as {
          FunctionName: string;
          Payload?: JSONValue;
        };
        await this.invokeLambda(FunctionName, Payload ?? null);
        if (record.waiting?.token === token && !this.stopping) {
          record.waiting = { ...record.waiting, delivered: true };
          this.store.save(record);
        }
      }
      return await Promise.race([outcome, timeout]);
    } finally {
      cancelTimeout();
      this.tasks.delete(token);
      if (record.waiting?.token === token && !this.stopping) {
        record.waiting = undefined;
        this.store.save(record);
      }
    }
  }

  private async invokeLambda(functionName: string, payload: JSONValue): Promise<unknown> {
    const logicalId = functionName.split(':').pop() ?? functionName;
    try {
      return await this.lambdas.invoke(logicalId, payload);
    } catch (error) {
      // As the Lambda integrations report it: the error type as the error, the details as the cause.
      const { errorType, errorMessage } = lambdaErrorOf(error);
      throw new TaskError(errorType, JSON.stringify({ errorType, errorMessage }));
    }
  }

  private finish(
    record: ExecutionRecord,
    status: Exclude<ExecutionStatus, 'RUNNING'>,
    details: { output?: string | undefined; error?: string | undefined; cause?: string | undefined },
  ): void {
    record.status = status;
    record.stopDate = epochSeconds(Date.now());
    Object.assign(record, details);
    record.waiting = undefined;
    this.aborts.delete(record.executionArn);
    this.deadlines.get(record.executionArn)?.();
    this.deadlines.delete(record.executionArn);
    const type = {
      SUCCEEDED: 'ExecutionSucceeded',
      FAILED: 'ExecutionFailed',
      TIMED_OUT: 'ExecutionTimedOut',
      ABORTED: 'ExecutionAborted',
    }[status];
    this.store.appendEvent(record, type, details);
    this.log(`Execution ${record.name} ${status}${details.error ? ` (${details.error})` : ''}`);
  }
}

/** What `arn:aws:states:::lambda:invoke` returns: the payload and the invocation's metadata. */
function invokeResultOf(payload: unknown): JSONValue {
  return {
    ExecutedVersion: '$LATEST',
    Payload: (payload ?? null) as JSONValue,
    SdkHttpMetadata: { HttpStatusCode: 200 },
    SdkResponseMetadata: { RequestId: crypto.randomUUID() },
    StatusCode: 200,
  };
}

function replaceToken(value: JSONValue, token: string): JSONValue {
  if (value === TOKEN_PLACEHOLDER) return token;
  if (Array.isArray(value)) return value.map((item) => replaceToken(item, token));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, replaceToken(inner, token)]));
  }
  return value;
}

function taskStatesOf(definition: Definition): string[] {
  return Object.entries(definition.States)
    .filter(([, state]) => state.Type === 'Task')
    .map(([name]) => name);
}

/**
 * Calls `expire` at the deadline (epoch milliseconds); returns the cancel. setTimeout holds at
 * most ~24.8 days: it re-arms until the deadline for longer ones.
 */
function atDeadline(deadline: number, expire: () => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return expire();
    timer = setTimeout(arm, Math.min(remaining, 2 ** 31 - 1));
    timer.unref();
  };
  arm();
  return () => clearTimeout(timer);
}

/** The definition as the package runs it: from `startAt` when resuming, task and execution timeouts enforced here. */
function localCopy(definition: Definition, startAt?: string): Definition {
  const states = Object.fromEntries(
    Object.entries(definition.States).map(([name, state]) => {
      if (state.Type !== 'Task') return [name, state];
      const { HeartbeatSeconds: _heartbeat, ...rest } = state;
      return [name, { ...rest, TimeoutSeconds: PACKAGE_TASK_TIMEOUT_SECONDS }];
    }),
  );
  const { TimeoutSeconds: _timeout, ...rest } = definition;
  return { ...rest, StartAt: startAt ?? definition.StartAt, States: states } as Definition;
}
