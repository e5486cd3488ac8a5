import { ConflictError } from '../shared/errors.js';
import type { Vendor, VendorStatus } from './model.js';

/**
 * The vendor lifecycle: PROSPECT -> ONBOARDING -> APPROVED -> PREFERRED (and back to APPROVED);
 * any active status to ON_HOLD and back to where it was; OFFBOARDED from anywhere but itself,
 * for good.
 */
const FORWARD: Partial<Record<VendorStatus, VendorStatus[]>> = {
  PROSPECT: ['ONBOARDING'],
  ONBOARDING: ['APPROVED'],
  APPROVED: ['PREFERRED'],
  PREFERRED: ['APPROVED'],
};

/** Vendors in these statuses may not be engaged: no new requests name them. */
export const NOT_ENGAGEABLE: readonly VendorStatus[] = ['ON_HOLD', 'OFFBOARDED'];

export function allowedTransitions(vendor: Pick<Vendor, 'status' | 'heldFrom'>): VendorStatus[] {
  if (vendor.status === 'OFFBOARDED') return [];
  if (vendor.status === 'ON_HOLD') return [...(vendor.heldFrom ? [vendor.heldFrom] : []), 'OFFBOARDED'];
  return [...(FORWARD[vendor.status] ?? []), 'ON_HOLD', 'OFFBOARDED'];
}

/** The vendor after a status change, or a 409 naming the transitions that are allowed. */
export function transition(
  vendor: Vendor,
  to: VendorStatus,
  reason: string | undefined,
): Pick<Vendor, 'status' | 'statusReason' | 'heldFrom'> {
  const allowed = allowedTransitions(vendor);
  if (!allowed.includes(to)) {
    throw new ConflictError(
      `A ${vendor.status} vendor cannot become ${to}; allowed: ${allowed.join(', ') || 'none (offboarded for good)'}.`,
      { currentStatus: vendor.status, allowedTransitions: allowed },
    );
  }
  if (to === 'ON_HOLD') return { status: to, statusReason: reason, heldFrom: vendor.status };
  return { status: to, statusReason: reason, heldFrom: undefined };
}
