import { appendAuditEvent } from '../shared/audit.js';
import { newAuditEvent } from '../shared/audit-event.js';
import { type Caller, personOf, requireRole } from '../shared/auth.js';
import type { TransactItem } from '../shared/db.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../shared/errors.js';
import { requireEnvelope, transact } from './budget-store.js';
import { busy, MAX_ATTEMPTS } from './command-support.js';
import { assertOpen, execution, linesOf, type TransferRecord } from './transfer-execution.js';
import { getTransfer, putTransfer, type StoredTransfer, toTransferRecord } from './transfer-store.js';

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
