import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { requireEnv } from '../shared/config.js';
import { documentClient, type TransactItem, transactOrChangedMeanwhile } from '../shared/db.js';
import { type Page, queryPage } from '../shared/pagination.js';
import { type ApprovalPolicy, BUILT_IN_POLICY } from './model.js';

/**
 * The approval policy in the reference table: one immutable item per published version
 * (`APPROVAL_POLICY` / `VERSION#<n>`) and a small pointer to the current one (`CURRENT`).
 */
const referenceTableName = requireEnv('REFERENCE_TABLE_NAME');

export const POLICY_PARTITION = 'APPROVAL_POLICY';
const VERSION_PREFIX = 'VERSION#';
export const CURRENT_POLICY_KEY = { pk: POLICY_PARTITION, sk: 'CURRENT' };
export const policyVersionKey = (version: number) => ({
  pk: POLICY_PARTITION,
  sk: `${VERSION_PREFIX}${String(version).padStart(10, '0')}`,
});

/** Versions never change once published, so a Lambda instance keeps each one it has read. */
const versions = new Map<number, ApprovalPolicy>([[BUILT_IN_POLICY.version, BUILT_IN_POLICY]]);

/** The current version's number: 0 (the built-in policy) until one is published. */
export async function currentPolicyVersion(): Promise<number> {
  const { Item } = await documentClient.send(
    new GetCommand({
      TableName: referenceTableName,
      Key: CURRENT_POLICY_KEY,
      ProjectionExpression: 'version',
      ConsistentRead: true,
    }),
  );
  return Item ? Number(Item.version) : BUILT_IN_POLICY.version;
}

export async function getPolicyVersion(version: number): Promise<ApprovalPolicy | undefined> {
  const cached = versions.get(version);
  if (cached) return cached;
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: referenceTableName, Key: policyVersionKey(version) }),
  );
  if (!Item) return undefined;
  const { document, changedBy, changedAt } = Item as ApprovalPolicy;
  const policy: ApprovalPolicy = { version, document, changedBy, changedAt };
  versions.set(version, policy);
  return policy;
}

/** The policy in force: one small read of the pointer, the document itself once per version. */
export async function currentApprovalPolicy(): Promise<ApprovalPolicy> {
  const version = await currentPolicyVersion();
  const policy = await getPolicyVersion(version);
  if (!policy) throw new Error(`Approval policy version ${version} is missing from the reference data.`);
  return policy;
}

/** Every published version, newest first, with who published it when (the built-in version 0 is not stored). */
export async function listPolicyVersions(page: {
  limit: number;
  cursor?: string | undefined;
}): Promise<Page<ApprovalPolicy>> {
  const result = await queryPage({
    input: {
      TableName: referenceTableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': POLICY_PARTITION, ':prefix': VERSION_PREFIX },
      ScanIndexForward: false,
    },
    keyAttributes: ['pk', 'sk'],
    partition: { attribute: 'pk', value: POLICY_PARTITION },
    ...page,
  });
  return {
    ...result,
    items: result.items.map((item) => {
      const { version, document, changedBy, changedAt } = item as unknown as ApprovalPolicy;
      return { version: Number(version), document, changedBy, changedAt };
    }),
  };
}

/**
 * Publishes a version in one transaction with `alongside` (its audit event): the version item,
 * create-only, and the CURRENT pointer moved only from the version the change was based on
 * (none yet over the built-in version 0). ChangedMeanwhileError when another publish came first.
 */
export async function publishPolicyVersion(
  policy: ApprovalPolicy,
  basedOn: number,
  alongside: TransactItem,
): Promise<void> {
  const pointerCondition =
    basedOn === BUILT_IN_POLICY.version
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : {
          ConditionExpression: 'version = :basedOn',
          ExpressionAttributeValues: { ':basedOn': basedOn },
        };
  await transactOrChangedMeanwhile(
    [
      {
        Put: {
          TableName: referenceTableName,
          Item: { ...policyVersionKey(policy.version), ...policy },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: referenceTableName,
          Item: {
            ...CURRENT_POLICY_KEY,
            version: policy.version,
            changedBy: policy.changedBy,
            changedAt: policy.changedAt,
          },
          ...pointerCondition,
        },
      },
      alongside,
    ],
    'The approval policy',
  );
}
