import type { Page } from '../shared/pagination.js';
import { addDays, daysBetween } from './dates.js';
import type { Contract, ExpiringContract } from './model.js';
import { toContractResource } from './resources.js';
import { getVendors, listContractsExpiring } from './vendor-queries.js';

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
