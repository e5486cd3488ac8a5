import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { awsError, type LocalResponse, type LocalService, lambdaErrorOf } from './aws-services.js';
import type { LocalLambdas } from './lambda-runtime.js';
import { LOCAL_ACCOUNT, LOCAL_REGION, type LocalStateMachine } from './template.js';

/**
 * The Step Functions API, locally: runs the ASL synthesized by CDK with `aws-local-stepfunctions`,
 * Task states invoking the template's Lambdas as the service integrations do. It adds what that
 * package lacks: task tokens for `.waitForTaskToken` tasks, the task's own timeout, and executions
 * kept on disk, so a waiting execution resumes after a restart and the same token completes it.
 */

type JSONValue = null | boolean | number | string | JSONValue[] | { [key: string]: JSONValue };
type AslState = Record<string, unknown> & { Type: string };
type Definition = { StartAt: string; States: Record<string, AslState> } & Record<string, unknown>;

/** Stands in for `$$.Task.Token` in the context; each task entry swaps in a fresh token. */
const TOKEN_PLACEHOLDER = 'local-task-token-placeholder';
/** The package's own task timer must never fire first (and must fit a 32-bit setTimeout). */
const PACKAGE_TASK_TIMEOUT_SECONDS = 2_000_000;
const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const LAMBDA_INVOKE_WAIT = 'arn:aws:states:::lambda:invoke.waitForTaskToken';

interface HistoryEvent {
  id: number;
  timestamp: number;
  type: string;
  [details: string]: unknown;
}

interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  input: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  startDate: number;
  stopDate?: number;
  output?: string;
  error?: string;
  cause?: string;
  events: HistoryEvent[];
  /** The top-level state being run and its raw input: where a restart resumes. */
  current?: { stateName: string; input: JSONValue };
  /**
   * A task waiting for its token: a restart waits on the same token. `delivered` is false until
   * the task's Lambda has run; a task not delivered yet is delivered again after a restart (at
   * least once, as in AWS), with the same token.
   */
  waiting?: { stateName: string; token: string; enteredAt: number; delivered?: boolean };
}

/** Faults a test can inject, to prove recovery from them. */
export interface LocalStepFunctionsFaults {
  /**
   * Freezes a waiting task of this execution after it was saved and before its Lambda runs,
   * as if the local cloud crashed at that moment.
   */
  crashBeforeTaskDelivery?: (executionName: string) => boolean;
}

interface PendingTask {
  executionArn: string;
  resolve: (output: JSONValue) => void;
  reject: (error: Error) => void;
}

class TaskError extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

const seconds = (epochMs: number) => epochMs / 1000;

export class LocalStepFunctions implements LocalService {
  readonly name = 'Step Functions';
  readonly endpointId = 'SFN';
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly aborts = new Map<string, () => void>();
  private readonly tasks = new Map<string, PendingTask>();
  /** Tokens of tasks that timed out: completing one answers TaskTimedOut, as AWS does. */
  private readonly timedOutTokens = new Set<string>();
  private stopping = false;

  constructor(
    private readonly machines: LocalStateMachine[],
    private readonly lambdas: LocalLambdas,
    private readonly directory: string,
    private readonly log: (line: string) => void,
    private readonly faults: LocalStepFunctionsFaults = {},
  ) {
    mkdirSync(directory, { recursive: true });
  }

  /** Picks up the executions of an earlier run: running ones carry on where they were. */
  resumeAll(): number {
    let resumed = 0;
    for (const file of readdirSync(this.directory).filter((name) => name.endsWith('.json'))) {
      const record = JSON.parse(readFileSync(path.join(this.directory, file), 'utf8')) as ExecutionRecord;
      this.executions.set(record.executionArn, record);
      if (record.status === 'RUNNING' && this.machineOf(record.stateMachineArn)) {
        this.run(record, record.current);
        resumed++;
      }
    }
    return resumed;
  }

