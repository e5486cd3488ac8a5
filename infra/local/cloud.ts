import { createWriteStream, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer } from 'node:net';
import path from 'node:path';
import { PROJECT_ROOT } from '../constructs/handler-function.js';
import { STACK_NAME } from '../stack.js';
import { type LocalService, lambdaInvokeService, startAwsServices } from './aws-services.js';
import { LocalBundler } from './bundler.js';
import { cloudFormationService } from './cloudformation-service.js';
import { devKeySet } from './dev-identity.js';
import {
  assertJavaAvailable,
  ensureTables,
  type RunningDynamoDb,
  startDynamoDbLocal,
} from './dynamodb-local.js';
import { emailOutboxService } from './email-outbox.js';
import { startGateway } from './gateway.js';
import { type InvocationReport, LocalLambdas } from './lambda-runtime.js';
import { isAlive, LOCAL_CLOUD_FILE, type LocalCloudFile, type StartupTimings } from './running-cloud.js';
import { bucketsOf, s3Service } from './s3-service.js';
import { DEMO_DATA_SEEDER_ENTRY, seedDemoData } from './seed-demo-data.js';
import { LocalStepFunctions, type LocalStepFunctionsFaults } from './step-functions.js';
import { synthesizeTemplate } from './synth.js';
import {
  functionsOf,
  type LocalFunction,
  type LocalSchedule,
  rateMillisOf,
  routesOf,
  schedulesOf,
  stackOutputsOf,
  stateMachinesOf,
  type TemplateFunction,
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
  /**
   * Where bundles and the compiled DynamoDB Local launcher are kept between starts. Inside the
   * project (the bundles resolve the AWS SDK from its node_modules, as Lambda's runtime provides it).
   */
  cacheDir?: string;
  /** Faults to inject, for tests of recovery (see LocalStepFunctionsFaults). */
  stepFunctionsFaults?: LocalStepFunctionsFaults;
}

export interface LocalCloud {
  url: string;
  dataDir: string;
  dynamoDbEndpoint: string;
  /** The local AWS APIs (Step Functions, SES v2, Lambda Invoke). */
  servicesUrl: string;
  startup: StartupTimings;
  /** Runs a Lambda of the template, as the Lambda Invoke API would. */
  invoke(logicalId: string, event: unknown): Promise<unknown>;
  /** The logical id of the template's Lambda that runs this handler module (its entry). */
  functionOf(entry: string): string | undefined;
  /** Duration and peak memory of a Lambda's last finished invocation (Lambda's REPORT line). */
  lastReport(logicalId: string): InvocationReport | undefined;
  stop(): Promise<void>;
}

export { isAlive, LOCAL_CLOUD_FILE } from './running-cloud.js';

/** The default cache: under cdk.out/, which `cdk synth` also writes and git ignores. */
export const DEFAULT_CACHE_DIR = path.join(PROJECT_ROOT, 'cdk.out', 'local');

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

/**
 * The template's scheduled Lambdas, as EventBridge would run them: each once on start (what
 * was due while the cloud was down), then every period of a rate() schedule. Returns the stopper.
 */
