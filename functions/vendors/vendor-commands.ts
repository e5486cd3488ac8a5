import type * as z from 'zod';
import { type AuditEvent, newAuditEvent } from '../shared/audit-event.js';
import { type Caller, personOf } from '../shared/auth.js';
import { assertIfMatch } from '../shared/concurrency.js';
import { ConflictError, PreconditionFailedError, ValidationError } from '../shared/errors.js';
import { type Alongside, nothingAlongside } from '../shared/idempotency.js';
import { newId } from '../shared/ids.js';
import { parseMoney } from '../shared/money.js';
import { transition } from './lifecycle.js';
import type {
  AddContractBody,
  AddRateInput,
  ChangeVendorStatusBody,
  Contract,
  CreateVendorInput,
  Rate,
  UpdateVendorInput,
  Vendor,
} from './model.js';
import { overlapIssues, roleKeyOf } from './rate-card.js';
import { toContractResource, toRateResource, toVendorResource } from './resources.js';
import { NO_REVIEWS } from './review-totals.js';
import { getExistingVendor, getRateCardRole, ownerOfClaim } from './vendor-queries.js';
import {
  DuplicateVendorError,
  insertContract,
  RateCardChangedError,
  StaleVendorError,
  saveRateCardRole,
  saveVendor,
  VendorOffboardedError,
} from './vendor-store.js';

/**
 * Changes to vendor records. Each lands in one transaction with its audit event; creation
 * never overwrites, changes apply only to the version they were based on.
 */

/** Changes that are not based on what the caller read (a review, a rate) retry a few times. */
export const RETRIES = 3;

export const vendorEvent = (
  caller: Caller,
  vendorId: string,
  fields: Omit<AuditEvent, 'eventId' | 'actor' | 'entityType' | 'entityId'>,
) => newAuditEvent(caller, { entityType: 'VENDOR', entityId: vendorId, ...fields });

/** 409 naming the vendor that already has this legal name or tax id. */
async function duplicateOf(error: DuplicateVendorError, vendor: Vendor): Promise<ConflictError> {
  const existing = await ownerOfClaim(error.field, vendor);
  const what = error.field === 'legalName' ? 'legal name' : 'tax id';
  return new ConflictError(
    existing
      ? `A vendor with this ${what} exists already: ${existing.displayName} (${existing.id}).`
      : `A vendor with this ${what} exists already.`,
    {
      duplicateField: error.field,
      ...(existing ? { existingVendor: { id: existing.id, displayName: existing.displayName } } : {}),
    },
  );
}

export async function save(
  before: Vendor | undefined,
  after: Vendor,
  event: AuditEvent,
  extra = [] as Parameters<typeof saveVendor>[3],
) {
  try {
    await saveVendor(before, after, event, extra);
  } catch (error) {
    if (error instanceof DuplicateVendorError) throw await duplicateOf(error, after);
    throw error;
  }
}

export async function createVendor(
  caller: Caller,
  body: CreateVendorInput,
  alongside: Alongside<Vendor> = nothingAlongside,
  now = new Date(),
): Promise<Vendor> {
  const at = now.toISOString();
  const vendor: Vendor = {
    id: newId('vendor', now.getTime()),
    ...body,
    status: 'PROSPECT',
    reviewTotals: NO_REVIEWS,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  await save(
    undefined,
    vendor,
    vendorEvent(caller, vendor.id, { action: 'VENDOR_CREATED', at, after: toVendorResource(vendor) }),
    alongside(vendor),
  );
  return vendor;
}

export const STALE = (what: string) =>
  new PreconditionFailedError(`The vendor changed while you were ${what}; read it and try again.`);

/** A change not based on a version the caller named (no If-Match) lost a race: 409, not 412. */
export const BUSY = (what: string) =>
  new ConflictError(`The vendor changed while you were ${what}; try again.`);

/** A JSON merge patch of the vendor's fields; the audit event names only what changed. */
export async function updateVendor(
  caller: Caller,
  id: string,
  patch: UpdateVendorInput,
  ifMatch: string | undefined,
  now = new Date(),
): Promise<Vendor> {
  const before = await getExistingVendor(id);
  assertIfMatch(ifMatch, before, 'vendor', true);
  const after: Vendor = { ...before };
  const changedBefore: Record<string, unknown> = {};
  const changedAfter: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(patch) as [keyof Vendor, unknown][]) {
    if (JSON.stringify(before[field]) === JSON.stringify(value ?? undefined)) continue;
    changedBefore[field] = before[field];
    changedAfter[field] = value ?? undefined;
    if (value === null) delete after[field];
    else (after as unknown as Record<string, unknown>)[field] = value;
  }
  if (Object.keys(changedAfter).length === 0) return before;
  const at = now.toISOString();
  after.updatedAt = at;
  after.version = before.version + 1;
  const event = vendorEvent(caller, id, {
    action: 'VENDOR_UPDATED',
    at,
    before: { ...changedBefore, version: before.version },
    after: { ...changedAfter, version: after.version },
  });
  try {
    await save(before, after, event);
  } catch (error) {
    if (error instanceof StaleVendorError) throw STALE('changing it');
    throw error;
  }
  return after;
}

