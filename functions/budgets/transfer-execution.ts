import type * as z from 'zod';
import { appendAuditEvent } from '../shared/audit.js';
import { newAuditEvent } from '../shared/audit-event.js';
import { personOf } from '../shared/auth.js';
import type { TransactItem } from '../shared/db.js';
import { formatMoney } from '../shared/money.js';
import { type Actor, emptyLine, ledgerEntry } from './budget-items.js';
import { getLine, putLedgerEntry, updateLine } from './budget-store.js';
import { moneyText } from './command-support.js';
import { InsufficientBudgetError, YearClosedError } from './errors.js';
import { applyEffect, availableNeededFor, transferInEffect, transferOutEffect } from './ledger.js';
import {
  type StoredEnvelope,
  type StoredLine,
  type TransferRecordResource,
  type TransferResource,
  toLineResource,
} from './model.js';
import { type StoredTransfer, yearStillOpen } from './transfer-store.js';

/**
 * Moving allocation between business functions: both lines change in one transaction or
 * neither does, with the transfer's record and its audit event. Each line is written at the
 * version it was read at, so the answer shows the lines exactly as they are after the transfer.
 * Above the fiscal year's four-eyes threshold a transfer is recorded PENDING and executed only
 * when a second person (finance or admin, never its creator) approves it; availability is
 * checked again then, in the executing transaction.
 */

export type TransferResult = z.infer<typeof TransferResource>;
export type TransferRecord = z.infer<typeof TransferRecordResource>;

/** What creating a transfer answers: the executed transfer with both lines, or the pending record. */
export type TransferOutcome =
  | { status: 'EXECUTED'; body: TransferResult }
  | { status: 'PENDING'; body: TransferRecord };

const after = (line: StoredLine, effect: Parameters<typeof applyEffect>[1]): StoredLine => ({
  ...line,
  ...applyEffect(line, effect),
  version: line.version + 1,
});

export const waitsForSecondPerson = (envelope: StoredEnvelope, amountMinor: number) =>
  envelope.fourEyesThreshold !== undefined && amountMinor > envelope.fourEyesThreshold;

/** Both lines of a transfer as they stand (a line without an item yet: empty). */
export async function linesOf(transfer: Pick<StoredTransfer, 'fiscalYear' | 'from' | 'to' | 'currency'>) {
  const [from, to] = await Promise.all([
    getLine(transfer.fiscalYear, transfer.from),
    getLine(transfer.fiscalYear, transfer.to),
  ]);
  return {
    from: from ?? emptyLine(transfer.fiscalYear, transfer.from, transfer.currency),
    to: to ?? emptyLine(transfer.fiscalYear, transfer.to, transfer.currency),
  };
}

/**
 * The writes that execute a transfer (after its record's write, which comes first): both lines
 * under the source's hard stop and the year being open, both ledger entries, the audit event.
 */
export function execution(
  actor: Actor,
  lines: { from: StoredLine; to: StoredLine },
  transfer: StoredTransfer,
  at: string,
): { writes: TransactItem[]; body: TransferResult } {
  const { from, to } = lines;
  const out = transferOutEffect(transfer.amountMinor);
  const into = transferInEffect(transfer.amountMinor);
  const need = availableNeededFor('TRANSFER_OUT', out) ?? 0;
  if (from.available < need) throw new InsufficientBudgetError(from, need);
  const body: TransferResult = {
    transferId: transfer.transferId,
    fiscalYear: transfer.fiscalYear,
    status: 'EXECUTED',
    from: toLineResource(after(from, out)),
    to: toLineResource(after(to, into)),
    amount: formatMoney({ minor: transfer.amountMinor, currency: transfer.currency }),
    reason: transfer.reason,
  };
  const details = { transferId: transfer.transferId, reference: transfer.reason };
  const secondPerson = transfer.requestedBy.sub !== actor.sub;
  const event = newAuditEvent(actor, {
    entityType: 'BUDGET',
    entityId: transfer.fiscalYear,
    action: 'BUDGET_TRANSFERRED',
    at,
    before: {
      [transfer.from]: moneyText(from.allocated, from.currency),
      [transfer.to]: moneyText(to.allocated, to.currency),
    },
    after: {
      [transfer.from]: body.from.allocated,
      [transfer.to]: body.to.allocated,
      transferId: transfer.transferId,
      amount: body.amount,
      ...(secondPerson ? { requestedBy: transfer.requestedBy, approvedBy: personOf(actor) } : {}),
    },
    reason: transfer.reason,
  });
  return {
    writes: [
      updateLine(from, out, at, { availableAtLeast: need }),
      updateLine(to, into, at),
      putLedgerEntry(ledgerEntry(actor, from, 'TRANSFER_OUT', transfer.amountMinor, out, at, details)),
      putLedgerEntry(ledgerEntry(actor, to, 'TRANSFER_IN', transfer.amountMinor, into, at, details)),
      yearStillOpen(transfer.fiscalYear),
      appendAuditEvent(event),
    ],
    body,
  };
}

export function assertOpen(envelope: StoredEnvelope): void {
  if (envelope.closedAt) throw new YearClosedError(envelope.fiscalYear, envelope.closedAt);
}
