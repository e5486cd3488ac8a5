import { streamToBucket } from './export-bucket.js';
import { currentSequences } from './export-request.js';
import { getExport, markFailed, markRunning, markSucceeded, recordProgress } from './export-store.js';
import { ledgerExportRows, type WrittenFile, writeLedgerExport } from './ledger-export.js';
import { exportFileFor, type StoredExport } from './model.js';

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
    const written: WrittenFile = await streamToBucket(exportFileFor(job), (out) =>
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
