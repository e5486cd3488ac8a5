import { type Caller, requireRole } from '../shared/auth.js';
import { NotFoundError } from '../shared/errors.js';
import { DOWNLOAD_SECONDS, downloadUrlOf } from './export-bucket.js';
import { getExport } from './export-store.js';
import { type ExportResourceType, exportFileFor, toExportResource } from './model.js';

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
    url: await downloadUrlOf(exportFileFor(job)),
    expiresAt: new Date(now.getTime() + DOWNLOAD_SECONDS * 1000).toISOString(),
  });
}
