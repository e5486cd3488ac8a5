import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { newId } from '../../functions/shared/ids.js';
import { approvalEmailOf, call, requestInStatus, tokenFor, validRequestBody } from './support.js';

// A request whose workflow never started (StartExecution failed and nobody retried): this file
// writes one straight into DynamoDB Local, as the submit handler would have, and runs the sweeper.
const local = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };

async function strandedRequest(minutesAgo: number): Promise<string> {
  const dynamoDb = new DynamoDBClient({ ...local, endpoint: inject('dynamoDbEndpoint') });
  const { TableNames = [] } = await dynamoDb.send(new ListTablesCommand({}));
  const table = TableNames.find((name) => name.startsWith('DataRequests'));
  const at = new Date(Date.now() - minutesAgo * 60_000);
  const id = newId('request', at.getTime());
  const body = validRequestBody({ businessFunction: 'SC', title: `Stranded ${minutesAgo} minutes` });
  await DynamoDBDocumentClient.from(dynamoDb).send(
    new PutCommand({
      TableName: table,
      Item: {
        pk: `REQUEST#${id}`,
        sk: 'REQUEST',
        entity: 'REQUEST',
        ...body,
        id,
        estimatedCost: { minor: 18_500_000, currency: 'USD' },
        fiscalYear: 'FY2027',
        status: 'SUBMITTED',
        requester: { sub: 'sam-sc', name: 'Sam Supply', email: 'sam@techops.example' },
        createdAt: at.toISOString(),
        updatedAt: at.toISOString(),
        version: 1,
      },
    }),
  );
  return id;
}

async function runSweeper(): Promise<{ started: string[] }> {
  const lambda = new LambdaClient({ ...local, endpoint: inject('servicesUrl') });
  const { Functions = [] } = await lambda.send(new ListFunctionsCommand({}));
  const sweeper = Functions.find((fn) => fn.Description?.startsWith('Approval workflow sweeper'));
  const result = await lambda.send(new InvokeCommand({ FunctionName: sweeper?.FunctionName }));
  expect(result.FunctionError).toBeUndefined();
  return JSON.parse(Buffer.from(result.Payload ?? []).toString('utf8'));
}

describe('the sweeper', () => {
  it('starts the approval of a request stranded in SUBMITTED, and leaves fresh ones to their own start', async () => {
    const stranded = await strandedRequest(10);
    const fresh = await strandedRequest(0);
    const requester = await tokenFor({ sub: 'sam-sc', groups: ['requester'], businessFunction: 'SC' });

    const { started } = await runSweeper();

    expect(started).toContain(stranded);
    expect(started).not.toContain(fresh);
    await approvalEmailOf(stranded);
    await requestInStatus(requester, stranded, 'IN_APPROVAL');
    const untouched = await call('GET', `/requests/${fresh}`, { token: requester });
    expect(untouched.body.status).toBe('SUBMITTED');
  });

  it('never starts a second execution for a request whose workflow runs', async () => {
    const requester = await tokenFor({ groups: ['requester'], businessFunction: 'SC' });
    const submitted = await call('POST', '/requests', {
      token: requester,
      body: validRequestBody({ businessFunction: 'SC', title: 'Started normally' }),
    });
    const id = submitted.body.id;
    await approvalEmailOf(id);

    const again = await runSweeper();

    expect(again.started).not.toContain(id);
    const request = await call('GET', `/requests/${id}`, { token: requester });
    expect(request.body).toMatchObject({ status: 'IN_APPROVAL', version: 2 });
  });
});
