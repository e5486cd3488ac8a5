import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The local Step Functions' executions, kept on disk (one JSON file per execution), so a
 * waiting execution resumes after a restart and the same token completes it.
 */

export type JSONValue = null | boolean | number | string | JSONValue[] | { [key: string]: JSONValue };

export interface HistoryEvent {
  id: number;
  timestamp: number;
  type: string;
  [details: string]: unknown;
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  input: string;
  status: ExecutionStatus;
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

/** Epoch seconds, as the Step Functions API gives dates. */
export const epochSeconds = (epochMs: number) => epochMs / 1000;

export class ExecutionStore {
  private readonly executions = new Map<string, ExecutionRecord>();

  constructor(private readonly directory: string) {
    mkdirSync(directory, { recursive: true });
  }

  /** Reads the executions of an earlier run into memory and returns them. */
  load(): ExecutionRecord[] {
    return readdirSync(this.directory)
      .filter((name) => name.endsWith('.json'))
      .map((file) => {
        const record = JSON.parse(readFileSync(path.join(this.directory, file), 'utf8')) as ExecutionRecord;
        this.executions.set(record.executionArn, record);
        return record;
      });
  }

  get(executionArn: string): ExecutionRecord | undefined {
    return this.executions.get(executionArn);
  }

  add(record: ExecutionRecord): void {
    this.executions.set(record.executionArn, record);
  }

  /** Appends an event to the execution's history and saves it. */
  appendEvent(record: ExecutionRecord, type: string, details: Record<string, unknown>): void {
    const previous = record.events.at(-1);
    record.events.push({
      id: (previous?.id ?? 0) + 1,
      timestamp: epochSeconds(Date.now()),
      type,
      ...(previous ? { previousEventId: previous.id } : {}),
      ...details,
    });
    this.save(record);
  }

  /** Written whole and renamed into place, so a crash never leaves half a record. */
  save(record: ExecutionRecord): void {
    const file = path.join(this.directory, `${record.name}.json`);
    writeFileSync(`${file}.tmp`, JSON.stringify(record));
    renameSync(`${file}.tmp`, file);
  }
}
