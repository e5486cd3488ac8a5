import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ENTRY_METADATA_KEY } from '../constructs/handler-function.js';
import { isAlive, LOCAL_CLOUD_FILE } from './cloud.js';
import { localDataDir } from './dev-identity.js';
import { synthesize } from './synth.js';
import { schedulesOf } from './template.js';

/**
 * `npm run contract-digest` (and any scheduled job by its handler module): runs the job now on
 * the local cloud that is running on LOCAL_DATA_DIR, through the Lambda Invoke API of its
 * local AWS services endpoint, exactly as the schedule would invoke it.
 */
const entry = process.argv[2];
if (!entry) {
  console.error(
    'Usage: tsx infra/local/run-scheduled-job.ts <handler module, e.g. functions/vendors/send-contract-digests.ts>',
  );
  process.exit(2);
}

function runningCloud(dataDir: string): { pid: number; servicesUrl: string } | undefined {
  const file = path.join(dataDir, LOCAL_CLOUD_FILE);
  if (!existsSync(file)) return undefined;
  const cloud = JSON.parse(readFileSync(file, 'utf8')) as { pid: number; servicesUrl: string };
  // A file left by a local cloud that was killed outright names a process that is gone.
  return isAlive(cloud.pid) ? cloud : undefined;
}

/** The logical id of the Lambda a schedule of the template invokes for this handler module. */
function scheduledFunctionOf(handlerModule: string): string {
  // Only the template is needed: skip bundling.
  const outdir = mkdtempSync(path.join(tmpdir(), 'techops-job-'));
  try {
    const { template } = synthesize(outdir, { 'aws:cdk:bundling-stacks': [] });
    const match = schedulesOf(template)
      .flatMap((schedule) => schedule.functionLogicalIds)
      .find((logicalId) => template.Resources[logicalId]?.Metadata?.[ENTRY_METADATA_KEY] === handlerModule);
    if (!match) throw new Error(`No schedule of the app invokes ${handlerModule}.`);
    return match;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

const dataDir = localDataDir();
const cloud = runningCloud(dataDir);
if (!cloud) {
  console.error(
    `No local cloud is running on ${path.resolve(dataDir)}. Start one with \`npm start\` (same LOCAL_DATA_DIR), then run this again.`,
  );
  process.exit(1);
}
try {
  const logicalId = scheduledFunctionOf(entry);
  const response = await fetch(`${cloud.servicesUrl}/2015-03-31/functions/${logicalId}/invocations`, {
    method: 'POST',
    body: '{}',
  });
  const result = await response.text();
  if (!response.ok || response.headers.get('x-amz-function-error')) {
    console.error(`The job failed: ${result}`);
    process.exit(1);
  }
  console.log(result);
  console.log(`Emails, if any, are in ${path.resolve(dataDir, 'outbox')}.`);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
