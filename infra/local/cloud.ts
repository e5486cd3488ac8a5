import {
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import type { Server } from 'node:http';
import { createServer } from 'node:net';
import path from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { demoBusinessFunctions } from '../../functions/reference-data/demo-data.js';
import { businessFunctionItem } from '../../functions/reference-data/schemas.js';
import { PROJECT_ROOT } from '../constructs/handler-function.js';
import { type LocalService, lambdaInvokeService, startAwsServices } from './aws-services.js';
import { seedDemoBudgets } from './demo-budgets.js';
import { devKeySet } from './dev-identity.js';
import { assertJavaAvailable, ensureTables, startDynamoDbLocal } from './dynamodb-local.js';
import { emailOutboxService } from './email-outbox.js';
import { startGateway } from './gateway.js';
import { LocalLambdas } from './lambda-runtime.js';
import { bucketsOf, s3Service } from './s3-service.js';
import { seedVendors } from './seed-vendors.js';
import { LocalStepFunctions, type LocalStepFunctionsFaults } from './step-functions.js';
import { synthesize } from './synth.js';
import {
  type CfnTemplate,
  functionsOf,
  type LocalSchedule,
  rateMillisOf,
  routesOf,
  schedulesOf,
  stateMachinesOf,
  tablesOf,
} from './template.js';

export interface LocalCloudOptions {
  dataDir: string;
  /** 0 picks a free port. */
  port: number;
  /** Progress and access log lines; silent when omitted. */
  log?: (line: string) => void;
  /** CDK context over cdk.json's (e.g. a short `techops:approvalTimeout` in tests). */
  context?: Record<string, unknown>;
  /** Faults to inject, for tests of recovery (see LocalStepFunctionsFaults). */
  stepFunctionsFaults?: LocalStepFunctionsFaults;
}

export interface LocalCloud {
  url: string;
  dataDir: string;
  dynamoDbEndpoint: string;
  /** The local AWS APIs (Step Functions, SES v2, Lambda Invoke). */
  servicesUrl: string;
  /** Runs a Lambda of the template, as the Lambda Invoke API would. */
  invoke(logicalId: string, event: unknown): Promise<unknown>;
  stop(): Promise<void>;
}

/** Where a running local cloud says where it is, for scripts such as `npm run token`. */
export const LOCAL_CLOUD_FILE = 'local-cloud.json';

/** close() waits for keep-alive connections to end; drop them so a stop is prompt. */
async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

/** A port nobody listens on right now (127.0.0.1). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A cloud assembly of this process's own under cdk.out/ (the bundles resolve the AWS SDK from
 * the project's node_modules, as Lambda's runtime provides it). Assemblies left by local
 * clouds that were killed outright are removed; those of running ones are left alone.
 */
function freshAssemblyDir(): string {
  const root = path.join(PROJECT_ROOT, 'cdk.out');
  mkdirSync(root, { recursive: true });
  for (const entry of readdirSync(root)) {
    const owner = /^local-(\d+)-/.exec(entry)?.[1];
    if (owner && !isAlive(Number(owner))) rmSync(path.join(root, entry), { recursive: true, force: true });
  }
  return mkdtempSync(path.join(root, `local-${process.pid}-`));
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

export class DataDirInUseError extends Error {
  constructor(dataDir: string, pid: number) {
    super(
      `Another local cloud (pid ${pid}) is using ${dataDir}: stop it first, or use another LOCAL_DATA_DIR.`,
    );
    this.name = 'DataDirInUseError';
  }
}

/** One local cloud per data dir: DynamoDB Local must not open the same files twice. */
function lockDataDir(dataDir: string): () => Promise<void> {
  const lockFile = path.join(dataDir, 'local-cloud.pid');
  for (;;) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      return async () => rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(lockFile, 'utf8'));
      if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
        throw new DataDirInUseError(dataDir, holder);
      }
      rmSync(lockFile, { force: true }); // left by a cloud that was killed outright
    }
  }
}

function referenceTableOf(template: CfnTemplate): string {
  const name = tablesOf(template).find((table) => table.tableName.startsWith('DataReferenceData'))?.tableName;
  if (!name) throw new Error('The template has no reference data table');
  return name;
}

/** Demo reference data on a fresh data dir, so a newcomer can try the API at once. */
async function seedDemoData(client: DynamoDBClient, template: CfnTemplate): Promise<void> {
  await DynamoDBDocumentClient.from(client).send(
    new BatchWriteCommand({
      RequestItems: {
        [referenceTableOf(template)]: demoBusinessFunctions.map((businessFunction) => ({
          PutRequest: { Item: businessFunctionItem(businessFunction) },
        })),
      },
    }),
  );
}

/**
 * The template's scheduled Lambdas, as EventBridge would run them: each once on start (what
 * was due while the cloud was down), then every period of a rate() schedule. Returns the stopper.
 */
