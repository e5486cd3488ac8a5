import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { LocalCloud } from '../../infra/local/cloud.js';

/**
 * Points this process at the local cloud's DynamoDB Local, so domain modules imported after it
 * run against it: the endpoint and fake credentials, and each given environment variable set to
 * the table whose name starts with the given logical id prefix. Answers a client for loading.
 */
export async function useLocalTables(
  cloud: LocalCloud,
  tables: Record<string, string>,
): Promise<DynamoDBClient> {
  const client = new DynamoDBClient({
    endpoint: cloud.dynamoDbEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const { TableNames = [] } = await client.send(new ListTablesCommand({}));
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: cloud.dynamoDbEndpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    ...Object.fromEntries(
      Object.entries(tables).map(([variable, prefix]) => [
        variable,
        TableNames.find((name) => name.startsWith(prefix)),
      ]),
    ),
  });
  return client;
}