function runSchedules(schedules: LocalSchedule[], lambdas: LocalLambdas, log: (line: string) => void) {
  const run = (schedule: LocalSchedule) => {
    // Scheduled targets are invoked asynchronously: retried as the function says, then reported.
    for (const logicalId of schedule.functionLogicalIds) {
      lambdas.invokeAsync(
        logicalId,
        // As EventBridge's scheduled event: its `time` is when the run was due.
        {
          source: 'aws.events',
          'detail-type': 'Scheduled Event',
          time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
          resources: [schedule.name],
        },
        (error, attempts) => log(`Scheduled ${logicalId} failed (${attempts} attempts): ${error.message}`),
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

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The Lambda each schedule invokes, by handler module. */
function scheduledFunctionsOf(schedules: LocalSchedule[], functions: TemplateFunction[]) {
  const scheduled: Record<string, string[]> = {};
  for (const logicalId of schedules.flatMap((schedule) => schedule.functionLogicalIds)) {
    const entry = functions.find((fn) => fn.logicalId === logicalId)?.entry;
    if (entry) scheduled[entry] = [...(scheduled[entry] ?? []), logicalId];
  }
  return scheduled;
}

/**
 * Brings up the whole backend from the synthesized template: DynamoDB Local with the
 * template's tables, the template's Lambdas, and a gateway serving the template's routes.
 * DynamoDB Local boots while the app synthesizes and the bundles build.
 */
export async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const phases: Record<string, number> = {};
  const timed = async <T>(phase: string, work: () => T | Promise<T>): Promise<T> => {
    const phaseStarted = performance.now();
    try {
      return await work();
    } finally {
      phases[phase] = performance.now() - phaseStarted;
    }
  };
  const dataDir = path.resolve(options.dataDir);
  const cacheDir = path.resolve(options.cacheDir ?? DEFAULT_CACHE_DIR);
  const javaVersion = assertJavaAvailable();
  mkdirSync(path.join(dataDir, 'logs'), { recursive: true });
  const unlock = lockDataDir(dataDir);

  const port = options.port === 0 ? await freePort() : options.port;
  const apiUrl = `http://127.0.0.1:${port}`;
  const stoppers: (() => Promise<void>)[] = [unlock];
  // Last started, first stopped; a second stop finds nothing left to do.
  const stop = async () => {
    for (let stopper = stoppers.pop(); stopper; stopper = stoppers.pop()) await stopper().catch(() => {});
  };
  try {
    // Spawned now: DynamoDB Local boots while the app synthesizes and the bundles build.
    const dynamoDbPort = await freePort();
    const dynamoDbStarting = timed('dynamodb', () =>
      startDynamoDbLocal({
        dataDir: path.join(dataDir, 'dynamodb'),
        port: dynamoDbPort,
        cacheDir,
        javaVersion,
      }),
    );
    // A start that fails before DynamoDB Local is awaited still stops it.
    let dynamoDb: RunningDynamoDb | undefined;
    stoppers.push(async () => (dynamoDb ?? (await dynamoDbStarting.catch(() => undefined)))?.stop());

    log('Synthesizing the CDK app...');
    // Approvers' links point at this gateway.
    const template = await timed('synth', () =>
      synthesizeTemplate({ 'techops:publicBaseUrl': apiUrl, ...options.context }),
    );
    const templateFunctions = functionsOf(template);
    const tables = tablesOf(template);
    log(
      `Synthesized ${templateFunctions.length} Lambdas, ${routesOf(template).length} routes and ` +
        `${tables.length} tables, ${seconds(phases.synth ?? 0)}`,
    );

    // The demo data seeder runs like a Lambda of the template, bundled the same way.
    const seederOf = (environment: Record<string, string>): TemplateFunction => ({
      logicalId: 'LocalDemoDataSeeder',
      entry: DEMO_DATA_SEEDER_ENTRY,
      bundling: templateFunctions[0]?.bundling ?? {},
      runtime: templateFunctions[0]?.runtime ?? 'nodejs22.x',
      handlerName: 'handler',
      environment,
      timeoutSeconds: 60,
      memorySize: 512,
      description: 'Seeds the demo data (local only)',
      asyncRetryAttempts: 0,
    });
    // The seeder is the last bundle asked for.
    const bundled = await timed('bundle', () =>
      new LocalBundler(PROJECT_ROOT, cacheDir).bundle([...templateFunctions, seederOf({})]),
    );
    const functions: LocalFunction[] = templateFunctions.map((fn, index) => ({
      ...fn,
      bundlePath: bundled.paths[index] as string,
    }));
    log(
      `Bundled ${bundled.built} of ${bundled.paths.length} (${templateFunctions.length} Lambdas and the ` +
        `demo data seeder; ${bundled.cached} cached), ${seconds(bundled.ms)}`,
    );

    dynamoDb = await dynamoDbStarting;
    const created = await timed('tables', () => ensureTables((dynamoDb as RunningDynamoDb).client, tables));
    log(
      `DynamoDB Local is up with ${tables.length} tables (${created.length} created), ` +
        `${seconds((phases.dynamodb ?? 0) + (phases.tables ?? 0))}`,
    );

    const logStream = createWriteStream(path.join(dataDir, 'logs', 'functions.log'), { flags: 'a' });
    stoppers.push(() => new Promise((resolve) => logStream.end(resolve)));
    const services: LocalService[] = [];
    const awsServices = await startAwsServices(services);
    stoppers.push(() => closeServer(awsServices.server));
    const localEnvironment = {
      AWS_ENDPOINT_URL_DYNAMODB: dynamoDb.endpoint,
      AWS_ENDPOINT_URL_SFN: awsServices.url,
      AWS_ENDPOINT_URL_SESV2: awsServices.url,
      AWS_ENDPOINT_URL_LAMBDA: awsServices.url,
      AWS_ENDPOINT_URL_S3: awsServices.url,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      POWERTOOLS_LOG_LEVEL: process.env.LOCAL_LOG_LEVEL ?? 'INFO',
    };

    const seeded = await timed('seed', () =>
      seedDemoData({
        template,
        createdTables: created,
        // The seeder gets every table name and setting the template gives its Lambdas.
        runSeeder: async (parts) => {
          const environment = Object.assign({}, ...templateFunctions.map((fn) => fn.environment));
          const seeder = { ...seederOf(environment), bundlePath: bundled.paths.at(-1) as string };
          const runtime = new LocalLambdas([seeder], localEnvironment, logStream);
          try {
            return (await runtime.invoke(seeder.logicalId, parts)) as string | undefined;
          } finally {
            await runtime.stop();
          }
        },
      }),
    );
    if (seeded) log(`Seeded demo data: ${seeded}, ${seconds(phases.seed ?? 0)}`);

    const serveStarted = performance.now();
    const lambdas = new LocalLambdas(functions, localEnvironment, logStream);
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
      lambdaInvokeService(lambdas, log),
      s3Service(path.join(dataDir, 's3'), bucketsOf(template), 'local'),
      cloudFormationService(STACK_NAME, stackOutputsOf(template, { apiUrl })),
    );

    const gateway = await startGateway({
      routes: routesOf(template),
      lambdas,
      keySet: await devKeySet(dataDir),
      port,
      onRequest: (line) =>
        log(
          `${line.method} ${line.path} -> ${line.status} (${line.ms} ms)` +
            (line.reason ? `: ${line.reason} (LOCAL_DATA_DIR=${dataDir})` : ''),
        ),
    });
    stoppers.push(() => closeServer(gateway.server));

    const resumed = stepFunctions.resumeAll();
    if (resumed > 0) log(`Resumed ${resumed} workflow execution(s) left running.`);
    const schedules = schedulesOf(template);
    stoppers.push(runSchedules(schedules, lambdas, log));
    phases.serve = performance.now() - serveStarted;
    const startup: StartupTimings = {
      totalMs: performance.now() - started,
      phases,
      bundles: { built: bundled.built, cached: bundled.cached },
    };
    const cloudFile = path.join(dataDir, LOCAL_CLOUD_FILE);
    writeFileSync(
      cloudFile,
      JSON.stringify({
        pid: process.pid,
        apiUrl: gateway.url,
        servicesUrl: awsServices.url,
        dynamoDbEndpoint: dynamoDb.endpoint,
        stackName: STACK_NAME,
        scheduledFunctions: scheduledFunctionsOf(schedules, templateFunctions),
        startup,
      } satisfies LocalCloudFile),
    );
    stoppers.splice(1, 0, async () => rmSync(cloudFile, { force: true }));
    return {
      url: gateway.url,
      dataDir,
      dynamoDbEndpoint: dynamoDb.endpoint,
      servicesUrl: awsServices.url,
      startup,
      invoke: (logicalId, event) => lambdas.invoke(logicalId, event),
      functionOf: (entry) => functions.find((fn) => fn.entry === entry)?.logicalId,
      lastReport: (logicalId) => lambdas.lastReport(logicalId),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
