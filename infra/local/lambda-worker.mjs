// One warm Lambda execution environment of the local cloud: loads the function's bundle once
// (with the environment CDK gave it) and answers invocations from the parent thread.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';

process.setSourceMapsEnabled(true);
const { bundlePath, handlerName, functionName, memorySize, timeoutSeconds } = workerData;
/** How often an invocation's memory is sampled for its report. */
const MEMORY_SAMPLE_MS = 10;
const MIB = 1024 * 1024;
const loaded = import(pathToFileURL(bundlePath).href);
// A bundle that fails to load (a missing environment variable, say) says so in the functions log,
// as Lambda's init error would; every invocation then fails with it.
loaded.catch((error) =>
  console.error(`${functionName}: the handler module failed to load: ${error?.stack ?? error}`),
);

parentPort.on('message', async ({ invocationId, event }) => {
  const deadline = Date.now() + timeoutSeconds * 1000;
  const context = {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION}:000000000000:function:${functionName}`,
    memoryLimitInMB: String(memorySize),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  // Lambda's REPORT: the invocation's duration and the most memory it used. Here that is this
  // environment's own V8 heap plus the memory outside it its objects hold (Buffers), sampled:
  // the process's RSS would count the whole local cloud.
  const started = performance.now();
  let maxHeapUsed = 0;
  let maxExternal = 0;
  const sample = () => {
    const { heapUsed, external } = process.memoryUsage();
    maxHeapUsed = Math.max(maxHeapUsed, heapUsed);
    maxExternal = Math.max(maxExternal, external);
  };
  sample();
  const sampler = setInterval(sample, MEMORY_SAMPLE_MS);
  const report = () => {
    clearInterval(sampler);
    sample();
    const durationMs = performance.now() - started;
    console.log(
      `REPORT RequestId: ${context.awsRequestId} Duration: ${durationMs.toFixed(2)} ms Memory Size: ${memorySize} MB Max Memory Used: ${Math.ceil((maxHeapUsed + maxExternal) / MIB)} MB (heap ${Math.ceil(maxHeapUsed / MIB)} MB)`,
    );
    return { durationMs, maxHeapUsedBytes: maxHeapUsed, maxExternalBytes: maxExternal };
  };
  try {
    const module = await loaded;
    const result = await module[handlerName](event, context);
    parentPort.postMessage({ invocationId, result, report: report() });
  } catch (error) {
    parentPort.postMessage({
      invocationId,
      error: { name: error?.name ?? 'Error', message: String(error?.message ?? error), stack: error?.stack },
      report: report(),
    });
  }
});
