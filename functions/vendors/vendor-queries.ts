import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { requireEnv } from '../shared/config.js';
import { batchGetItems, documentClient, entityOf } from '../shared/db.js';
import { NotFoundError } from '../shared/errors.js';
import { type Page, queryPage } from '../shared/pagination.js';
import type { Contract, ListVendorsFilter, Rate, Review, Vendor, VendorSummary } from './model.js';
import { searchableName } from './names.js';
import { summaryOf } from './resources.js';
import {
  claimKey,
  claimsOf,
  EXPIRY_PARTITION,
  rateCardKey,
  type UniqueField,
  VENDOR_PARTS,
  type VendorIndexName,
  vendorKey,
  vendorPartition,
} from './vendor-keys.js';

/**
 * The Vendors table. One partition per vendor holds the vendor item and everything that
 * belongs to it (capability index items, contracts, rate card roles, reviews), so a vendor
 * and its parts change together in one transaction. Other partitions: uniqueness claims on
 * normalized legal name and tax id, contract digest markers and Idempotency-Key records (both
 * with TTL; records keyed as functions/shared/idempotency.ts says).
 * Changes are conditional Puts only: removing something is a Put of a tombstone that drops
 * out of the sparse indexes.
 */
export const vendorsTableName = requireEnv('VENDORS_TABLE_NAME');

/** Item attributes that are storage detail, not part of the record. */
const STORAGE_ATTRIBUTES = new Set([
  'pk',
  'sk',
  'entity',
  'sortName',
  'expiryPartition',
  'expirySort',
  'roleKey',
]);

const withoutStorage = <T>(item: Record<string, unknown>): T => entityOf<T>(item, STORAGE_ATTRIBUTES);

export async function getVendor(id: string): Promise<Vendor | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: vendorsTableName, Key: vendorKey(id), ConsistentRead: true }),
  );
  return Item ? withoutStorage<Vendor>(Item) : undefined;
}

export async function getExistingVendor(id: string): Promise<Vendor> {
  const vendor = await getVendor(id);
  if (!vendor) throw new NotFoundError(`No vendor ${id}.`);
  return vendor;
}

/** The vendor that owns a normalized legal name or tax id, if any. */
export async function ownerOfClaim(field: UniqueField, vendor: Pick<Vendor, 'legalName' | 'taxId'>) {
  const value = claimsOf(vendor)[field];
  if (value === undefined) return undefined;
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: vendorsTableName, Key: claimKey(field, value), ConsistentRead: true }),
  );
  return typeof Item?.vendorId === 'string' ? getVendor(Item.vendorId) : undefined;
}

