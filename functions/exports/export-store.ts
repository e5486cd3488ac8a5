import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { requireEnv } from '../shared/config.js';
import { cancellationCodes, documentClient, isConditionFailure, type TransactItem } from '../shared/db.js';
import { throwIfRaceLost } from '../shared/idempotency.js';
import { exportKeys } from './export-keys.js';
import type { Sequences, StoredExport } from './model.js';

/** Reads and writes of the Exports table (layout in export-keys.ts). */
export const exportsTableName = requireEnv('EXPORTS_TABLE_NAME');

const STORAGE_ATTRIBUTES = new Set(['pk', 'sk', 'entity']);

function exportFromItem(item: Record<string, unknown>): StoredExport {
  return Object.fromEntries(
    Object.entries(item).filter(([name]) => !STORAGE_ATTRIBUTES.has(name)),
  ) as unknown as StoredExport;
}

export async function getExport(exportId: string): Promise<StoredExport | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({
      TableName: exportsTableName,
      Key: exportKeys.exportJob(exportId),
      ConsistentRead: true,
    }),
  );
  return Item ? exportFromItem(Item) : undefined;
}

/** Creates an export job (never overwrites), with what must land alongside (an Idempotency-Key's record). */
export async function putNewExport(job: StoredExport, alongside: TransactItem[] = []): Promise<void> {
  const items: TransactItem[] = [
    {
      Put: {
        TableName: exportsTableName,
        Item: { ...exportKeys.exportJob(job.id), entity: 'EXPORT', ...job },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    ...alongside,
  ];
  try {
    await documentClient.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    if (isConditionFailure(error)) throwIfRaceLost(items, cancellationCodes(error));
    throw error;
  }
}

/**
 * Starts (or, after a failed attempt, restarts) a job: RUNNING, and the sequences it covers,
 * fixed the first time and kept by every later attempt, so every attempt writes the same file.
 * Answers the job as it now is, or undefined when it had SUCCEEDED already.
 */
export async function markRunning(
  exportId: string,
  throughSequences: Sequences,
  at: string,
): Promise<StoredExport | undefined> {
  try {
    const { Attributes } = await documentClient.send(
      new UpdateCommand({
        TableName: exportsTableName,
        Key: exportKeys.exportJob(exportId),
        UpdateExpression:
          'SET #status = :running, throughSequences = if_not_exists(throughSequences, :through), startedAt = :at, #rows = :zero REMOVE failure',
        ConditionExpression: 'attribute_exists(pk) AND #status <> :succeeded',
        ExpressionAttributeNames: { '#status': 'status', '#rows': 'rows' },
        ExpressionAttributeValues: {
          ':running': 'RUNNING',
          ':succeeded': 'SUCCEEDED',
          ':through': throughSequences,
          ':at': at,
          ':zero': 0,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return Attributes ? exportFromItem(Attributes) : undefined;
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
}

export async function recordProgress(exportId: string, rows: number): Promise<void> {
  await documentClient.send(
    new UpdateCommand({
      TableName: exportsTableName,
      Key: exportKeys.exportJob(exportId),
      UpdateExpression: 'SET #rows = :rows',
      ConditionExpression: '#status = :running',
      ExpressionAttributeNames: { '#rows': 'rows', '#status': 'status' },
      ExpressionAttributeValues: { ':rows': rows, ':running': 'RUNNING' },
    }),
  );
}

export async function markSucceeded(
  exportId: string,
  file: { rows: number; bytes: number; sha256: string },
  at: string,
): Promise<void> {
  await documentClient.send(
    new UpdateCommand({
      TableName: exportsTableName,
      Key: exportKeys.exportJob(exportId),
      UpdateExpression:
        'SET #status = :succeeded, #rows = :rows, #bytes = :bytes, sha256 = :sha256, finishedAt = :at',
      ExpressionAttributeNames: { '#status': 'status', '#rows': 'rows', '#bytes': 'bytes' },
      ExpressionAttributeValues: {
        ':succeeded': 'SUCCEEDED',
        ':rows': file.rows,
        ':bytes': file.bytes,
        ':sha256': file.sha256,
        ':at': at,
      },
    }),
  );
}

export async function markFailed(exportId: string, failure: string, at: string): Promise<void> {
  await documentClient.send(
    new UpdateCommand({
      TableName: exportsTableName,
      Key: exportKeys.exportJob(exportId),
      UpdateExpression: 'SET #status = :failed, failure = :failure, finishedAt = :at',
      ConditionExpression: '#status <> :succeeded',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':failed': 'FAILED',
        ':succeeded': 'SUCCEEDED',
        ':failure': failure,
        ':at': at,
      },
    }),
  );
}

/** The daily export's last export of a fiscal year, if any. */
export async function getLatestScheduled(kind: string, fiscalYear: string): Promise<string | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({
      TableName: exportsTableName,
      Key: exportKeys.schedulePointer(kind, fiscalYear),
      ConsistentRead: true,
    }),
  );
  return Item ? String(Item.exportId) : undefined;
}

/**
 * Moves the daily export's pointer to its newest export, only from where it was read: two
 * runs at once cannot both continue from the same export.
 */
export async function advanceLatestScheduled(
  kind: string,
  fiscalYear: string,
  from: string | undefined,
  to: string,
  at: string,
): Promise<void> {
  await documentClient.send(
    new PutCommand({
      TableName: exportsTableName,
      Item: {
        ...exportKeys.schedulePointer(kind, fiscalYear),
        entity: 'EXPORT_SCHEDULE',
        exportId: to,
        updatedAt: at,
      },
      ...(from === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : { ConditionExpression: 'exportId = :from', ExpressionAttributeValues: { ':from': from } }),
    }),
  );
}
