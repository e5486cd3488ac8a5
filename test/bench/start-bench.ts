/**
 * `npm run bench:start`: how long `npm start` takes, cold and warm, and where the time goes.
 * - cold: no bundles and no compiled DynamoDB Local launcher yet (a fresh clone after `npm ci`),
 *   an empty data dir;
 * - warm: nothing changed since the last start, the same data dir;
 * - warm, empty data dir: bundles reused, tables created and demo data seeded (what a test run's
 *   local cloud does).
 * Each start is the real `npm start` process (Node, tsx, imports included), timed from spawn to
 * its "API is up" line, then stopped with Ctrl-C. A cache of its own (LOCAL_CACHE_DIR) leaves
 * the developer's bundles alone. BENCH_RUNS (default 1) repeats the warm starts.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../infra/constructs/handler-function.js';
import { LOCAL_CLOUD_FILE, type LocalCloudFile } from '../../infra/local/running-cloud.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 1);
// A fresh clone has no cdk.out yet.
mkdirSync(path.join(PROJECT_ROOT, 'cdk.out'), { recursive: true });
const cacheDir = mkdtempSync(path.join(PROJECT_ROOT, 'cdk.out', 'bench-start-'));
const dataDirs: string[] = [];

interface Start {
  label: string;
  wallMs: number;
  cloud: LocalCloudFile;
}

async function start(label: string, dataDir: string): Promise<Start> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/main.ts'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, LOCAL_DATA_DIR: dataDir, LOCAL_CACHE_DIR: cacheDir, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      output += String(chunk);
      if (output.includes('API is up at')) resolve();
    });
    child.stderr.on('data', (chunk) => {
      output += String(chunk);
    });
    child.once('exit', () => reject(new Error(`npm start exited early:\n${output}`)));
  });
  const wallMs = performance.now() - started;
  const cloud = JSON.parse(readFileSync(path.join(dataDir, LOCAL_CLOUD_FILE), 'utf8')) as LocalCloudFile;
  child.kill('SIGINT');
  await exited;
  return { label, wallMs, cloud };
}

const s = (ms: number | undefined) => (ms === undefined ? '-' : `${(ms / 1000).toFixed(1)} s`);
const columns = ['node+imports', 'synth', 'bundle', 'dynamodb', 'tables', 'seed', 'serve'];

function report(run: Start): void {
  const { phases, bundles, totalMs } = run.cloud.startup;
  const cells = [
    s(run.wallMs - totalMs),
    s(phases.synth),
    `${s(phases.bundle)} (${bundles.built} built, ${bundles.cached} cached)`,
    s(phases.dynamodb),
    s(phases.tables),
    s(phases.seed),
    s(phases.serve),
  ];
  console.log(`${run.label.padEnd(26)} ${s(run.wallMs).padStart(7)}   ${cells.join('  ')}`);
}

try {
  console.log(`${'start'.padEnd(26)} ${'total'.padStart(7)}   ${columns.join(', ')}`);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'techops-bench-start-'));
  dataDirs.push(dataDir);
  report(await start('cold', dataDir));
  for (let run = 0; run < RUNS; run++) report(await start('warm (nothing changed)', dataDir));
  for (let run = 0; run < RUNS; run++) {
    const fresh = mkdtempSync(path.join(tmpdir(), 'techops-bench-start-'));
    dataDirs.push(fresh);
    report(await start('warm, empty data dir', fresh));
  }
  console.log(
    '(DynamoDB Local boots while the app synthesizes and bundles: the phases overlap, their sum exceeds the total.)',
  );
} finally {
  rmSync(cacheDir, { recursive: true, force: true });
  for (const dataDir of dataDirs) rmSync(dataDir, { recursive: true, force: true });
}
