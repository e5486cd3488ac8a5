import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, isConditionFailure } from '../shared/db.js';
import { digestMarkerKey } from './vendor-keys.js';
import { vendorsTableName } from './vendor-queries.js';

/**
 * The contract digest job's markers in the Vendors table, its only writes there (the job's
 * IAM grant is limited to these partitions). Kept apart from vendor-store.ts, whose writes
 * append audit events: the job has no audit access.
 */

/** Digest markers are kept a few days, then removed by TTL. */
const DIGEST_MARKER_TTL_SECONDS = 3 * 24 * 60 * 60;

/**
 * Claims the right to send an owner's digest of a day: true for exactly one caller per owner
 * and day, unless an earlier attempt failed to send (then it may be tried again).
 */
export async function claimDigest(ownerEmail: string, date: string, claimId: string): Promise<boolean> {
  try {
    await documentClient.send(
      new PutCommand({
        TableName: vendorsTableName,
        Item: {
          ...digestMarkerKey(ownerEmail, date),
          state: 'SENDING',
          claimId,
          expiresAt: Math.floor(Date.now() / 1000) + DIGEST_MARKER_TTL_SECONDS,
        },
        ConditionExpression: 'attribute_not_exists(pk) OR #state = :failed',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':failed': 'FAILED' },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** Records how a claimed digest went: SENT for good, FAILED to let a later run try again. */
export async function settleDigest(
  ownerEmail: string,
  date: string,
  claimId: string,
  state: 'SENT' | 'FAILED',
): Promise<void> {
  await documentClient.send(
    new PutCommand({
      TableName: vendorsTableName,
      Item: {
        ...digestMarkerKey(ownerEmail, date),
        state,
        claimId,
        settledAt: new Date().toISOString(),
        expiresAt: Math.floor(Date.now() / 1000) + DIGEST_MARKER_TTL_SECONDS,
      },
      ConditionExpression: 'claimId = :claimId',
      ExpressionAttributeValues: { ':claimId': claimId },
    }),
  );
}
