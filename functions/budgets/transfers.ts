import type * as z from 'zod';
import { appendAuditEvent } from '../shared/audit.js';
import { newAuditEvent } from '../shared/audit-event.js';
import { type Caller, requireRole } from '../shared/auth.js';
import { type Alongside, nothingAlongside } from '../shared/idempotency.js';
import { newId } from '../shared/ids.js';
import { formatMoney, type Money } from '../shared/money.js';
import { requireBusinessFunction, requireEnvelope } from './budget-commands.js';
import { emptyLine, ledgerEntry } from './budget-items.js';
import { getLine, putLedgerEntry, transact, updateLine } from './budget-store.js';
import { busy, MAX_ATTEMPTS, moneyText } from './command-support.js';
import { currencyMismatch, InsufficientBudgetError } from './errors.js';
import { applyEffect, availableNeededFor, transferInEffect, transferOutEffect } from './ledger.js';
import { type StoredLine, type TransferResource, toLineResource } from './model.js';

/**
 * Moving allocation between business functions: both lines change in one transaction or
 * neither does. Each line is written at the version it was read at, so the answer shows the
 * lines exactly as they are after the transfer. The caller's items `alongside` (an
 * Idempotency-Key's record) land in the same transaction.
 */

type TransferBody = z.infer<typeof TransferResource>;

const after = (line: StoredLine, effect: Parameters<typeof applyEffect>[1]): StoredLine => ({
  ...line,
  ...applyEffect(line, effect),
  version: line.version + 1,
});

export async function transferBudget(
  caller: Caller,
  fiscalYear: string,
  transfer: { from: string; to: string; amount: Money; reason: string },
  alongside: Alongside<TransferBody> = nothingAlongside,
  now = new Date(),
): Promise<TransferBody> {
  requireRole(caller, 'admin');
  const at = now.toISOString();
  const transferId = newId('transfer', now.getTime());
  // Reference data does not change between attempts: read once, alongside the first attempt.
  const businessFunctionsExist = Promise.all([
    requireBusinessFunction(transfer.from),
    requireBusinessFunction(transfer.to),
  ]);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const [envelope, storedFrom, storedTo] = await Promise.all([
      requireEnvelope(fiscalYear),
      getLine(fiscalYear, transfer.from),
      getLine(fiscalYear, transfer.to),
      businessFunctionsExist,
    ]);
    if (transfer.amount.currency !== envelope.currency) {
      throw currencyMismatch('amount.currency', transfer.amount.currency, envelope);
    }
    const from = storedFrom ?? emptyLine(fiscalYear, transfer.from, envelope.currency);
    const to = storedTo ?? emptyLine(fiscalYear, transfer.to, envelope.currency);
    const out = transferOutEffect(transfer.amount.minor);
    const into = transferInEffect(transfer.amount.minor);
    const need = availableNeededFor('TRANSFER_OUT', out) ?? 0;
    if (from.available < need) throw new InsufficientBudgetError(from, need);

    const body: TransferBody = {
      transferId,
      fiscalYear,
      from: toLineResource(after(from, out)),
      to: toLineResource(after(to, into)),
      amount: formatMoney(transfer.amount),
      reason: transfer.reason,
    };
    const details = { transferId, reference: transfer.reason };
    const event = newAuditEvent(caller, {
      entityType: 'BUDGET',
      entityId: fiscalYear,
      action: 'BUDGET_TRANSFERRED',
      at,
      before: {
        [transfer.from]: moneyText(from.allocated, from.currency),
        [transfer.to]: moneyText(to.allocated, to.currency),
      },
      after: {
        [transfer.from]: body.from.allocated,
        [transfer.to]: body.to.allocated,
        transferId,
        amount: body.amount,
      },
      reason: transfer.reason,
    });
    const codes = await transact([
      updateLine(from, out, at, { availableAtLeast: need }),
      updateLine(to, into, at),
      putLedgerEntry(ledgerEntry(caller, from, 'TRANSFER_OUT', transfer.amount.minor, out, at, details)),
      putLedgerEntry(ledgerEntry(caller, to, 'TRANSFER_IN', transfer.amount.minor, into, at, details)),
      appendAuditEvent(event),
      ...alongside(body),
    ]);
    if (codes === undefined) return body;
    // A line changed since it was read: decide again on what is there now.
  }
  throw busy();
}
