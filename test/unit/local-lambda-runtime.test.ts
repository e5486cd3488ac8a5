import { createWriteStream, mkdtempSync, rmSync, type WriteStream, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalLambdas } from '../../infra/local/lambda-runtime.js';
import type { LocalFunction } from '../../infra/local/template.js';

/** The local Lambda runtime with a function of its own: it hangs when asked to, else answers. */
let root: string;
let logStream: WriteStream;
let slow: LocalFunction;

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'techops-lambdas-'));
  const bundlePath = path.join(root, 'index.mjs');
  writeFileSync(
    bundlePath,
    `export const handler = async (event) => {
      if (event.hang) await new Promise((resolve) => setTimeout(resolve, 60_000));
      if (event.fail) throw new Error('failed on purpose');
      // Holds event.holdMiB of live objects until it answers (or more than the heap takes).
      const held = [];
      for (let mib = 0; mib < (event.holdMiB ?? 0); mib++) held.push(new Array(128 * 1024).fill(mib + 0.5));
      if (held.length > 0) await new Promise((resolve) => setTimeout(resolve, 50));
      return { answered: event.call };
    };`,
  );
  logStream = createWriteStream(path.join(root, 'functions.log'));
  slow = {
    logicalId: 'SlowFunction',
    entry: 'test/slow.ts',
    bundling: {},
    runtime: 'nodejs22.x',
    handlerName: 'handler',
    environment: {},
    timeoutSeconds: 0.5,
    memorySize: 128,
    description: 'Hangs on request',
    asyncRetryAttempts: 1,
    bundlePath,
  };
});

/** The same module with time to fill its heap (128 MB, as MemorySize 128 allows). */
const roomyFunction = (): LocalFunction => ({ ...slow, logicalId: 'RoomyFunction', timeoutSeconds: 20 });
let roomy: LocalFunction;
beforeAll(() => {
  roomy = roomyFunction();
});

afterAll(() => {
  logStream.end();
  rmSync(root, { recursive: true, force: true });
});

describe('the local Lambda runtime', () => {
  it('answers the next call normally after a call timed out', async () => {
    const lambdas = new LocalLambdas([slow], {}, logStream);
    try {
      const timedOut = await lambdas.invoke(slow.logicalId, { hang: true }).catch((error) => error);

      const next = await lambdas.invoke(slow.logicalId, { call: 2 });
      const after = await lambdas.invoke(slow.logicalId, { call: 3 });

      expect(timedOut).toMatchObject({ errorType: 'Sandbox.Timedout' });
      expect(next).toEqual({ answered: 2 });
      expect(after).toEqual({ answered: 3 });
    } finally {
      await lambdas.stop();
    }
  });

  it('tries a failed asynchronous invocation again as its EventInvokeConfig says, then reports it', async () => {
    const lambdas = new LocalLambdas([slow], {}, logStream);
    try {
      const failed = new Promise<[Error, number]>((resolve) =>
        lambdas.invokeAsync(slow.logicalId, { fail: true }, (error, attempts) => resolve([error, attempts])),
      );

      const [error, attempts] = await failed;

      expect(attempts).toBe(2);
      expect(error.message).toContain('failed on purpose');
    } finally {
      await lambdas.stop();
    }
  });

  it("reports an invocation's peak memory, the environment's own, as Lambda's REPORT line does", async () => {
    const lambdas = new LocalLambdas([roomy], {}, logStream);
    try {
      await lambdas.invoke(roomy.logicalId, { call: 1 });
      const small = lambdas.lastReport(roomy.logicalId)!;

      await lambdas.invoke(roomy.logicalId, { holdMiB: 64 });
      const large = lambdas.lastReport(roomy.logicalId)!;

      expect(large.maxHeapUsedBytes - small.maxHeapUsedBytes).toBeGreaterThan(60 * 1024 * 1024);
      expect(large.durationMs).toBeGreaterThanOrEqual(50);
    } finally {
      await lambdas.stop();
    }
  });

  it("fails an invocation whose heap outgrows the function's MemorySize, and serves the next", async () => {
    const lambdas = new LocalLambdas([roomy], {}, logStream);
    try {
      const failed: unknown = await lambdas
        .invoke(roomy.logicalId, { holdMiB: 2 * roomy.memorySize })
        .catch((error: Error) => error);

      const next = await lambdas.invoke(roomy.logicalId, { call: 2 });

      expect(failed).toBeInstanceOf(Error);
      expect((failed as Error).message).toMatch(/memory/i);
      expect(next).toEqual({ answered: 2 });
    } finally {
      await lambdas.stop();
    }
  });
});
