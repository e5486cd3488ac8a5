import { type Caller, personOf, requireRole } from '../shared/auth.js';
import { ConflictError, NotFoundError, ServiceUnavailableError, ValidationError } from '../shared/errors.js';
import { type Alongside, nothingAlongside } from '../shared/idempotency.js';
import { newId } from '../shared/ids.js';
import { logger } from '../shared/logger.js';
import { DOWNLOAD_SECONDS, downloadUrlOf, type ExportFile, streamToBucket } from './export-bucket.js';
import {
  getExport,
  markFailed,
  markRunning,
  markSucceeded,
  putNewExport,
  recordProgress,
} from './export-store.js';
import { currentSequences, ledgerExportRows, type WrittenFile, writeLedgerExport } from './ledger-export.js';
import {
  type CreateExportInput,
  type ExportResourceType,
  type StoredExport,
  toExportResource,
} from './model.js';

/**
 * Exports as jobs: POST /exports records the job and hands it to the export job Lambda
 * (invoked asynchronously, so the API answers at once); the job streams the file into the
 * exports bucket and records its rows, bytes and SHA-256; GET /exports/{id} shows where it is.
 */

const CONTENT_TYPES = { csv: 'text/csv; charset=utf-8', json: 'application/json; charset=utf-8' };

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

/** GET /exports/{id}: status and progress, and a short-lived link once the file is there. */
export async function showExport(
  caller: Caller,
  exportId: string,
  now = new Date(),
): Promise<ExportResourceType> {
  requireRole(caller, 'finance', 'admin');
  const job = await getExport(exportId);
  if (!job) throw new NotFoundError(`No export ${exportId}.`);
  if (job.status !== 'SUCCEEDED') return toExportResource(job);
  return toExportResource(job, {
    url: await downloadUrlOf(fileOf(job)),
    expiresAt: new Date(now.getTime() + DOWNLOAD_SECONDS * 1000).toISOString(),
  });
}

const fileOf = (job: StoredExport): ExportFile => ({
  key: job.file.key,
  contentType: CONTENT_TYPES[job.format],
  contentDisposition: `attachment; filename="${job.file.name}"`,
});

/** How often, at most, a running job records its progress. */
const PROGRESS_EVERY_MS = 1_000;

/**
 * Runs a recorded job: fixes the sequences it covers (on its first attempt), streams the file
 * into the bucket, records rows, bytes and SHA-256. A job that SUCCEEDED already is not run
 * again (a repeated invocation); a failed attempt is marked FAILED and rethrown, so the
 * invocation is retried, and the retry writes the same file.
 */
export async function runExport(exportId: string, now = () => new Date()): Promise<StoredExport> {
  const recorded = await getExport(exportId);
  if (!recorded) throw new Error(`No export ${exportId}`);
  if (recorded.status === 'SUCCEEDED') return recorded;
  const sequences =
    recorded.throughSequences ?? (await currentSequences(recorded.fiscalYear, recorded.businessFunction));
  if (!sequences) throw new Error(`No budget envelope is set for ${recorded.fiscalYear}`);
  const job = await markRunning(exportId, sequences, now().toISOString());
  if (!job?.throughSequences) return (await getExport(exportId)) as StoredExport;
  const through = job.throughSequences;
  let reported = Date.now();
  try {
    const written: WrittenFile = await streamToBucket(fileOf(job), (out) =>
      writeLedgerExport(out, job.format, job.fiscalYear, ledgerExportRows(job, through), async (rows) => {
        if (Date.now() - reported < PROGRESS_EVERY_MS) return;
        reported = Date.now();
        await recordProgress(exportId, rows);
      }),
    );
    await markSucceeded(exportId, written, now().toISOString());
    return { ...job, ...written, status: 'SUCCEEDED' };
  } catch (error) {
    await markFailed(exportId, (error as Error).message, now().toISOString());
    throw error;
  }
}
