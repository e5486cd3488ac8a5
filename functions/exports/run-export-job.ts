import * as z from 'zod';
import { taskHandler } from '../shared/task.js';
import { runExport } from './export-jobs.js';
import { ExportId } from './model.js';

/**
 * The export job Lambda, invoked asynchronously by POST /exports (and /rerun): writes one
 * export's file. A failure is rethrown so Lambda retries the invocation (then its dead-letter
 * queue keeps it); a retry writes the same file.
 */
export const handler = taskHandler(z.object({ exportId: ExportId }), async ({ exportId }) => {
  const job = await runExport(exportId);
  return { exportId, status: job.status, rows: job.rows, sha256: job.sha256 };
});
