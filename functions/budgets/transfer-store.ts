import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type * as z from 'zod';
import type { TransactItem } from '../shared/db.js';
import { documentClient, entityOf } from '../shared/db.js';
import { formatMoney } from '../shared/money.js';
import { type Page, queryPage } from '../shared/pagination.js';
import { budgetKeys } from './budget-items.js';
import { budgetsTableName } from './budget-store.js';
import type { TransferRecordResource, TransferResource } from './model.js';

/** Transfers as records (TRANSFERS#<fy> partition, layout in budget-items.ts): pending, executed, rejected. */

export const TRANSFER_STATUSES = ['PENDING', 'EXECUTED', 'REJECTED'] as const;
export type TransferStatus = (typeof TRANSFER_STATUSES)[number];

export interface StoredTransfer {
  transferId: string;
  fiscalYear: string;
  from: string;
  to: string;
  /** Minor units. */
  amountMinor: number;
  currency: string;
  reason: string;
  status: TransferStatus;
  requestedBy: { sub: string; name: string; email: string };
  requestedAt: string;
  decidedBy?: { sub: string; name: string; email: string };
  decidedAt?: string;
  decisionReason?: string;
  version: number;
}

const STORAGE_ATTRIBUTES = new Set(['pk', 'sk', 'entity']);
const transferFromItem = (item: Record<string, unknown>) =>
  entityOf<StoredTransfer>(item, STORAGE_ATTRIBUTES);

export async function getTransfer(
  fiscalYear: string,
  transferId: string,
): Promise<StoredTransfer | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({
      TableName: budgetsTableName,
      Key: budgetKeys.transfer(fiscalYear, transferId),
      ConsistentRead: true,
    }),
  );
  return Item ? transferFromItem(Item) : undefined;
}

/** A fiscal year's transfers (of one status, if given), newest first. */
type TransferRecord = z.infer<typeof TransferRecordResource>;
type TransferResult = z.infer<typeof TransferResource>;

export async function listTransfers(
  fiscalYear: string,
  page: { limit: number; cursor?: string | undefined },
  status?: TransferStatus,
): Promise<Page<StoredTransfer>> {
  const pk = budgetKeys.transfersPartition(fiscalYear);
  const result = await queryPage({
    input: {
      TableName: budgetsTableName,
      KeyConditionExpression: 'pk = :pk',
      ...(status
        ? { FilterExpression: '#status = :status', ExpressionAttributeNames: { '#status': 'status' } }
        : {}),
      ExpressionAttributeValues: { ':pk': pk, ...(status ? { ':status': status } : {}) },
      ScanIndexForward: false,
    },
    keyAttributes: ['pk', 'sk'],
    partition: { attribute: 'pk', value: pk },
    ...page,
  });
  return { ...result, items: result.items.map(transferFromItem) };
}

/**
 * Writes a transfer: created once, or (a decision) only while it is still PENDING at the version
 * it was read at, so of two approvers acting at once exactly one decides it.
 */
export function putTransfer(transfer: StoredTransfer, readVersion?: number): TransactItem {
  return {
    Put: {
      TableName: budgetsTableName,
      Item: {
        ...budgetKeys.transfer(transfer.fiscalYear, transfer.transferId),
        entity: 'BUDGET_TRANSFER',
        ...transfer,
      },
      ...(readVersion === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: '#status = :pending AND #version = :version',
            ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
            ExpressionAttributeValues: { ':pending': 'PENDING', ':version': readVersion },
          }),
    },
  };
}

/** A condition for a transaction: the fiscal year is not closed (its envelope carries no closedAt). */
export function yearStillOpen(fiscalYear: string): TransactItem {
  return {
    ConditionCheck: {
      TableName: budgetsTableName,
      Key: budgetKeys.envelope(fiscalYear),
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(closedAt)',
    },
  };
}

/** A transfer on the wire (with both lines after it, in the answer of the approval that executed it). */
export function toTransferRecord(
  transfer: StoredTransfer,
  lines?: { from: TransferResult['from']; to: TransferResult['to'] },
): TransferRecord {
  return {
    transferId: transfer.transferId,
    fiscalYear: transfer.fiscalYear,
    from: transfer.from,
    to: transfer.to,
    amount: formatMoney({ minor: transfer.amountMinor, currency: transfer.currency }),
    reason: transfer.reason,
    status: transfer.status,
    requestedBy: transfer.requestedBy,
    requestedAt: transfer.requestedAt,
    ...(transfer.decidedBy ? { decidedBy: transfer.decidedBy } : {}),
    ...(transfer.decidedAt ? { decidedAt: transfer.decidedAt } : {}),
    ...(transfer.decisionReason ? { decisionReason: transfer.decisionReason } : {}),
    ...(lines ? { lines } : {}),
  };
}
