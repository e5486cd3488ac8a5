import type { Vendor } from './model.js';
import { normalizeLegalName, normalizeTaxId } from './names.js';

/**
 * How the Vendors table is keyed: one partition per vendor holds the vendor item and
 * everything that belongs to it; other partitions hold uniqueness claims and contract digest
 * markers. The CDK app builds the table's indexes from VENDOR_INDEXES and scopes the digest
 * job's writes to DIGEST_MARKER_PREFIX, so both are written once, here.
 */

export const vendorPartition = (vendorId: string) => `VENDOR#${vendorId}`;
export const vendorKey = (id: string) => ({ pk: vendorPartition(id), sk: 'VENDOR' });
/** The sort key prefixes of what a vendor's partition holds besides the vendor item. */
export const VENDOR_PARTS = {
  capability: 'CAPABILITY#',
  contract: 'CONTRACT#',
  rateCard: 'RATECARD#',
  review: 'REVIEW#',
} as const;

const partKey = (part: keyof typeof VENDOR_PARTS) => (vendorId: string, id: string) => ({
  pk: vendorPartition(vendorId),
  sk: `${VENDOR_PARTS[part]}${id}`,
});
export const capabilityKey = partKey('capability');
export const contractKey = partKey('contract');
export const rateCardKey = partKey('rateCard');
export const reviewKey = partKey('review');

/** A vendor owns its normalized legal name and tax id: creating a second owner fails. */
export type UniqueField = 'legalName' | 'taxId';
export const claimKey = (field: UniqueField, value: string) => ({
  pk: field === 'legalName' ? `VENDOR_LEGAL_NAME#${value}` : `VENDOR_TAX_ID#${value}`,
  sk: 'UNIQUE',
});

export function claimsOf(vendor: Pick<Vendor, 'legalName' | 'taxId'>): Partial<Record<UniqueField, string>> {
  return {
    legalName: normalizeLegalName(vendor.legalName),
    ...(vendor.taxId ? { taxId: normalizeTaxId(vendor.taxId) } : {}),
  };
}

/** The partition key prefix of every contract digest marker: the digest job may write only these. */
export const DIGEST_MARKER_PREFIX = 'CONTRACT_DIGEST#';

/** "Today's contract digest for this owner". */
export const digestMarkerKey = (ownerEmail: string, date: string) => ({
  pk: `${DIGEST_MARKER_PREFIX}${ownerEmail.toLowerCase()}#${date}`,
  sk: 'DIGEST',
});

/** All contracts expiring across vendors sit in one index partition, ordered by expiry date. */
export const EXPIRY_PARTITION = 'CONTRACT';

/**
 * The list indexes of vendors. Vendor items carry `entity`, `status` and `sortName` (normalized
 * display name + id); one extra item per vendor and capability carries `capability`, `sortName`
 * and the vendor's summary, written in the same transaction as the vendor. So every filter
 * (status, capability, all) is a Query on its own sparse index, in name order, and a name prefix
 * is `begins_with(sortName)` on any of them. Contracts carry `expiryPartition` and `expirySort`
 * (expiry date + id): one partition for all vendors' contracts, which is small (hundreds of
 * contracts, written a few times a day) and read as a date range.
 */
export const VENDOR_INDEXES = {
  byName: { partitionKey: 'entity', sortKey: 'sortName' },
  byStatus: { partitionKey: 'status', sortKey: 'sortName' },
  byCapability: { partitionKey: 'capability', sortKey: 'sortName' },
  byExpiry: { partitionKey: 'expiryPartition', sortKey: 'expirySort' },
} as const;

export type VendorIndexName = keyof typeof VENDOR_INDEXES;
