import type { StoredPosition } from '../budgets/budget-items.js';
import { listPositions } from '../budgets/budget-store.js';
import type { StoredLine } from '../budgets/model.js';
import type { ConsultancyRequest } from '../requests/model.js';
import { getRequestsByIds } from '../requests/request-queries.js';
import type { Vendor } from '../vendors/model.js';
import { getVendors } from '../vendors/vendor-queries.js';

/** Positions a page holds: one Query and up to two BatchGets (at most 100 keys each) per page. */
const PAGE_SIZE = 100;

/** A request's position on its line, with the request and its vendor as read beside it. */
export interface PositionWithDetails {
  position: StoredPosition;
  request?: ConsultancyRequest | undefined;
  vendor?: Vendor | undefined;
}

/**
 * The positions of the given lines, page by page (a Query of each line's positions, BatchGets
 * of that page's requests and of vendors not read before), in business function then request order; vendorId
 * filters. The spend export and the portfolio view read positions this one way.
 */
export async function* positionPages(
  lines: StoredLine[],
  vendorId?: string,
): AsyncGenerator<PositionWithDetails[]> {
  // Vendors are few and repeat on every page: each is read once per run.
  const vendors = new Map<string, Vendor>();
  for (const line of lines) {
    let cursor: string | undefined;
    do {
      const page = await listPositions(
        line.fiscalYear,
        line.businessFunction,
        { limit: PAGE_SIZE, cursor },
        vendorId,
      );
      // The page's requests and its vendors not read yet at once: at most two batch reads per page.
      const unknown = page.items.flatMap((position) =>
        position.vendorId && !vendors.has(position.vendorId) ? [position.vendorId] : [],
      );
      const [requests, read] = await Promise.all([
        getRequestsByIds(page.items.map((position) => position.requestId)),
        unknown.length > 0 ? getVendors(unknown) : new Map<string, Vendor>(),
      ]);
      for (const [id, vendor] of read) vendors.set(id, vendor);
      yield page.items.map((position) => ({
        position,
        request: requests.get(position.requestId),
        vendor: position.vendorId ? vendors.get(position.vendorId) : undefined,
      }));
      cursor = page.nextCursor;
    } while (cursor);
  }
}
