import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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

/** Writes items straight into a table, 25 a batch, 8 batches at once, unprocessed ones again. */
export async function putItems(
  documents: DynamoDBDocumentClient,
  table: string,
  items: Record<string, unknown>[],
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < items.length) {
        const batch = items.slice(next, next + 25);
        next += 25;
        let pending: Record<string, unknown>[] | undefined = batch.map((Item) => ({ PutRequest: { Item } }));
        while (pending && pending.length > 0) {
          const result = await documents.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
          pending = result.UnprocessedItems?.[table] as Record<string, unknown>[] | undefined;
        }
      }
    }),
  );
}
