import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { requireEnv } from '../shared/config.js';
import { documentClient } from '../shared/db.js';
import { type ApprovalPolicy, BUILT_IN_POLICY } from './model.js';

/**
 * The approval policy in the reference table: one immutable item per published version
 * (`APPROVAL_POLICY` / `VERSION#<n>`) and a small pointer to the current one (`CURRENT`).
 */
const referenceTableName = requireEnv('REFERENCE_TABLE_NAME');

export const POLICY_PARTITION = 'APPROVAL_POLICY';
export const CURRENT_POLICY_KEY = { pk: POLICY_PARTITION, sk: 'CURRENT' };
export const policyVersionKey = (version: number) => ({
  pk: POLICY_PARTITION,
  sk: `VERSION#${String(version).padStart(10, '0')}`,
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
