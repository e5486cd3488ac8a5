import type { Caller } from '../shared/auth.js';
import { entityOf } from '../shared/db.js';
import { newId } from '../shared/ids.js';
import { EMPTY_LINE, type LedgerEntryKind, type LineEffect } from './ledger.js';
import {
  type BudgetControls,
  DEFAULT_BUDGET_CONTROLS,
  type StoredEnvelope,
  type StoredLedgerEntry,
  type StoredLine,
} from './model.js';

/**
 * How budgets are laid out in the Budgets table (one table, several item kinds, so that every
 * rule can be one transaction and every read one Query):
 *
 *   FY#<fy>                  ENVELOPE        the envelope: envelope, allocated, unallocated totals
 *   FY#<fy>                  LINE#<bf>       a business function's line: running totals
 *   LEDGER#<fy>#<bf>         <entry id>      immutable ledger entries, time-ordered ids
 *   POSITIONS#<fy>#<bf>      <request id>    a request's commitment and actuals on the line
 *   INVOICE#<vendor>#<NO.>   INVOICE         one actual per vendor invoice number (trimmed, any case)
 *   TRANSFERS#<fy>           <transfer id>   a transfer and its status (PENDING, EXECUTED, REJECTED)
 *   FY#<fy>                  CLOSE           the year-end close's summary, once it has finished
 *   IDEMPOTENCY#<sub>        <route>#<key>   a transfer's or actual's first response, for retries
 *                                            (functions/shared/idempotency.ts; expires by TTL)
 *
 * The budget view is one Query of FY#<fy>; a line's ledger one Query of its LEDGER partition
 * (its entries carry the line's export sequence, see ledgerEntry); the ledger export reads each
 * line's LEDGER partition, the spend export of GET /exports/spend its POSITIONS partitions.
 * All figures are integer minor units.
 * Env-free: the local cloud's demo seed builds items with it too.
 */
export const budgetKeys = {
  fiscalYearPartition: (fiscalYear: string) => `FY#${fiscalYear}`,
  envelope: (fiscalYear: string) => ({ pk: `FY#${fiscalYear}`, sk: 'ENVELOPE' }),
  line: (fiscalYear: string, businessFunction: string) => ({
    pk: `FY#${fiscalYear}`,
    sk: `LINE#${businessFunction}`,
  }),
  ledgerPartition: (fiscalYear: string, businessFunction: string) =>
    `LEDGER#${fiscalYear}#${businessFunction}`,
  positionsPartition: (fiscalYear: string, businessFunction: string) =>
    `POSITIONS#${fiscalYear}#${businessFunction}`,
  position: (fiscalYear: string, businessFunction: string, requestId: string) => ({
    pk: `POSITIONS#${fiscalYear}#${businessFunction}`,
    sk: requestId,
  }),
  transfersPartition: (fiscalYear: string) => `TRANSFERS#${fiscalYear}`,
  transfer: (fiscalYear: string, transferId: string) => ({ pk: `TRANSFERS#${fiscalYear}`, sk: transferId }),
  close: (fiscalYear: string) => ({ pk: `FY#${fiscalYear}`, sk: 'CLOSE' }),
  // One invoice however it is keyed in: "INV-123", "inv-123 " (the actual keeps the number as typed).
  invoice: (vendorId: string, invoiceNumber: string) => ({
    pk: `INVOICE#${vendorId}#${invoiceNumber.trim().toUpperCase()}`,
    sk: 'INVOICE',
  }),
};

export function envelopeItem(envelope: StoredEnvelope, updatedAt: string): Record<string, unknown> {
  return {
    ...budgetKeys.envelope(envelope.fiscalYear),
    entity: 'BUDGET_ENVELOPE',
    ...envelope,
    unallocated: envelope.envelope - envelope.allocated,
    updatedAt,
  };
}

export function envelopeFromItem(item: Record<string, unknown>): StoredEnvelope {
  return {
    fiscalYear: String(item.fiscalYear),
    currency: String(item.currency),
    envelope: Number(item.envelope),
    allocated: Number(item.allocated ?? 0),
    // Envelopes set before the controls existed have the defaults.
    controls: { ...DEFAULT_BUDGET_CONTROLS, ...(item.controls as Partial<BudgetControls> | undefined) },
    ...(item.fourEyesThreshold !== undefined ? { fourEyesThreshold: Number(item.fourEyesThreshold) } : {}),
    ...(item.closedAt !== undefined ? { closedAt: String(item.closedAt) } : {}),
    version: Number(item.version),
  };
}

export function lineFromItem(item: Record<string, unknown>): StoredLine {
  return {
    fiscalYear: String(item.fiscalYear),
    businessFunction: String(item.businessFunction),
    currency: String(item.currency),
    allocated: Number(item.allocated ?? 0),
    committed: Number(item.committed ?? 0),
    actual: Number(item.actual ?? 0),
    consumed: Number(item.consumed ?? 0),
    available: Number(item.available ?? 0),
    version: Number(item.version ?? 0),
  };
}

