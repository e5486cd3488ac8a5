import { appendAuditEvent } from '../shared/audit.js';
import { newAuditEvent } from '../shared/audit-event.js';
import { type Caller, personOf, requireRole } from '../shared/auth.js';
import type { TransactItem } from '../shared/db.js';
import { type Alongside, nothingAlongside } from '../shared/idempotency.js';
import { newId } from '../shared/ids.js';
import type { Money } from '../shared/money.js';
import { requireBusinessFunction } from './budget-commands.js';
import { requireEnvelope, transact } from './budget-store.js';
import { busy, MAX_ATTEMPTS } from './command-support.js';
import { currencyMismatch, InsufficientBudgetError } from './errors.js';
import { availableNeededFor, transferOutEffect } from './ledger.js';
import {
  assertOpen,
  execution,
  linesOf,
  type TransferOutcome,
  waitsForSecondPerson,
} from './transfer-execution.js';
import { putTransfer, type StoredTransfer, toTransferRecord, yearStillOpen } from './transfer-store.js';

/** Creating a transfer; the rules of execution and four eyes are in transfer-execution.ts. */

/** Creates a transfer (admin): executed at once, or PENDING above the fiscal year's four-eyes threshold. */
export async function transferBudget(
  caller: Caller,
  fiscalYear: string,
  transfer: { from: string; to: string; amount: Money; reason: string },
  alongside: Alongside<TransferOutcome> = nothingAlongside,
  now = new Date(),
): Promise<TransferOutcome> {
  requireRole(caller, 'admin');
  const at = now.toISOString();
  const transferId = newId('transfer', now.getTime());
  // Reference data does not change between attempts: read once, alongside the first attempt.
  const businessFunctionsExist = Promise.all([
    requireBusinessFunction(transfer.from),
    requireBusinessFunction(transfer.to),
  ]);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const [envelope, lines] = await Promise.all([
      requireEnvelope(fiscalYear),
      linesOf({ fiscalYear, from: transfer.from, to: transfer.to, currency: transfer.amount.currency }),
      businessFunctionsExist,
    ]);
    assertOpen(envelope);
    if (transfer.amount.currency !== envelope.currency) {
      throw currencyMismatch('amount.currency', transfer.amount.currency, envelope);
    }
    const record: StoredTransfer = {
      transferId,
      fiscalYear,
      from: transfer.from,
      to: transfer.to,
      amountMinor: transfer.amount.minor,
      currency: transfer.amount.currency,
      reason: transfer.reason,
      status: 'PENDING',
      requestedBy: personOf(caller),
      requestedAt: at,
      version: 1,
    };
    let outcome: TransferOutcome;
    let writes: TransactItem[];
    if (waitsForSecondPerson(envelope, transfer.amount.minor)) {
      // Checked now so that a transfer that cannot be made is refused at once; again on approval.
      const need = availableNeededFor('TRANSFER_OUT', transferOutEffect(transfer.amount.minor)) ?? 0;
      if (lines.from.available < need) throw new InsufficientBudgetError(lines.from, need);
      outcome = { status: 'PENDING', body: toTransferRecord(record) };
      const event = newAuditEvent(caller, {
        entityType: 'BUDGET',
        entityId: fiscalYear,
        action: 'BUDGET_TRANSFER_REQUESTED',
        at,
        after: { ...outcome.body },
        reason: transfer.reason,
      });
      writes = [putTransfer(record), yearStillOpen(fiscalYear), appendAuditEvent(event)];
    } else {
      const executed: StoredTransfer = {
        ...record,
        status: 'EXECUTED',
        decidedBy: record.requestedBy,
        decidedAt: at,
      };
      const { writes: executing, body } = execution(caller, lines, executed, at);
      outcome = { status: 'EXECUTED', body };
      writes = [putTransfer(executed), ...executing];
    }
    if ((await transact([...writes, ...alongside(outcome)])) === undefined) return outcome;
    // A line changed since it was read (or the year closed): decide again on what is there now.
  }
  throw busy();
}
