import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { appendAuditEvent } from '../shared/audit.js';
import type { AuditEvent } from '../shared/audit-event.js';
import { cancellationCodes, documentClient, isConditionFailure, type TransactItem } from '../shared/db.js';
import { throwIfRaceLost } from '../shared/idempotency.js';
import type { Contract, Review, Vendor } from './model.js';
import { sortNameOf } from './names.js';
import { summaryOf } from './resources.js';
import {
  capabilityKey,
  claimKey,
  claimsOf,
  contractKey,
  EXPIRY_PARTITION,
  rateCardKey,
  reviewKey,
  type UniqueField,
  vendorKey,
} from './vendor-keys.js';
import { type RateCardRole, vendorsTableName } from './vendor-queries.js';

/** Writes to the Vendors table: conditional Puts in transactions, each with its audit event. */

export class DuplicateVendorError extends Error {
  constructor(readonly field: UniqueField) {
    super(`Another vendor has the same ${field}`);
    this.name = 'DuplicateVendorError';
  }
}

export class StaleVendorError extends Error {
  constructor() {
    super('The vendor changed since it was read');
    this.name = 'StaleVendorError';
  }
}

function vendorPut(vendor: Vendor, condition: { version?: number }): TransactItem {
  return {
    Put: {
      TableName: vendorsTableName,
      Item: { ...vendorKey(vendor.id), entity: 'VENDOR', sortName: sortNameOf(vendor), ...vendor },
      ...(condition.version === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: 'version = :version',
            ExpressionAttributeValues: { ':version': condition.version },
          }),
    },
  };
}

/**
 * One index item per vendor and capability, carrying the summary a capability list shows. Only
 * what changed is written: a change that leaves the summary alone (a review, say) rewrites none.
 */
function capabilityPuts(before: Vendor | undefined, after: Vendor, at: string): TransactItem[] {
  const summaryUnchanged =
    before !== undefined &&
    sortNameOf(before) === sortNameOf(after) &&
    JSON.stringify(summaryOf(before)) === JSON.stringify(summaryOf(after));
  const written = summaryUnchanged
    ? after.capabilities.filter((capability) => !before.capabilities.includes(capability))
    : after.capabilities;
  const current = written.map((capability) => ({
    Put: {
      TableName: vendorsTableName,
      Item: {
        ...capabilityKey(after.id, capability),
        capability,
        sortName: sortNameOf(after),
        vendor: summaryOf(after),
      },
    },
  }));
  const dropped = (before?.capabilities ?? [])
    .filter((capability) => !after.capabilities.includes(capability))
    .map((capability) => ({
      // A tombstone: without the capability attribute it leaves the byCapability index.
      Put: { TableName: vendorsTableName, Item: { ...capabilityKey(after.id, capability), removedAt: at } },
    }));
  return [...current, ...dropped];
}

/** Claims the vendor's new unique values and releases the ones it no longer has. */
function claimPuts(before: Vendor | undefined, after: Vendor, at: string): [UniqueField, TransactItem][] {
  const old = before ? claimsOf(before) : {};
  const now = claimsOf(after);
  const items: [UniqueField, TransactItem][] = [];
  for (const field of ['legalName', 'taxId'] as const) {
    if (old[field] === now[field]) continue;
    if (now[field] !== undefined) {
      items.push([
        field,
        {
          Put: {
            TableName: vendorsTableName,
            Item: { ...claimKey(field, now[field]), vendorId: after.id, claimedAt: at },
            ConditionExpression: 'attribute_not_exists(vendorId) OR vendorId = :id',
            ExpressionAttributeValues: { ':id': after.id },
          },
        },
      ]);
    }
    if (old[field] !== undefined) {
      items.push([
        field,
        {
          Put: {
            TableName: vendorsTableName,
            Item: { ...claimKey(field, old[field]), releasedBy: after.id, releasedAt: at },
            ConditionExpression: 'vendorId = :id',
            ExpressionAttributeValues: { ':id': after.id },
          },
        },
      ]);
    }
  }
  return items;
}