/** A line that has no item yet: nothing allocated, nothing consumed. */
export function emptyLine(fiscalYear: string, businessFunction: string, currency: string): StoredLine {
  return { fiscalYear, businessFunction, currency, ...EMPTY_LINE, version: 0 };
}

export function lineItem(line: StoredLine, updatedAt: string): Record<string, unknown> {
  return {
    ...budgetKeys.line(line.fiscalYear, line.businessFunction),
    entity: 'BUDGET_LINE',
    ...line,
    updatedAt,
  };
}

export function ledgerEntryItem(entry: StoredLedgerEntry): Record<string, unknown> {
  return {
    pk: budgetKeys.ledgerPartition(entry.fiscalYear, entry.businessFunction),
    sk: entry.id,
    entity: 'LEDGER_ENTRY',
    ...entry,
  };
}

const STORAGE_ATTRIBUTES = new Set(['pk', 'sk', 'entity']);

export const ledgerEntryFromItem = (item: Record<string, unknown>) =>
  entityOf<StoredLedgerEntry>(item, STORAGE_ATTRIBUTES);

/** A request's standing on its line: what is committed and invoiced, and which entries did it. */
export interface StoredPosition {
  requestId: string;
  fiscalYear: string;
  businessFunction: string;
  currency: string;
  committed: number;
  actual: number;
  invoiceCount: number;
  vendorId?: string;
  approvedAt?: string;
  commitEntryId?: string;
  releaseEntryId?: string;
  /** Year-end close: the open commitment went to this fiscal year's line (same business function). */
  carriedTo?: string;
  carryEntryId?: string;
  /** Minor units carried to `carriedTo`. */
  carriedMinor?: number;
  /** On the next year's position: the closed fiscal year the commitment came from. */
  carriedFrom?: string;
  version: number;
}

/** A request's position before anything was committed or invoiced (its vendor is the request's). */
export function newPosition(
  request: {
    id: string;
    fiscalYear: string;
    businessFunction: string;
    preferredVendorId?: string | undefined;
  },
  currency: string,
): StoredPosition {
  return {
    requestId: request.id,
    fiscalYear: request.fiscalYear,
    businessFunction: request.businessFunction,
    currency,
    committed: 0,
    actual: 0,
    invoiceCount: 0,
    ...(request.preferredVendorId ? { vendorId: request.preferredVendorId } : {}),
    version: 0,
  };
}

export function positionItem(position: StoredPosition, updatedAt: string): Record<string, unknown> {
  return {
    ...budgetKeys.position(position.fiscalYear, position.businessFunction, position.requestId),
    entity: 'REQUEST_POSITION',
    ...position,
    updatedAt,
  };
}

const POSITION_STORAGE_ATTRIBUTES = new Set([...STORAGE_ATTRIBUTES, 'updatedAt']);

export const positionFromItem = (item: Record<string, unknown>) =>
  entityOf<StoredPosition>(item, POSITION_STORAGE_ATTRIBUTES);

/** The line totals' attribute names, in one place for update expressions. */
export const LINE_TOTAL_ATTRIBUTES: (keyof LineEffect | 'available')[] = [
  'allocated',
  'committed',
  'actual',
  'consumed',
  'available',
];

/** Who wrote an entry: a caller, or the approver on whose decision a workflow task acts. */
export type Actor = Pick<Caller, 'sub' | 'name' | 'email'>;

/**
 * A new immutable ledger entry of a line, numbered with the line's export sequence: the line's
 * `version` after the entry's transaction. Every transaction that writes an entry updates its
 * line with ADD version 1 under the condition `version = <as read>` (updateLine's guard), so
 * the entries of a line are numbered 1, 2, 3, ... without gaps, in the order they committed:
 * entry n+1 cannot commit before entry n did. An export that reads a line's version v
 * (consistently) therefore knows every entry numbered up to v is committed and readable, and
 * that every later entry will be numbered above v (see functions/exports/ledger-export.ts).
 */
export function ledgerEntry(
  actor: Actor,
  line: Pick<StoredLine, 'fiscalYear' | 'businessFunction' | 'currency' | 'version'>,
  kind: LedgerEntryKind,
  amountMinor: number,
  effect: LineEffect,
  at: string,
  details: Partial<StoredLedgerEntry> = {},
): StoredLedgerEntry {
  return {
    id: newId('ledgerEntry', Date.parse(at)),
    fiscalYear: line.fiscalYear,
    businessFunction: line.businessFunction,
    kind,
    amountMinor,
    currency: line.currency,
    effect,
    ...details,
    sequence: line.version + 1,
    at,
    by: { sub: actor.sub, name: actor.name, email: actor.email },
  };
}