export async function changeVendorStatus(
  caller: Caller,
  id: string,
  change: z.output<typeof ChangeVendorStatusBody>,
  ifMatch: string | undefined,
  now = new Date(),
): Promise<Vendor> {
  const before = await getExistingVendor(id);
  assertIfMatch(ifMatch, before, 'vendor');
  const at = now.toISOString();
  const after: Vendor = {
    ...before,
    ...transition(before, change.status, change.reason),
    updatedAt: at,
    version: before.version + 1,
  };
  const event = vendorEvent(caller, id, {
    action: 'VENDOR_STATUS_CHANGED',
    at,
    before: { status: before.status, version: before.version },
    after: { status: after.status, version: after.version },
    ...(change.reason ? { reason: change.reason } : {}),
  });
  try {
    await save(before, after, event);
  } catch (error) {
    if (!(error instanceof StaleVendorError)) throw error;
    // Someone else changed it first: say whether the transition is still allowed at all.
    transition(await getExistingVendor(id), change.status, change.reason);
    throw ifMatch === undefined ? BUSY('changing its status') : STALE('changing its status');
  }
  return after;
}

function assertEngageable(vendor: Vendor, what: string): void {
  if (vendor.status === 'OFFBOARDED') {
    throw new ConflictError(`${vendor.displayName} is offboarded: no new ${what}.`, {
      currentStatus: vendor.status,
    });
  }
}

export async function addContract(
  caller: Caller,
  vendorId: string,
  body: z.output<typeof AddContractBody>,
  alongside: Alongside<Contract> = nothingAlongside,
  now = new Date(),
): Promise<Contract> {
  const vendor = await getExistingVendor(vendorId);
  assertEngageable(vendor, 'contracts');
  const at = now.toISOString();
  const contract: Contract = {
    id: newId('contract', now.getTime()),
    vendorId,
    ...body,
    addedBy: personOf(caller),
    addedAt: at,
  };
  const event = vendorEvent(caller, vendorId, {
    action: 'CONTRACT_ADDED',
    at,
    after: toContractResource(contract),
  });
  try {
    await insertContract(contract, event, alongside(contract));
  } catch (error) {
    if (error instanceof VendorOffboardedError)
      assertEngageable(await getExistingVendor(vendorId), 'contracts');
    throw error;
  }
  return contract;
}

/** Adds one rate for a role; rates of the same role must not overlap in time. */
export async function addRate(
  caller: Caller,
  vendorId: string,
  body: AddRateInput,
  alongside: Alongside<Rate & { role: string }> = nothingAlongside,
  now = new Date(),
): Promise<Rate & { role: string }> {
  const roleKey = roleKeyOf(body.role);
  for (let attempt = 1; ; attempt++) {
    const [vendor, role] = await Promise.all([
      getExistingVendor(vendorId),
      getRateCardRole(vendorId, roleKey),
    ]);
    assertEngageable(vendor, 'rates');
    const existing = role?.rates ?? [];
    const issues = overlapIssues(existing, body);
    if (issues.length > 0) throw new ValidationError(issues);
    const at = now.toISOString();
    const rate: Rate = {
      id: newId('rate', now.getTime()),
      unit: body.unit,
      rate: parseMoney(body.rate),
      validFrom: body.validFrom,
      ...(body.validTo ? { validTo: body.validTo } : {}),
      addedBy: personOf(caller),
      addedAt: at,
    };
    const rates = [...existing, rate].sort((a, b) => (a.validFrom < b.validFrom ? -1 : 1));
    const event = vendorEvent(caller, vendorId, {
      action: 'RATE_ADDED',
      at,
      after: { role: role?.role ?? body.role, ...toRateResource(rate) },
    });
    const added = { role: role?.role ?? body.role, ...rate };
    try {
      await saveRateCardRole(
        vendorId,
        { role: added.role, roleKey, rates, revision: (role?.revision ?? 0) + 1 },
        event,
        alongside(added),
      );
      return added;
    } catch (error) {
      if (error instanceof VendorOffboardedError)
        assertEngageable(await getExistingVendor(vendorId), 'rates');
      if (!(error instanceof RateCardChangedError)) throw error;
      if (attempt === RETRIES) {
        throw new ConflictError('The rate card of this role is changing right now; try again.');
      }
    }
  }
}
