import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../infra/constructs/handler-function.js';
import { call } from './support.js';

const run = promisify(execFile);
const dataDir = mkdtempSync(path.join(tmpdir(), 'techops-lifecycle-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Command lines of every process on this machine that mentions the data dir. */
function processesUsing(directory: string): string[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      try {
        const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
        return commandLine.includes(directory) ? [commandLine] : [];
      } catch {
        return [];
      }
    });
}

describe('npm start and npm run token', () => {
  it('comes up, prints commands that work when pasted, accepts a token from the token script, and leaves no process behind on Ctrl-C', async () => {
    const cloud = spawn(process.execPath, ['--import', 'tsx', 'infra/local/main.ts'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, LOCAL_DATA_DIR: dataDir, PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => cloud.once('exit', resolve));
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      cloud.stdout.on('data', (chunk) => {
        output += String(chunk);
        const match = /API is up at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (match?.[1]) resolve(match[1]);
      });
      cloud.once('exit', () => reject(new Error(`npm start exited early:\n${output}`)));
    });

    const { stdout: tokenOutput } = await run(
      'npm',
      [
        'run',
        '--silent',
        'token',
        '--',
        '--sub',
        'u-1',
        '--email',
        'u1@techops.example',
        '--name',
        'U One',
        '--groups',
        'requester,approver',
        '--business-function',
        'qa',
      ],
      { cwd: PROJECT_ROOT, env: { ...process.env, LOCAL_DATA_DIR: dataDir } },
    );
    // The banner's commands, pasted into another terminal.
    const banner = /In another terminal, in \S+:\n((?: {2}.+\n)+)/.exec(output)?.[1] ?? '';
    const pasted = await run('bash', ['-c', banner.replaceAll(/^ {2}/gm, '')], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH },
    });
    const health = await call('GET', '/health', { baseUrl: url });
    const functions = await call('GET', '/business-functions', { baseUrl: url, token: tokenOutput.trim() });
    expect(processesUsing(dataDir).some((commandLine) => commandLine.includes('java'))).toBe(true);

    cloud.kill('SIGINT');
    const exitCode = await exited;

    expect(tokenOutput).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(health.status).toBe(200);
    expect(functions.status).toBe(200);
    expect(output).toContain(`export API=${url} LOCAL_DATA_DIR=${dataDir}`);
    expect(output).toContain(`Emails (approval links among them) go to ${dataDir}/outbox/`);
    expect(JSON.parse(pasted.stdout).items.map((item: { code: string }) => item.code)).toContain('QA');
    expect(exitCode).toBe(0);
    expect(processesUsing(dataDir)).toEqual([]);
  }, 180_000);

  it('says in one line that Java is needed when it is missing', async () => {
    const nodeOnly = path.dirname(process.execPath);

    const result = await run(process.execPath, ['--import', 'tsx', 'infra/local/main.ts'], {
      cwd: PROJECT_ROOT,
      env: { PATH: nodeOnly, LOCAL_DATA_DIR: dataDir, PORT: '0' },
    }).catch((error: { code: number; stderr: string; stdout: string }) => error);

    expect(result).toMatchObject({ code: 1 });
    const lines = (result as { stderr: string }).stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/Java 17\+.*apt-get install openjdk-17-jdk-headless/);
  }, 60_000);
});
