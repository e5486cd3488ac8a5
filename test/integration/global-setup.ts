import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { type LocalCloud, startLocalCloud } from '../../infra/local/cloud.js';

declare module 'vitest' {
  export interface ProvidedContext {
    apiUrl: string;
    dataDir: string;
    servicesUrl: string;
    /** DynamoDB Local, for tests that drive domain functions no route exposes (budget commitments). */
    dynamoDbEndpoint: string;
  }
}

let cloud: LocalCloud | undefined;

/** One local cloud on a fresh data dir for all integration files; stopped (and removed) after them. */
export async function setup(project: TestProject): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'techops-it-'));
  cloud = await startLocalCloud({ dataDir, port: 0 });
  project.provide('apiUrl', cloud.url);
  project.provide('dataDir', dataDir);
  project.provide('servicesUrl', cloud.servicesUrl);
  project.provide('dynamoDbEndpoint', cloud.dynamoDbEndpoint);
}

export async function teardown(): Promise<void> {
  if (!cloud) return;
  await cloud.stop();
  rmSync(cloud.dataDir, { recursive: true, force: true });
}
