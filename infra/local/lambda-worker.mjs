// One warm Lambda execution environment of the local cloud: loads the function's bundle once
// (with the environment CDK gave it) and answers invocations from the parent thread.
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';

process.setSourceMapsEnabled(true);
const { bundlePath, handlerName, functionName, memorySize, timeoutSeconds } = workerData;
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
  try {
    const module = await loaded;
    const result = await module[handlerName](event, context);
    parentPort.postMessage({ invocationId, result });
  } catch (error) {
    parentPort.postMessage({
      invocationId,
      error: { name: error?.name ?? 'Error', message: String(error?.message ?? error), stack: error?.stack },
    });
  }
});
