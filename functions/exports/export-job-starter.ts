import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { requireEnv } from '../shared/config.js';
import type { StartExportJob } from './export-requests.js';

/**
 * Starts export jobs: an asynchronous invocation (InvocationType Event) of the export job
 * Lambda, which Lambda queues and retries; the API's Lambda answers at once.
 */
const functionName = requireEnv('EXPORT_JOB_FUNCTION_NAME');
const lambda = new LambdaClient({});

export const startExportJob: StartExportJob = async (exportId) => {
  await lambda.send(
    new InvokeCommand({
      FunctionName: functionName,
      InvocationType: 'Event',
      Payload: Buffer.from(JSON.stringify({ exportId })),
    }),
  );
};
