import { getFiscalYear } from '../budgets/budget-store.js';
import { type Caller, requireRole } from '../shared/auth.js';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors.js';
import { type Alongside, nothingAlongside } from '../shared/idempotency.js';
import { newExportJob, recordAndStart, type StartExportJob } from './export-requests.js';
import { getExport } from './export-store.js';
import type { CreateExportInput, ExportResourceType, Sequences, StoredExport } from './model.js';

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
