import type { Page } from '../shared/pagination.js';
import type { Contract, Vendor } from './model.js';
import { toContractResource } from './resources.js';
import { getVendors, listContractsExpiring } from './vendor-queries.js';

/** Calendar arithmetic on YYYY-MM-DD dates, in UTC. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export interface ExpiringContract extends ReturnType<typeof toContractResource> {
  vendor: Pick<Vendor, 'id' | 'displayName' | 'status' | 'relationshipOwner'>;
  daysLeft: number;
}

/** Contracts across vendors expiring from today to `withinDays` ahead, soonest first, with their vendor. */
export async function expiringContracts(
  today: string,
  withinDays: number,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<ExpiringContract>> {
  const contracts = await listContractsExpiring(today, addDays(today, withinDays), page);
  const vendors = await getVendors(contracts.items.map((contract) => contract.vendorId));
  return {
    ...contracts,
    items: contracts.items.flatMap((contract: Contract) => {
      const vendor = vendors.get(contract.vendorId);
      if (!vendor) return [];
      const { id, displayName, status, relationshipOwner } = vendor;
      return [
        {
          ...toContractResource(contract),
          vendor: { id, displayName, status, relationshipOwner },
          daysLeft: daysBetween(today, contract.expiryDate),
        },
      ];
    }),
  };
}
