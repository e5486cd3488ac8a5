import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * What a running local cloud tells scripts (`npm run contract-digest`, `npm run bench:start`)
 * in its data dir. Kept apart from cloud.ts so that reading it loads nothing heavy.
 */

/** Where a running local cloud says where it is. */
export const LOCAL_CLOUD_FILE = 'local-cloud.json';

/** How long each phase of a start took, in milliseconds (DynamoDB Local boots while the others run). */
export interface StartupTimings {
  totalMs: number;
  phases: Record<string, number>;
  bundles: { built: number; cached: number };
}

/** What LOCAL_CLOUD_FILE holds. */
export interface LocalCloudFile {
  pid: number;
  apiUrl: string;
  servicesUrl: string;
  /** DynamoDB Local, for operator tools that write tables (`npm run seed -- --local`). */
  dynamoDbEndpoint: string;
  /** The stack whose outputs the local CloudFormation DescribeStacks answers with. */
  stackName: string;
  /** The Lambdas each schedule of the template invokes, by handler module. */
  scheduledFunctions: Record<string, string[]>;
  startup: StartupTimings;
}

/** Whether a process still runs (another user's counts too). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The local cloud running on a data dir, if one is. */
export function runningCloudOn(dataDir: string): LocalCloudFile | undefined {
  const file = path.join(dataDir, LOCAL_CLOUD_FILE);
  if (!existsSync(file)) return undefined;
  const cloud = JSON.parse(readFileSync(file, 'utf8')) as LocalCloudFile;
  // A file left by a local cloud that was killed outright names a process that is gone.
  return isAlive(cloud.pid) ? cloud : undefined;
}