/** Every item of one kind in a vendor's partition, in sort key order. */
async function listParts(
  vendorId: string,
  part: keyof typeof VENDOR_PARTS,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient.send(
      new QueryCommand({
        TableName: vendorsTableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :part)',
        ExpressionAttributeValues: { ':pk': vendorPartition(vendorId), ':part': VENDOR_PARTS[part] },
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

export async function listContracts(vendorId: string): Promise<Contract[]> {
  return (await listParts(vendorId, 'contract')).map((item) => withoutStorage<Contract>(item));
}

/** Contracts across all vendors expiring on or between two dates, soonest first. */
export async function listContractsExpiring(
  from: string,
  until: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<Contract>> {
  const result = await queryPage({
    input: {
      TableName: vendorsTableName,
      IndexName: 'byExpiry' satisfies VendorIndexName,
      KeyConditionExpression: 'expiryPartition = :partition AND expirySort BETWEEN :from AND :until',
      ExpressionAttributeValues: { ':partition': EXPIRY_PARTITION, ':from': from, ':until': `${until}#~` },
    },
    keyAttributes: ['pk', 'sk', 'expiryPartition', 'expirySort'],
    partition: { attribute: 'expiryPartition', value: EXPIRY_PARTITION },
    ...page,
  });
  return { ...result, items: result.items.map((item) => withoutStorage<Contract>(item)) };
}

/** Vendors by id (missing ones left out), in batches as BatchGetItem allows. */
export async function getVendors(ids: string[]): Promise<Map<string, Vendor>> {
  const items = await batchGetItems(vendorsTableName, [...new Set(ids)].map(vendorKey));
  return new Map(items.map((item) => withoutStorage<Vendor>(item)).map((vendor) => [vendor.id, vendor]));
}

/** The name-ordered index that serves a list filter; further filters become filter expressions. */
export async function listVendorSummaries(
  filter: Omit<ListVendorsFilter, 'limit' | 'cursor'>,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<VendorSummary>> {
  const [indexName, attribute, value]: [VendorIndexName, string, string] = filter.capability
    ? ['byCapability', 'capability', filter.capability]
    : filter.status
      ? ['byStatus', 'status', filter.status]
      : ['byName', 'entity', 'VENDOR'];
  const prefix = filter.namePrefix ? searchableName(filter.namePrefix) : undefined;
  const statusFilter = filter.capability && filter.status ? filter.status : undefined;
  const result = await queryPage({
    input: {
      TableName: vendorsTableName,
      IndexName: indexName,
      KeyConditionExpression: `#partition = :partition${prefix ? ' AND begins_with(sortName, :prefix)' : ''}`,
      ...(statusFilter ? { FilterExpression: '#vendor.#status = :status' } : {}),
      ExpressionAttributeNames: {
        '#partition': attribute,
        ...(statusFilter ? { '#vendor': 'vendor', '#status': 'status' } : {}),
      },
      ExpressionAttributeValues: {
        ':partition': value,
        ...(prefix ? { ':prefix': prefix } : {}),
        ...(statusFilter ? { ':status': statusFilter } : {}),
      },
    },
    keyAttributes: ['pk', 'sk', attribute, 'sortName'],
    partition: { attribute, value },
    ...page,
  });
  return {
    ...result,
    items: result.items.map((item) =>
      summaryOf((indexName === 'byCapability' ? item.vendor : item) as VendorSummary),
    ),
  };
}

/** One role of a vendor's rate card: all its rates, and a revision that guards concurrent adds. */
export interface RateCardRole {
  role: string;
  roleKey: string;
  rates: Rate[];
  revision: number;
}

export async function getRateCardRole(vendorId: string, roleKey: string): Promise<RateCardRole | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({
      TableName: vendorsTableName,
      Key: rateCardKey(vendorId, roleKey),
      ConsistentRead: true,
    }),
  );
  return Item as RateCardRole | undefined;
}

export async function listRateCardRoles(vendorId: string): Promise<RateCardRole[]> {
  return (await listParts(vendorId, 'rateCard')) as unknown as RateCardRole[];
}

/** A vendor's reviews, newest first (review ids are time-ordered). */
export async function listReviews(
  vendorId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<Review>> {
  const result = await queryPage({
    input: {
      TableName: vendorsTableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :reviews)',
      ExpressionAttributeValues: { ':pk': vendorPartition(vendorId), ':reviews': VENDOR_PARTS.review },
      ScanIndexForward: false,
    },
    keyAttributes: ['pk', 'sk'],
    partition: { attribute: 'pk', value: vendorPartition(vendorId) },
    ...page,
  });
  return { ...result, items: result.items.map((item) => withoutStorage<Review>(item)) };
}

/** A vendor with what decides whether it fits a piece of work: its contracts and its rate card. */
export interface VendorProfile {
  vendor: Vendor;
  contracts: Contract[];
  rateCard: RateCardRole[];
}

/**
 * The vendor, its contracts and its rate card: three reads of its partition at once (one round
 * trip of latency); its reviews are already summed on the vendor.
 */
export async function getVendorProfile(vendorId: string): Promise<VendorProfile | undefined> {
  const [vendor, contracts, rateCard] = await Promise.all([
    getVendor(vendorId),
    listContracts(vendorId),
    listRateCardRoles(vendorId),
  ]);
  return vendor && { vendor, contracts, rateCard };
}