  /** Stops running executions in memory only: on disk they stay RUNNING, to resume on the next start. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const abort of this.aborts.values()) abort();
    this.aborts.clear();
    // Settle the waits too, so no timer outlives the local cloud.
    for (const task of this.tasks.values())
      task.reject(new TaskError('Local.Stopping', 'The local cloud is stopping'));
    this.tasks.clear();
  }

  handles(request: { headers: Record<string, string | string[] | undefined> }): boolean {
    return String(request.headers['x-amz-target'] ?? '').startsWith('AWSStepFunctions.');
  }

  async handle(request: { headers: Record<string, string | string[] | undefined> }, body: Buffer) {
    const operation = String(request.headers['x-amz-target']).replace('AWSStepFunctions.', '');
    const input = (body.length > 0 ? JSON.parse(body.toString('utf8')) : {}) as Record<string, unknown>;
    switch (operation) {
      case 'StartExecution':
        return this.startExecution(input);
      case 'ListStateMachines':
        return {
          status: 200,
          body: {
            stateMachines: this.machines.map((machine) => ({
              stateMachineArn: machine.arn,
              name: machine.name,
              type: 'STANDARD',
              creationDate: 0,
            })),
          },
        };
      case 'DescribeExecution':
        return this.withExecution(input, (record) => ({ status: 200, body: describe(record) }));
      case 'StopExecution':
        return this.withExecution(input, (record) => this.stopExecution(record, input));
      case 'GetExecutionHistory':
        return this.withExecution(input, (record) => ({
          status: 200,
          body: { events: input.reverseOrder ? [...record.events].reverse() : record.events },
        }));
      case 'SendTaskSuccess':
        return this.completeTask(input, (task) =>
          task.resolve(JSON.parse(String(input.output)) as JSONValue),
        );
      case 'SendTaskFailure':
        return this.completeTask(input, (task) =>
          task.reject(new TaskError(String(input.error ?? 'States.TaskFailed'), String(input.cause ?? ''))),
        );
      case 'SendTaskHeartbeat':
        return this.completeTask(input, () => {}, false);
      default:
        return awsError(
          400,
          'UnknownOperationException',
          `${operation} is not served by the local Step Functions`,
        );
    }
  }

  private machineOf(arn: string): LocalStateMachine | undefined {
    return this.machines.find((machine) => machine.arn === arn);
  }

  private startExecution(input: Record<string, unknown>): LocalResponse {
    const machine = this.machineOf(String(input.stateMachineArn));
    if (!machine)
      return awsError(
        400,
        'StateMachineDoesNotExist',
        `State machine does not exist: ${input.stateMachineArn}`,
      );
    const name = String(input.name ?? crypto.randomUUID());
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(name))
      return awsError(400, 'InvalidName', `Invalid execution name: ${name}`);
    const executionInput = String(input.input ?? '{}');
    try {
      JSON.parse(executionInput);
    } catch {
      return awsError(400, 'InvalidExecutionInput', 'The execution input is not JSON');
    }
    const executionArn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:execution:${machine.name}:${name}`;
    const existing = this.executions.get(executionArn);
    if (existing) {
      // As in AWS: the same name and input while it runs is the same start; anything else is refused.
      if (existing.status === 'RUNNING' && existing.input === executionInput) {
        return { status: 200, body: { executionArn, startDate: existing.startDate } };
      }
      return awsError(400, 'ExecutionAlreadyExists', `Execution already exists: '${executionArn}'`);
    }
    const record: ExecutionRecord = {
      executionArn,
      stateMachineArn: machine.arn,
      name,
      input: executionInput,
      status: 'RUNNING',
      startDate: seconds(Date.now()),
      events: [],
    };
    this.executions.set(executionArn, record);
    this.run(record);
    return { status: 200, body: { executionArn, startDate: record.startDate } };
  }

  private withExecution(
    input: Record<string, unknown>,
    answer: (record: ExecutionRecord) => LocalResponse,
  ): LocalResponse {
    const record = this.executions.get(String(input.executionArn));
    if (!record)
      return awsError(400, 'ExecutionDoesNotExist', `Execution does not exist: ${input.executionArn}`);
    return answer(record);
  }

  private stopExecution(record: ExecutionRecord, input: Record<string, unknown>): LocalResponse {
    if (record.status === 'RUNNING') {
      this.finish(record, 'ABORTED', {
        error: input.error === undefined ? undefined : String(input.error),
        cause: input.cause === undefined ? undefined : String(input.cause),
      });
      this.aborts.get(record.executionArn)?.();
      // Its waiting task is gone too: its token completes nothing any more.
      for (const [token, task] of this.tasks) {
        if (task.executionArn !== record.executionArn) continue;
        this.tasks.delete(token);
        task.reject(new TaskError('States.Aborted', 'The execution was stopped'));
      }
    }
    return { status: 200, body: { stopDate: record.stopDate } };
  }

  private completeTask(
    input: Record<string, unknown>,
    settle: (task: PendingTask) => void,
    removes = true,
  ): LocalResponse {
    const token = String(input.taskToken ?? '');
    const task = this.tasks.get(token);
    if (!task) {
      return this.timedOutTokens.has(token)
        ? awsError(400, 'TaskTimedOut', 'The task timed out')
        : awsError(400, 'TaskDoesNotExist', 'Task does not exist');
    }
    if (removes) this.tasks.delete(token);
    settle(task);
    return { status: 200, body: {} };
  }

  /** Runs (or resumes, from `from`) an execution to its end, recording its history as it goes. */
  private run(record: ExecutionRecord, from?: { stateName: string; input: JSONValue }): void {
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
    if (!from)
      this.record(record, 'ExecutionStarted', { executionStartedEventDetails: { input: record.input } });
    void (async () => {
      for await (const event of execution.eventLogs) {
        if (record.status !== 'RUNNING' || this.stopping) break;
        if (event.type === 'StateEntered' && definition.States[event.state.name]) {
          record.current = { stateName: event.state.name, input: event.state.input };
          this.record(record, `${event.state.type}StateEntered`, {
            stateEnteredEventDetails: { name: event.state.name, input: JSON.stringify(event.state.input) },
          });
        } else if (event.type === 'StateExited' && definition.States[event.state.name]) {
          this.record(record, `${event.state.type}StateExited`, {
            stateExitedEventDetails: { name: event.state.name, output: JSON.stringify(event.state.output) },
          });
        } else if (
          event.type === 'StateRetried' ||
          event.type === 'StateCaught' ||
          event.type === 'StateFailed'
        ) {
          this.record(record, `Local${event.type}`, { stateName: event.state.name });
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
    this.persist(record);
    const timeoutSeconds = Number(state.TimeoutSeconds ?? 0);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      if (timeoutSeconds > 0) {
        const deadline = enteredAt + timeoutSeconds * 1000;
        // setTimeout holds at most ~24.8 days: re-arm until the deadline for longer timeouts.
        const arm = () => {
          const remaining = deadline - Date.now();
          if (remaining <= 0) {
            this.timedOutTokens.add(token);
            return reject(new TaskError('States.Timeout', 'The task timed out'));
          }
          timer = setTimeout(arm, Math.min(remaining, 2 ** 31 - 1));
          timer.unref();
        };
        arm();
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
          this.persist(record);
        }
      }
      return await Promise.race([outcome, timeout]);
    } finally {
      clearTimeout(timer);
      this.tasks.delete(token);
      if (record.waiting?.token === token && !this.stopping) {
        record.waiting = undefined;
        this.persist(record);
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
    status: Exclude<ExecutionRecord['status'], 'RUNNING'>,
    details: { output?: string; error?: string; cause?: string },
  ): void {
    record.status = status;
    record.stopDate = seconds(Date.now());
    Object.assign(record, details);
    record.waiting = undefined;
    this.aborts.delete(record.executionArn);
    const type = {
      SUCCEEDED: 'ExecutionSucceeded',
      FAILED: 'ExecutionFailed',
      TIMED_OUT: 'ExecutionTimedOut',
      ABORTED: 'ExecutionAborted',
    }[status];
    this.record(record, type, details);
    this.log(`Execution ${record.name} ${status}${details.error ? ` (${details.error})` : ''}`);
  }

  private record(record: ExecutionRecord, type: string, details: Record<string, unknown>): void {
    const previous = record.events.at(-1);
    record.events.push({
      id: (previous?.id ?? 0) + 1,
      timestamp: seconds(Date.now()),
      type,
      ...(previous ? { previousEventId: previous.id } : {}),
      ...details,
    });
    this.persist(record);
  }

  /** Written whole and renamed into place, so a crash never leaves half a record. */
  private persist(record: ExecutionRecord): void {
    const file = path.join(this.directory, `${record.name}.json`);
    writeFileSync(`${file}.tmp`, JSON.stringify(record));
    renameSync(`${file}.tmp`, file);
  }
}

function describe(record: ExecutionRecord) {
  const { executionArn, stateMachineArn, name, status, startDate, stopDate, input, output, error, cause } =
    record;
  return { executionArn, stateMachineArn, name, status, startDate, stopDate, input, output, error, cause };
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

/** The definition as the package runs it: from `startAt` when resuming, task timeouts enforced here. */
function localCopy(definition: Definition, startAt?: string): Definition {
  const states = Object.fromEntries(
    Object.entries(definition.States).map(([name, state]) => {
      if (state.Type !== 'Task') return [name, state];
      const { HeartbeatSeconds: _heartbeat, ...rest } = state;
      return [name, { ...rest, TimeoutSeconds: PACKAGE_TASK_TIMEOUT_SECONDS }];
    }),
  );
  return { ...definition, StartAt: startAt ?? definition.StartAt, States: states };
}
