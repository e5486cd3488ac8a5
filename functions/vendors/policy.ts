import { type Caller, requireAnyRole, requireRole } from '../shared/auth.js';

/** Vendor records: vendor managers and admins keep them; every role may read them. */
export function assertMayWriteVendors(caller: Caller): void {
  requireRole(caller, 'vendor-manager', 'admin');
}

export function assertMayReadVendors(caller: Caller): void {
  requireAnyRole(caller);
}
