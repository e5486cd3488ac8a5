import path from 'node:path';
import { localDataDir } from './dev-identity.js';
import { runningCloudOn } from './running-cloud.js';

/**
 * `npm run contract-digest` (and any scheduled job by its handler module): runs the job now on
 * the local cloud that is running on LOCAL_DATA_DIR, through the Lambda Invoke API of its
 * local AWS services endpoint, exactly as the schedule would invoke it. The running cloud says
 * which Lambda each schedule invokes, so nothing is synthesized again.
 */
const [, , entry, event = '{}'] = process.argv;
if (!entry) {
  console.error(
    'Usage: tsx infra/local/run-scheduled-job.ts <handler module, e.g. functions/vendors/send-contract-digests.ts> [event as JSON]',
  );
  process.exit(2);
}

const dataDir = localDataDir();
const cloud = runningCloudOn(dataDir);
if (!cloud) {
  console.error(
    `No local cloud is running on ${path.resolve(dataDir)}. Start one with \`npm start\` (same LOCAL_DATA_DIR), then run this again.`,
  );
  process.exit(1);
}
const [logicalId] = cloud.scheduledFunctions?.[entry] ?? [];
if (!logicalId) {
  console.error(`No schedule of the running local cloud invokes ${entry}.`);
  process.exit(1);
}
try {
  const response = await fetch(`${cloud.servicesUrl}/2015-03-31/functions/${logicalId}/invocations`, {
    method: 'POST',
    body: event,
  });
  const result = await response.text();
  if (!response.ok || response.headers.get('x-amz-function-error')) {
    console.error(`The job failed: ${result}`);
    process.exit(1);
  }
  console.log(result);
  console.log(
    `Emails, if any, are in ${path.resolve(dataDir, 'outbox')}; files in ${path.resolve(dataDir, 's3')}.`,
  );
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
