import { InvokeCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { expect, inject } from 'vitest';

/**
 * For the tests of reminders and escalation: the follow-up Lambda run on demand, as its
 * schedule runs it, with the scheduled event's `time` moved to when the test wants "now" to be,
 * and only for the test's own business functions (other files' approvals are left alone).
 */

const local = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };

export interface FollowUpOutcome {
  at: string;
  reminded: string[];
  escalated: string[];
}

let followUpFunction: string | undefined;

export async function runFollowUps(time: Date, businessFunctions: string[]): Promise<FollowUpOutcome> {
  const lambda = new LambdaClient({ ...local, endpoint: inject('servicesUrl') });
  if (!followUpFunction) {
    const { Functions = [] } = await lambda.send(new ListFunctionsCommand({}));
    followUpFunction = Functions.find((fn) => fn.Description?.startsWith('Approval follow-up'))?.FunctionName;
  }
  const event = {
    source: 'aws.events',
    'detail-type': 'Scheduled Event',
    time: time.toISOString(),
    businessFunctions,
  };
  const result = await lambda.send(
    new InvokeCommand({ FunctionName: followUpFunction, Payload: Buffer.from(JSON.stringify(event)) }),
  );
  const payload = Buffer.from(result.Payload ?? []).toString('utf8');
  expect(result.FunctionError, payload).toBeUndefined();
  return JSON.parse(payload);
}