/**
 * Writes a new vendor or a change to one (fields, status, review totals) with everything that
 * must change with it, in one transaction: the vendor item (create-only, or only at the version
 * it was read at), its capability index items, its uniqueness claims, any extra items (a
 * review, an Idempotency-Key's record) and the audit event.
 */
export async function saveVendor(
  before: Vendor | undefined,
  after: Vendor,
  event: AuditEvent,
  extraItems: TransactItem[] = [],
): Promise<void> {
  const claims = claimPuts(before, after, after.updatedAt);
  const items: TransactItem[] = [
    vendorPut(after, before ? { version: before.version } : {}),
    ...claims.map(([, item]) => item),
    ...capabilityPuts(before, after, after.updatedAt),
    ...extraItems,
    appendAuditEvent(event),
  ];
  try {
    await documentClient.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const codes = cancellationCodes(error);
    throwIfRaceLost(items, codes);
    if (codes[0] === 'ConditionalCheckFailed') throw new StaleVendorError();
    const claim = claims.find((_, index) => codes[index + 1] === 'ConditionalCheckFailed');
    if (claim) throw new DuplicateVendorError(claim[0]);
    throw error;
  }
}

/** A vendor's Put item for a review, to go with the vendor's new review totals. */
export function reviewPut(review: Review): TransactItem {
  return {
    Put: {
      TableName: vendorsTableName,
      Item: { ...reviewKey(review.vendorId, review.id), ...review },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** Refuses the transaction when the vendor is gone or offboarded meanwhile. */
function vendorStillEngageable(vendorId: string): TransactItem {
  return {
    ConditionCheck: {
      TableName: vendorsTableName,
      Key: vendorKey(vendorId),
      ConditionExpression: 'attribute_exists(pk) AND #status <> :offboarded',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':offboarded': 'OFFBOARDED' },
    },
  };
}

export class VendorOffboardedError extends Error {
  constructor() {
    super('The vendor was offboarded meanwhile');
    this.name = 'VendorOffboardedError';
  }
}

async function transactWithVendorCheck(items: TransactItem[]): Promise<void> {
  try {
    await documentClient.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const codes = cancellationCodes(error);
    throwIfRaceLost(items, codes);
    if (codes[0] === 'ConditionalCheckFailed') throw new VendorOffboardedError();
    throw error;
  }
}

/** Stores a contract with its audit event and whatever must land with it (an Idempotency-Key's record). */
export async function insertContract(
  contract: Contract,
  event: AuditEvent,
  alongside: TransactItem[] = [],
): Promise<void> {
  await transactWithVendorCheck([
    vendorStillEngageable(contract.vendorId),
    {
      Put: {
        TableName: vendorsTableName,
        Item: {
          ...contractKey(contract.vendorId, contract.id),
          expiryPartition: EXPIRY_PARTITION,
          expirySort: `${contract.expiryDate}#${contract.id}`,
          ...contract,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    appendAuditEvent(event),
    ...alongside,
  ]);
}

export class RateCardChangedError extends Error {
  constructor() {
    super('The rate card role changed since it was read');
    this.name = 'RateCardChangedError';
  }
}

/**
 * Stores a role's rates only if nobody changed the role since it was read (revision), with the
 * audit event and whatever must land with it (an Idempotency-Key's record).
 */
export async function saveRateCardRole(
  vendorId: string,
  role: RateCardRole,
  event: AuditEvent,
  alongside: TransactItem[] = [],
): Promise<void> {
  const previous = role.revision - 1;
  try {
    await transactWithVendorCheck([
      vendorStillEngageable(vendorId),
      {
        Put: {
          TableName: vendorsTableName,
          Item: { ...rateCardKey(vendorId, role.roleKey), ...role },
          ...(previous === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: 'revision = :previous',
                ExpressionAttributeValues: { ':previous': previous },
              }),
        },
      },
      appendAuditEvent(event),
      ...alongside,
    ]);
  } catch (error) {
    if (isConditionFailure(error) && cancellationCodes(error)[1] === 'ConditionalCheckFailed') {
      throw new RateCardChangedError();
    }
    throw error;
  }
}
