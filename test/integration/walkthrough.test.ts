import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../infra/constructs/handler-function.js';
import { type LocalCloud, startLocalCloud } from '../../infra/local/cloud.js';

/**
 * docs/walkthrough.md is executable: its `sh` blocks, run in order in one shell against a fresh
 * local cloud, must all succeed. curl runs with --fail-with-body here, so a call the API refuses
 * fails its block (a reader pasting the block sees the problem document instead).
 */
const run = promisify(execFile);
const dataDir = mkdtempSync(path.join(tmpdir(), 'techops-walkthrough-'));
let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startLocalCloud({ dataDir, port: 0 });
}, 180_000);

afterAll(async () => {
  await cloud?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The `sh` blocks of a Markdown document, in order (`console` blocks are shown, not run). */
function shellBlocksOf(markdown: string): string[] {
  return [...markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? '');
}

/** Runs the blocks in one bash, as pasted one after another; says which block failed and why. */
async function runBlocks(blocks: string[]): Promise<{ ok: true } | { ok: false; failure: string }> {
  const script = [
    'set -eo pipefail',
    'curl() { command curl --fail-with-body "$@"; }',
    ...blocks.flatMap((block, index) => [`echo "::block ${index + 1}" >&2`, block]),
  ].join('\n');
  try {
    await run('bash', ['-c', script], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, API: cloud.url, LOCAL_DATA_DIR: dataDir },
      timeout: 150_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { ok: true };
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    const failed = Number([...stderr.matchAll(/::block (\d+)/g)].at(-1)?.[1] ?? 0);
    return {
      ok: false,
      failure: `block ${failed} failed:\n${blocks[failed - 1]}\nstdout (end): ${stdout.slice(-2_000)}\nstderr (end): ${stderr.slice(-2_000)}`,
    };
  }
}

describe('the walkthrough', () => {
  it('works when its commands are pasted in order', async () => {
    const blocks = shellBlocksOf(readFileSync(path.join(PROJECT_ROOT, 'docs', 'walkthrough.md'), 'utf8'));

    const result = await runBlocks(blocks);

    expect(blocks.length).toBeGreaterThan(10);
    expect(result).toEqual({ ok: true });
  }, 180_000);

  it('fails, naming the block, when a command of it is refused by the API', async () => {
    const markdown = [
      'Fine:',
      '```sh',
      'curl -s "$API/health"',
      '```',
      'Without a token:',
      '```sh',
      'curl -s "$API/requests"',
      '```',
    ].join('\n');

    const result = await runBlocks(shellBlocksOf(markdown));

    expect(result).toMatchObject({ ok: false, failure: expect.stringMatching(/^block 2 failed/) });
  });
});
