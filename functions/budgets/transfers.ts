import type * as z from 'zod';
import { appendAuditEvent } from '../shared/audit.js';
import { newAuditEvent } from '../shared/audit-event.js';
import { type Caller, personOf, requireRole } from '../shared/auth.js';
import type { TransactItem } from '../shared/db.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../shared/errors.js';
import { type Alongside, nothingAlongside } from '../shared/idempotency.js';
import { newId } from '../shared/ids.js';
import { formatMoney, type Money } from '../shared/money.js';
import type { Page } from '../shared/pagination.js';
import { requireBusinessFunction, requireEnvelope } from './budget-commands.js';
import { type Actor, emptyLine, ledgerEntry } from './budget-items.js';
import { getLine, putLedgerEntry, transact, updateLine } from './budget-store.js';
import { busy, MAX_ATTEMPTS, moneyText } from './command-support.js';
import { currencyMismatch, InsufficientBudgetError, YearClosedError } from './errors.js';
import { applyEffect, availableNeededFor, transferInEffect, transferOutEffect } from './ledger.js';
import {
  type StoredEnvelope,
  type StoredLine,
  type TransferRecordResource,
  type TransferResource,
  toLineResource,
} from './model.js';
import {
  getTransfer,
  listTransfers,
  putTransfer,
  type StoredTransfer,
  type TransferStatus,
  yearStillOpen,
} from './transfer-store.js';

/**
 * Moving allocation between business functions: both lines change in one transaction or
 * neither does, with the transfer's record and its audit event. Each line is written at the
 * version it was read at, so the answer shows the lines exactly as they are after the transfer.
 * Above the fiscal year's four-eyes threshold a transfer is recorded PENDING and executed only
 * when a second person (finance or admin, never its creator) approves it; availability is
 * checked again then, in the executing transaction.
 */

type TransferResult = z.infer<typeof TransferResource>;
type TransferRecord = z.infer<typeof TransferRecordResource>;

/** What creating a transfer answers: the executed transfer with both lines, or the pending record. */
export type TransferOutcome =
  | { status: 'EXECUTED'; body: TransferResult }
  | { status: 'PENDING'; body: TransferRecord };

const after = (line: StoredLine, effect: Parameters<typeof applyEffect>[1]): StoredLine => ({
  ...line,
  ...applyEffect(line, effect),
  version: line.version + 1,
});

export function toTransferRecord(
  transfer: StoredTransfer,
  lines?: { from: TransferResult['from']; to: TransferResult['to'] },
): TransferRecord {
  return {
    transferId: transfer.transferId,
    fiscalYear: transfer.fiscalYear,
    from: transfer.from,
    to: transfer.to,
    amount: formatMoney({ minor: transfer.amountMinor, currency: transfer.currency }),
    reason: transfer.reason,
    status: transfer.status,
    requestedBy: transfer.requestedBy,
    requestedAt: transfer.requestedAt,
    ...(transfer.decidedBy ? { decidedBy: transfer.decidedBy } : {}),
    ...(transfer.decidedAt ? { decidedAt: transfer.decidedAt } : {}),
    ...(transfer.decisionReason ? { decisionReason: transfer.decisionReason } : {}),
    ...(lines ? { lines } : {}),
  };
}

const waitsForSecondPerson = (envelope: StoredEnvelope, amountMinor: number) =>
  envelope.fourEyesThreshold !== undefined && amountMinor > envelope.fourEyesThreshold;

/** Both lines of a transfer as they stand (a line without an item yet: empty). */
async function linesOf(transfer: Pick<StoredTransfer, 'fiscalYear' | 'from' | 'to' | 'currency'>) {
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
function execution(
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

function assertOpen(envelope: StoredEnvelope): void {
  if (envelope.closedAt) throw new YearClosedError(envelope.fiscalYear, envelope.closedAt);
}

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

/** A decided transfer cannot be decided again. */
export class TransferDecidedError extends ConflictError {
  constructor(transfer: StoredTransfer) {
    super(
      `Transfer ${transfer.transferId} is ${transfer.status} already${transfer.decidedBy ? ` (by ${transfer.decidedBy.name})` : ''}.`,
      { currentStatus: transfer.status, allowedTransitions: [] },
    );
    this.name = 'TransferDecidedError';
  }
}

/**
 * Approves (executes) or rejects a PENDING transfer: finance or admin; approving needs a second
 * person, never the transfer's creator (who may reject, i.e. withdraw, it). The decision is a
 * conditional write on the transfer's status and version in the executing transaction, so of
 * two people deciding at once exactly one does. The same person deciding the same way again
 * gets the transfer as it stands.
 */
export async function decideTransfer(
  caller: Caller,
  fiscalYear: string,
  transferId: string,
  decision: { decision: 'APPROVE' | 'REJECT'; reason?: string | undefined },
  now = new Date(),
): Promise<TransferRecord> {
  requireRole(caller, 'finance', 'admin');
  const at = now.toISOString();
  const decided = decision.decision === 'APPROVE' ? 'EXECUTED' : 'REJECTED';
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const [transfer, envelope] = await Promise.all([
      getTransfer(fiscalYear, transferId),
      requireEnvelope(fiscalYear),
    ]);
    if (!transfer) throw new NotFoundError(`No transfer ${transferId} in ${fiscalYear}.`);
    if (transfer.status !== 'PENDING') {
      if (transfer.status === decided && transfer.decidedBy?.sub === caller.sub)
        return toTransferRecord(transfer);
      throw new TransferDecidedError(transfer);
    }
    if (decision.decision === 'APPROVE' && transfer.requestedBy.sub === caller.sub) {
      throw new ForbiddenError(
        `Four eyes: transfer ${transferId} was asked for by you; another person with the finance or admin role must approve it.`,
      );
    }
    const next: StoredTransfer = {
      ...transfer,
      status: decided,
      decidedBy: personOf(caller),
      decidedAt: at,
      ...(decision.reason ? { decisionReason: decision.reason } : {}),
      version: transfer.version + 1,
    };
    let writes: TransactItem[];
    let answer: TransferRecord;
    if (decided === 'REJECTED') {
      answer = toTransferRecord(next);
      const event = newAuditEvent(caller, {
        entityType: 'BUDGET',
        entityId: fiscalYear,
        action: 'BUDGET_TRANSFER_REJECTED',
        at,
        before: { transferId, status: transfer.status },
        after: { transferId, status: next.status },
        ...(decision.reason ? { reason: decision.reason } : {}),
      });
      writes = [appendAuditEvent(event)];
    } else {
      assertOpen(envelope);
      const executing = execution(caller, await linesOf(transfer), next, at);
      answer = toTransferRecord(next, { from: executing.body.from, to: executing.body.to });
      writes = executing.writes;
    }
    if ((await transact([putTransfer(next, transfer.version), ...writes])) === undefined) return answer;
    // Decided by someone else meanwhile (the record refused), or a line moved: read again.
  }
  throw busy('The transfer');
}

/** A fiscal year's transfers, newest first (finance, admin, approvers). */
export async function transfersOf(
  caller: Caller,
  fiscalYear: string,
  page: { limit: number; cursor?: string | undefined },
  status?: TransferStatus,
): Promise<Page<TransferRecord>> {
  requireRole(caller, 'finance', 'admin', 'approver');
  await requireEnvelope(fiscalYear);
  const found = await listTransfers(fiscalYear, page, status);
  return { ...found, items: found.items.map((transfer) => toTransferRecord(transfer)) };
}
