import { getFiscalYear } from '../budgets/budget-store.js';
import { type Caller, personOf, requireRole } from '../shared/auth.js';
import { ConflictError, NotFoundError, ServiceUnavailableError, ValidationError } from '../shared/errors.js';
import { type Alongside, nothingAlongside } from '../shared/idempotency.js';
import { newId } from '../shared/ids.js';
import { logger } from '../shared/logger.js';
import { getExport, markFailed, putNewExport } from './export-store.js';
import {
  type CreateExportInput,
  type ExportResourceType,
  type Sequences,
  type StoredExport,
  toExportResource,
} from './model.js';

/**
 * Exports as jobs: POST /exports records the job and hands it to the export job Lambda
 * (invoked asynchronously, so the API answers at once); the job (export-jobs.ts) streams the
 * file into the exports bucket and records its rows, bytes and SHA-256; GET /exports/{id}
 * (export-status.ts) shows where it is. This module needs neither the bucket nor the vendors.
 */

/** Per line, the sequences an export covers as they are now: the lines' versions, read consistently. */
export async function currentSequences(
  fiscalYear: string,
  businessFunction?: string,
): Promise<Sequences | undefined> {
  const year = await getFiscalYear(fiscalYear);
  if (!year) return undefined;
  return Object.fromEntries(
    year.lines
      .filter((line) => businessFunction === undefined || line.businessFunction === businessFunction)
      .map((line) => [line.businessFunction, line.version]),
  );
}

/** Hands a recorded job to the export job Lambda (an asynchronous invocation). */
export type StartExportJob = (exportId: string) => Promise<void>;

/** Where a job's file goes: API exports under exports/, the daily ones under scheduled/<date>/. */
export function exportFileOf(
  job: Pick<StoredExport, 'id' | 'kind' | 'fiscalYear' | 'format' | 'businessFunction' | 'vendorId'>,
  prefix: string,
): StoredExport['file'] {
  const name = `${[job.kind, job.fiscalYear, job.businessFunction, job.vendorId, job.id].filter(Boolean).join('-')}.${job.format}`;
  return { key: `${prefix}/${name}`, name };
}

/** A new job's record: what it covers, QUEUED. */
export function newExportJob(
  spec: Omit<CreateExportInput, 'since'> & { since?: StoredExport | undefined; rerunOf?: StoredExport },
  requestedBy: Pick<Caller, 'sub' | 'name' | 'email'>,
  origin: StoredExport['origin'],
  filePrefix: (id: string) => string,
  now: Date,
): StoredExport {
  const id = newId('export', now.getTime());
  const { since, rerunOf, ...what } = spec;
  const job = {
    id,
    kind: what.kind,
    fiscalYear: what.fiscalYear,
    format: what.format,
    ...(what.businessFunction ? { businessFunction: what.businessFunction } : {}),
    ...(what.vendorId ? { vendorId: what.vendorId } : {}),
  };
  return {
    ...job,
    ...(since ? { since: since.id } : {}),
    ...(rerunOf ? { rerunOf: rerunOf.id, ...(rerunOf.since ? { since: rerunOf.since } : {}) } : {}),
    afterSequences: rerunOf ? rerunOf.afterSequences : (since?.throughSequences ?? {}),
    ...(rerunOf?.throughSequences ? { throughSequences: rerunOf.throughSequences } : {}),
    origin,
    status: 'QUEUED',
    rows: 0,
    file: exportFileOf(job, filePrefix(id)),
    requestedAt: now.toISOString(),
    requestedBy: personOf(requestedBy),
  };
}

/** The earlier export a `since` names: it must be the same export's predecessor, and finished. */
async function predecessorOf(input: CreateExportInput): Promise<StoredExport | undefined> {
  if (input.since === undefined) return undefined;
  const since = await getExport(input.since);
  if (!since) throw new ValidationError([{ field: 'since', message: `Unknown export "${input.since}".` }]);
  const issues = (['kind', 'fiscalYear', 'businessFunction', 'vendorId'] as const)
    .filter((field) => since[field] !== input[field])
    .map((field) => ({
      field,
      message: `Must be the same as the export named by since (${since[field] ?? 'none'}).`,
    }));
  if (issues.length > 0) throw new ValidationError(issues);
  if (since.status !== 'SUCCEEDED' || !since.throughSequences) {
    throw new ConflictError(
      `Export ${since.id} is ${since.status}: an export can continue only from one that SUCCEEDED.`,
    );
  }
  return since;
}

/** Records the job, then starts it; a job that cannot be started is marked FAILED and answers 503. */
async function recordAndStart(
  job: StoredExport,
  start: StartExportJob,
  alongside: Alongside<ExportResourceType>,
): Promise<ExportResourceType> {
  const resource = toExportResource(job);
  await putNewExport(job, alongside(resource));
  try {
    await start(job.id);
  } catch (error) {
    logger.error('Could not start the export job', { exportId: job.id, error });
    await markFailed(job.id, 'The export job could not be started.', new Date().toISOString());
    throw new ServiceUnavailableError(
      `Export ${job.id} could not be started; ask for it again (with a new Idempotency-Key).`,
    );
  }
  return resource;
}

/** POST /exports: finance's or an admin's export of a fiscal year, as a job. */
export async function requestExport(
  caller: Caller,
  input: CreateExportInput,
  start: StartExportJob,
  now = new Date(),
  alongside: Alongside<ExportResourceType> = nothingAlongside,
): Promise<ExportResourceType> {
  requireRole(caller, 'finance', 'admin');
  const [sequences, since] = await Promise.all([
    currentSequences(input.fiscalYear, input.businessFunction),
    predecessorOf(input),
  ]);
  if (!sequences) throw new NotFoundError(`No budget envelope is set for ${input.fiscalYear}.`);
  if (input.businessFunction !== undefined && !(input.businessFunction in sequences)) {
    throw new NotFoundError(`${input.businessFunction} has no budget line in ${input.fiscalYear}.`);
  }
  const job = newExportJob({ ...input, since }, caller, 'API', () => `exports/${input.fiscalYear}`, now);
  return recordAndStart(job, start, alongside);
}

/** POST /exports/{id}/rerun: the same entries again, into a new file with the same bytes. */
export async function rerunExport(
  caller: Caller,
  exportId: string,
  start: StartExportJob,
  now = new Date(),
  alongside: Alongside<ExportResourceType> = nothingAlongside,
): Promise<ExportResourceType> {
  requireRole(caller, 'finance', 'admin');
  const original = await getExport(exportId);
  if (!original) throw new NotFoundError(`No export ${exportId}.`);
  if (!original.throughSequences) {
    throw new ConflictError(
      `Export ${exportId} is ${original.status} and has not fixed what it covers yet; re-run it once it has started.`,
    );
  }
  const { kind, fiscalYear, format, businessFunction, vendorId } = original;
  const job = newExportJob(
    { kind, fiscalYear, format, businessFunction, vendorId, rerunOf: original },
    caller,
    'API',
    () => `exports/${fiscalYear}`,
    now,
  );
  return recordAndStart(job, start, alongside);
}
