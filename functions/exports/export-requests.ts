import { type Caller, personOf, requireRole } from '../shared/auth.js';
import { ConflictError, NotFoundError, ServiceUnavailableError } from '../shared/errors.js';
import { type Alongside, nothingAlongside } from '../shared/idempotency.js';
import { newId } from '../shared/ids.js';
import { logger } from '../shared/logger.js';
import { getExport, markFailed, putNewExport } from './export-store.js';
import {
  type CreateExportInput,
  type ExportResourceType,
  type StoredExport,
  toExportResource,
} from './model.js';

/**
 * Exports as jobs: POST /exports records the job and hands it to the export job Lambda
 * (invoked asynchronously, so the API answers at once); the job (export-jobs.ts) streams the
 * file into the exports bucket and records its rows, bytes and SHA-256; GET /exports/{id}
 * (export-status.ts) shows where it is. This module needs neither the bucket, the vendors nor
 * the budgets (so POST /exports/{id}/rerun has none of them); POST /exports is in
 * export-request.ts.
 */

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

/** Records the job, then starts it; a job that cannot be started is marked FAILED and answers 503. */
export async function recordAndStart(
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