function runSchedules(schedules: LocalSchedule[], lambdas: LocalLambdas, log: (line: string) => void) {
  const run = (schedule: LocalSchedule) => {
    for (const logicalId of schedule.functionLogicalIds) {
      lambdas
        .invoke(logicalId, {
          source: 'aws.events',
          'detail-type': 'Scheduled Event',
          resources: [schedule.name],
        })
        .then(
          () => {},
          (error: Error) => log(`Scheduled ${logicalId} failed: ${error.message}`),
        );
    }
  };
  const timers = schedules.map((schedule) => {
    run(schedule);
    const period = rateMillisOf(schedule.expression);
    return period === undefined ? undefined : setInterval(() => run(schedule), period).unref();
  });
  return async () => {
    for (const timer of timers) clearInterval(timer);
  };
}

/**
 * Brings up the whole backend from the synthesized template: DynamoDB Local with the
 * template's tables, the template's Lambdas, and a gateway serving the template's routes.
 */
export async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  const log = options.log ?? (() => {});
  const dataDir = path.resolve(options.dataDir);
  assertJavaAvailable();
  mkdirSync(path.join(dataDir, 'logs'), { recursive: true });
  const unlock = lockDataDir(dataDir);

  log('Synthesizing the CDK app...');
  const assemblyDir = freshAssemblyDir();
  const port = options.port === 0 ? await freePort() : options.port;
  const apiUrl = `http://127.0.0.1:${port}`;
  const stoppers: (() => Promise<void>)[] = [
    unlock,
    async () => rmSync(assemblyDir, { recursive: true, force: true }),
  ];
  // Last started, first stopped; a second stop finds nothing left to do.
  const stop = async () => {
    for (let stopper = stoppers.pop(); stopper; stopper = stoppers.pop()) await stopper().catch(() => {});
  };
  try {
    // Approvers' links point at this gateway.
    const { template, outdir } = synthesize(assemblyDir, {
      'techops:publicBaseUrl': apiUrl,
      ...options.context,
    });

    log('Starting DynamoDB Local...');
    const dynamoDb = await startDynamoDbLocal(path.join(dataDir, 'dynamodb'), await freePort());
    stoppers.push(dynamoDb.stop);
    const created = await ensureTables(dynamoDb.client, tablesOf(template));
    if (created.includes(referenceTableOf(template))) {
      log('Empty data dir: seeding demo reference data.');
      await seedDemoData(dynamoDb.client, template);
    }
    await seedDemoBudgets(dynamoDb.client, template, created, log);

    const logStream = createWriteStream(path.join(dataDir, 'logs', 'functions.log'), { flags: 'a' });
    stoppers.push(() => new Promise((resolve) => logStream.end(resolve)));
    const services: LocalService[] = [];
    const awsServices = await startAwsServices(services);
    stoppers.push(() => closeServer(awsServices.server));
    const lambdas = new LocalLambdas(
      functionsOf(template, outdir),
      {
        AWS_ENDPOINT_URL_DYNAMODB: dynamoDb.endpoint,
        AWS_ENDPOINT_URL_SFN: awsServices.url,
        AWS_ENDPOINT_URL_SESV2: awsServices.url,
        AWS_ENDPOINT_URL_LAMBDA: awsServices.url,
        AWS_ENDPOINT_URL_S3: awsServices.url,
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        POWERTOOLS_LOG_LEVEL: process.env.LOCAL_LOG_LEVEL ?? 'INFO',
      },
      logStream,
    );
    stoppers.push(() => lambdas.stop());
    const stepFunctions = new LocalStepFunctions(
      stateMachinesOf(template),
      lambdas,
      path.join(dataDir, 'stepfunctions'),
      log,
      options.stepFunctionsFaults,
    );
    stoppers.push(() => stepFunctions.stop());
    services.push(
      stepFunctions,
      emailOutboxService(path.join(dataDir, 'outbox'), log),
      lambdaInvokeService(lambdas),
      s3Service(path.join(dataDir, 's3'), bucketsOf(template), 'local'),
    );

    const gateway = await startGateway({
      routes: routesOf(template),
      lambdas,
      keySet: await devKeySet(dataDir),
      port,
      onRequest: (line) => log(`${line.method} ${line.path} -> ${line.status} (${line.ms} ms)`),
    });
    stoppers.push(() => closeServer(gateway.server));
    if (created.some((table) => table.startsWith('DataVendors')))
      await seedVendors(gateway.url, dataDir, log);

    const resumed = stepFunctions.resumeAll();
    if (resumed > 0) log(`Resumed ${resumed} workflow execution(s) left running.`);
    stoppers.push(runSchedules(schedulesOf(template), lambdas, log));
    const cloudFile = path.join(dataDir, LOCAL_CLOUD_FILE);
    writeFileSync(
      cloudFile,
      JSON.stringify({ pid: process.pid, apiUrl: gateway.url, servicesUrl: awsServices.url }),
    );
    stoppers.splice(1, 0, async () => rmSync(cloudFile, { force: true }));
    return {
      url: gateway.url,
      dataDir,
      dynamoDbEndpoint: dynamoDb.endpoint,
      servicesUrl: awsServices.url,
      invoke: (logicalId, event) => lambdas.invoke(logicalId, event),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
