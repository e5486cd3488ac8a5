import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { requireEnv } from '../shared/config.js';
import { normalizedEmail } from '../shared/contacts.js';
import { documentClient, entityOf, type TransactItem } from '../shared/db.js';
import { type Page, queryPage } from '../shared/pagination.js';
import { APPROVAL_DUE_INDEX, APPROVAL_PENDING_INDEX, type Approval } from './model.js';

/**
 * Approvals, one item each. While an approval is PENDING it carries `pendingFor` (its
 * approver's email, lower case): the sparse index on it lists an approver's open approvals.
 * While it is PENDING with a follow-up ahead (a reminder or the escalation) it also carries
 * `dueIn` (the request's business function) and `dueAt` (when): the sparse index of due
 * follow-ups. Every write is a whole Put, so a decision, a voiding or an expiry drops both.
 */
const approvalsTableName = requireEnv('APPROVALS_TABLE_NAME');

const approvalKey = (id: string) => ({ pk: `APPROVAL#${id}`, sk: 'APPROVAL' });
const STORAGE_ATTRIBUTES = new Set(['pk', 'sk', 'pendingFor', 'dueIn', 'dueAt']);

const approvalFromItem = (item: Record<string, unknown>) => entityOf<Approval>(item, STORAGE_ATTRIBUTES);

export async function getApproval(id: string): Promise<Approval | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: approvalsTableName, Key: approvalKey(id), ConsistentRead: true }),
  );
  return Item ? approvalFromItem(Item) : undefined;
}

/** A step's approvals (one per approver), read consistently. */
export async function getApprovals(ids: readonly string[]): Promise<Approval[]> {
  const approvals = await Promise.all(ids.map(getApproval));
  return approvals.filter((approval): approval is Approval => approval !== undefined);
}

export async function listPendingApprovalsFor(
  approverEmail: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<Approval>> {
  const pendingFor = normalizedEmail(approverEmail);
  const result = await queryPage({
    input: {
      TableName: approvalsTableName,
      IndexName: APPROVAL_PENDING_INDEX,
      KeyConditionExpression: 'pendingFor = :pendingFor',
      ExpressionAttributeValues: { ':pendingFor': pendingFor },
      ScanIndexForward: false,
    },
    keyAttributes: ['pk', 'sk', 'pendingFor', 'id'],
    partition: { attribute: 'pendingFor', value: pendingFor },
    ...page,
  });
  return { ...result, items: result.items.map(approvalFromItem) };
}

/**
 * The ids of the pending approvals of a business function's requests whose follow-up is due at
 * or before `now`, earliest first (the index keeps keys only: each is read again consistently).
 */
export async function listDueApprovalIds(
  businessFunction: string,
  now: Date,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<string>> {
  const result = await queryPage({
    input: {
      TableName: approvalsTableName,
      IndexName: APPROVAL_DUE_INDEX,
      KeyConditionExpression: 'dueIn = :dueIn AND dueAt <= :now',
      ExpressionAttributeValues: { ':dueIn': businessFunction, ':now': now.toISOString() },
    },
    keyAttributes: ['pk', 'sk', 'dueIn', 'dueAt'],
    partition: { attribute: 'dueIn', value: businessFunction },
    ...page,
  });
  return { ...result, items: result.items.map((item) => String(item.pk).slice('APPROVAL#'.length)) };
}

/**
 * A conditional Put of an approval, for a transaction: a new approval must not exist yet; a
 * changed one must still be at the version it was read at and still PENDING (decisions,
 * expiry and withdrawal all start from PENDING, so at most one of them ever wins).
 */
export function putApproval(after: Approval, before?: Approval): TransactItem {
  return {
    Put: {
      TableName: approvalsTableName,
      Item: {
        ...approvalKey(after.id),
        ...after,
        ...(after.status === 'PENDING' ? { pendingFor: normalizedEmail(after.approver.email) } : {}),
        ...(after.status === 'PENDING' && after.followUp?.nextActionAt
          ? { dueIn: after.subject.businessFunction, dueAt: after.followUp.nextActionAt }
          : {}),
      },
      ...(before
        ? {
            ConditionExpression: 'version = :version AND #status = :pending',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':version': before.version, ':pending': 'PENDING' },
          }
        : { ConditionExpression: 'attribute_not_exists(pk)' }),
    },
  };
}
