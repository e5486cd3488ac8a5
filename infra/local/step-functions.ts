import { awsError, type LocalResponse, type LocalService } from './aws-services.js';
import type { LocalLambdas } from './lambda-runtime.js';
import {
  type LocalStepFunctionsFaults,
  type PendingTask,
  StepFunctionsExecutor,
  TaskError,
} from './step-functions-executor.js';
import {
  type ExecutionRecord,
  ExecutionStore,
  epochSeconds,
  type JSONValue,
} from './step-functions-store.js';
import { LOCAL_ACCOUNT, LOCAL_REGION, type LocalStateMachine } from './template.js';

export type { LocalStepFunctionsFaults } from './step-functions-executor.js';

/**
 * The Step Functions API, locally: the operations the app and its tests call, spoken in the
 * service's JSON protocol so `@aws-sdk/client-sfn` works unchanged. The executor runs the ASL
 * (step-functions-executor.ts); the executions are kept on disk (step-functions-store.ts).
 */
export class LocalStepFunctions implements LocalService {
  readonly name = 'Step Functions';
  readonly endpointId = 'SFN';
  private readonly store: ExecutionStore;
  private readonly executor: StepFunctionsExecutor;

  constructor(
    private readonly machines: LocalStateMachine[],
    lambdas: LocalLambdas,
    directory: string,
    log: (line: string) => void,
    faults: LocalStepFunctionsFaults = {},
  ) {
    this.store = new ExecutionStore(directory);
    this.executor = new StepFunctionsExecutor(machines, lambdas, this.store, log, faults);
  }

  /** Picks up the executions of an earlier run: running ones carry on where they were. */
  resumeAll(): number {
    let resumed = 0;
    for (const record of this.store.load()) {
      if (record.status === 'RUNNING' && this.executor.machineOf(record.stateMachineArn)) {
        this.executor.run(record, record.current);
        resumed++;
      }
    }
    return resumed;
  }

  /** Stops running executions in memory only: on disk they stay RUNNING, to resume on the next start. */
  async stop(): Promise<void> {
    this.executor.stop();
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
        return this.withExecution(input, (record) => {
          this.executor.abort(record, {
            error: input.error === undefined ? undefined : String(input.error),
            cause: input.cause === undefined ? undefined : String(input.cause),
          });
          return { status: 200, body: { stopDate: record.stopDate } };
        });
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

  private startExecution(input: Record<string, unknown>): LocalResponse {
    const machine = this.executor.machineOf(String(input.stateMachineArn));
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
    const existing = this.store.get(executionArn);
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
      startDate: epochSeconds(Date.now()),
      events: [],
    };
    this.store.add(record);
    this.executor.run(record);
    return { status: 200, body: { executionArn, startDate: record.startDate } };
  }

  private withExecution(
    input: Record<string, unknown>,
    answer: (record: ExecutionRecord) => LocalResponse,
  ): LocalResponse {
    const record = this.store.get(String(input.executionArn));
    if (!record)
      return awsError(400, 'ExecutionDoesNotExist', `Execution does not exist: ${input.executionArn}`);
    return answer(record);
  }

  private completeTask(
    input: Record<string, unknown>,
    settle: (task: PendingTask) => void,
    removes = true,
  ): LocalResponse {
    const refusal = this.executor.completeTask(String(input.taskToken ?? ''), settle, removes);
    if (refusal === 'TaskTimedOut') return awsError(400, 'TaskTimedOut', 'The task timed out');
    if (refusal === 'TaskDoesNotExist') return awsError(400, 'TaskDoesNotExist', 'Task does not exist');
    return { status: 200, body: {} };
  }
}

function describe(record: ExecutionRecord) {
  const { executionArn, stateMachineArn, name, status, startDate, stopDate, input, output, error, cause } =
    record;
  return { executionArn, stateMachineArn, name, status, startDate, stopDate, input, output, error, cause };
}
