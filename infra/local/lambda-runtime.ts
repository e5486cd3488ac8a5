import type { WriteStream } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { LOCAL_REGION, type LocalFunction } from './template.js';

const WORKER = path.join(import.meta.dirname, 'lambda-worker.mjs');
/** The pause before an asynchronous invocation's next attempt, times the attempts so far. */
const ASYNC_RETRY_DELAY_MS = 1_000;

export class LambdaInvocationError extends Error {
  constructor(
    functionName: string,
    readonly errorMessage: string,
    /** What Lambda reports as the error type: the thrown error's name, or the runtime's own. */
    readonly errorType = 'Runtime.Unknown',
  ) {
    super(`Lambda ${functionName} failed: ${errorMessage}`);
    this.name = 'LambdaInvocationError';
  }
}

/** What Lambda's REPORT line tells of an invocation, as the local environment measured it. */
export interface InvocationReport {
  durationMs: number;
  /** The most V8 heap the environment used during the invocation (sampled every 10 ms). */
  maxHeapUsedBytes: number;
  /** The most memory outside the heap held by its objects (Buffers, ArrayBuffers). */
  maxExternalBytes: number;
}

interface Pending {
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** One warm execution environment of a function and the invocations it is running. */
interface Environment {
  logicalId: string;
  worker: Worker;
  pending: Map<number, Pending>;
}

/**
 * Runs the synthesized Lambda bundles like the Lambda service: one warm environment per
 * function (a worker thread with exactly the environment CDK declared), started on first use,
 * with the function's timeout enforced.
 */
export class LocalLambdas {
  private readonly workers = new Map<string, Environment>();
  private readonly reports = new Map<string, InvocationReport>();
  private nextInvocationId = 1;

  constructor(
    private readonly functions: LocalFunction[],
    /** What the local cloud adds to every function's environment: endpoints, region, fake keys. */
    private readonly localEnvironment: Record<string, string>,
    private readonly logStream: WriteStream,
  ) {}

  /** Name and description of every function, as ListFunctions tells them. */
  list(): { FunctionName: string; Description: string }[] {
    return this.functions.map((fn) => ({ FunctionName: fn.logicalId, Description: fn.description }));
  }

  /** The report of the function's last finished invocation (also in the functions log as REPORT). */
  lastReport(logicalId: string): InvocationReport | undefined {
    return this.reports.get(logicalId);
  }

  has(logicalId: string): boolean {
    return this.functions.some((candidate) => candidate.logicalId === logicalId);
  }

  invoke(logicalId: string, event: unknown): Promise<unknown> {
    const fn = this.functions.find((candidate) => candidate.logicalId === logicalId);
    if (!fn) return Promise.reject(new Error(`No Lambda ${logicalId} in the template`));
    const environment = this.environmentOf(fn);
    const invocationId = this.nextInvocationId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        // Like Lambda: a timed-out environment is thrown away; the next call gets a fresh one.
        this.discard(
          environment,
          new LambdaInvocationError(logicalId, `timed out after ${fn.timeoutSeconds} s`, 'Sandbox.Timedout'),
        );
      }, fn.timeoutSeconds * 1000);
      environment.pending.set(invocationId, { resolve, reject, timer });
      environment.worker.postMessage({ invocationId, event });
    });
  }

  /**
   * An asynchronous invocation (InvocationType Event, as schedules and POST /exports make
   * them): queued, tried again after a failure as often as the function's EventInvokeConfig
   * says (a second apart locally; minutes apart in AWS), and reported when every attempt failed
   * (where AWS would hand the event to the function's dead-letter queue).
   */
  invokeAsync(logicalId: string, event: unknown, onFailure: (error: Error, attempts: number) => void): void {
    const attempts = 1 + (this.functions.find((fn) => fn.logicalId === logicalId)?.asyncRetryAttempts ?? 2);
    void (async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          await this.invoke(logicalId, event);
          return;
        } catch (error) {
          if (attempt >= attempts) return onFailure(error as Error, attempt);
          await sleep(ASYNC_RETRY_DELAY_MS * attempt);
        }
      }
    })();
  }

  private environmentOf(fn: LocalFunction): Environment {
    const existing = this.workers.get(fn.logicalId);
    if (existing) return existing;
    const worker = new Worker(WORKER, {
      workerData: {
        bundlePath: fn.bundlePath,
        handlerName: fn.handlerName,
        functionName: fn.logicalId,
        memorySize: fn.memorySize,
        timeoutSeconds: fn.timeoutSeconds,
      },
      // A Lambda has MemorySize in all; its heap cannot outgrow that here either (a handler that
      // would run out of memory in AWS fails locally, rather than using the machine's).
      resourceLimits: { maxOldGenerationSizeMb: fn.memorySize },
      env: {
        PATH: process.env.PATH ?? '',
        TZ: 'UTC',
        AWS_REGION: LOCAL_REGION,
        AWS_DEFAULT_REGION: LOCAL_REGION,
        AWS_LAMBDA_FUNCTION_NAME: fn.logicalId,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
        ...this.localEnvironment,
        ...fn.environment,
      },
      stdout: true,
      stderr: true,
    });
    const toLog = (chunk: Buffer) => this.logStream.write(chunk);
    worker.stdout.on('data', toLog);
    worker.stderr.on('data', toLog);
    const entry: Environment = { logicalId: fn.logicalId, worker, pending: new Map<number, Pending>() };
    worker.on(
      'message',
      (message: {
        invocationId: number;
        result?: unknown;
        error?: { name: string; message: string };
        report: InvocationReport;
      }) => {
        this.reports.set(fn.logicalId, message.report);
        const pending = entry.pending.get(message.invocationId);
        if (!pending) return;
        entry.pending.delete(message.invocationId);
        clearTimeout(pending.timer);
        if (message.error) {
          pending.reject(new LambdaInvocationError(fn.logicalId, message.error.message, message.error.name));
        } else pending.resolve(message.result);
      },
    );
    // Events of an environment concern that environment only: a discarded one exits later,
    // when its replacement may already be serving calls.
    worker.on('error', (error) =>
      this.discard(entry, new LambdaInvocationError(fn.logicalId, error.message)),
    );
    worker.on('exit', () =>
      this.discard(entry, new LambdaInvocationError(fn.logicalId, 'environment exited')),
    );
    this.workers.set(fn.logicalId, entry);
    return entry;
  }

  private discard(environment: Environment, reason: Error): void {
    if (this.workers.get(environment.logicalId) === environment) this.workers.delete(environment.logicalId);
    for (const pending of environment.pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(reason);
    }
    environment.pending.clear();
    void environment.worker.terminate();
  }

  async stop(): Promise<void> {
    for (const environment of [...this.workers.values()]) {
      this.discard(environment, new Error('The local cloud is stopping'));
    }
  }
}
