import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { expect } from 'vitest';
import { newId } from '../../functions/shared/ids.js';
import { validRequestBody } from './support.js';

/**
 * For the sweeper's tests: a request left in SUBMITTED (its workflow never started, or lost its
 * task), written straight into DynamoDB Local as the submit handler would have, and the sweeper
 * run on demand.
 */

const local = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };

/** An SC request stored SUBMITTED this many minutes ago; its id. */
export async function insertSubmittedRequest(
  dynamoDbEndpoint: string,
  minutesAgo: number,
  title = `Stranded ${minutesAgo} minutes`,
): Promise<string> {
  const dynamoDb = new DynamoDBClient({ ...local, endpoint: dynamoDbEndpoint });
  const { TableNames = [] } = await dynamoDb.send(new ListTablesCommand({}));
  const at = new Date(Date.now() - minutesAgo * 60_000);
  const id = newId('request', at.getTime());
  await DynamoDBDocumentClient.from(dynamoDb).send(
    new PutCommand({
      TableName: TableNames.find((name) => name.startsWith('DataRequests')),
      Item: {
        pk: `REQUEST#${id}`,
        sk: 'REQUEST',
        entity: 'REQUEST',
        ...validRequestBody({ businessFunction: 'SC', title }),
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

/** Runs the sweeper Lambda once, as its schedule would; what it started and recovered. */
export async function runSweeper(servicesUrl: string): Promise<{ started: string[]; recovered: string[] }> {
  const lambda = new LambdaClient({ ...local, endpoint: servicesUrl });
  const { Functions = [] } = await lambda.send(new ListFunctionsCommand({}));
  const sweeper = Functions.find((fn) => fn.Description?.startsWith('Approval workflow sweeper'));
  const result = await lambda.send(new InvokeCommand({ FunctionName: sweeper?.FunctionName }));
  expect(result.FunctionError).toBeUndefined();
  return JSON.parse(Buffer.from(result.Payload ?? []).toString('utf8'));
}
