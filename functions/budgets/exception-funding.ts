import { appendAuditEvent } from '../shared/audit.js';
import { newAuditEvent } from '../shared/audit-event.js';
import { ChangedMeanwhileError, type TransactItem } from '../shared/db.js';
import { ValidationError } from '../shared/errors.js';
import { formatMoney } from '../shared/money.js';
import { type Actor, emptyLine, ledgerEntry, newPosition } from './budget-items.js';
import {
  afterLostRace,
  getFiscalYear,
  getPosition,
  LINE_RACE_ATTEMPTS,
  putLedgerEntry,
  putPosition,
  refusedAt,
  requireEnvelope,
  transact,
  updateLine,
} from './budget-store.js';
import type { CommitmentRequest } from './commitments.js';
import { currencyMismatch, InsufficientBudgetError } from './errors.js';
import { shortfallOf } from './exception-figures.js';
import {
  availableNeededFor,
  commitmentEffect,
  NO_EFFECT,
  positionAfter,
  transferInEffect,
  transferOutEffect,
} from './ledger.js';
import { assertOpen } from './transfer-execution.js';
import { putTransfer, type StoredTransfer, yearStillOpen } from './transfer-store.js';

/**
 * The over-budget exception route's money: a request whose approved amount does not fit its
 * line is funded by a transfer from another business function's line of the same fiscal year,
 * and the transfer, the commitment and the request's move to APPROVED land in one transaction.
 * Nothing is committed beyond available; no source line is left below zero.
 */

export interface Funding {
  transferId: string;
  /** The business function whose line gives the money. */
  from: string;
  /** Minor units; at least the shortfall. Default: exactly the shortfall. */
  amountMinor?: number | undefined;
}

/**
 * Funds an approved request by a transfer and commits it, all in one transaction with
 * `alongside` (the request's move to APPROVED, the approval's decision, their audit events):
 * the source line's TRANSFER_OUT, the request's line's TRANSFER_IN and COMMITMENT (its version
 * moves by two, so both entries keep the line's export sequence), the executed transfer's
 * record and its audit event. The source line must keep at least zero available, the request's
 * line must then cover the commitment; each is the transaction's condition, so a race never
 * takes a line below zero.
 *
 * @throws ValidationError when the source is the request's own business function or the amount
 *   is below the shortfall; InsufficientBudgetError (409, the source's figures) when the source
 *   lacks the amount; YearClosedError; ChangedMeanwhileError when an `alongside` write was refused.
 */
export async function fundByTransferAndCommit(
  request: CommitmentRequest,
  funding: Funding,
  actor: Actor,
  now = new Date(),
  alongside: (transferMinor: number) => TransactItem[] = () => [],
): Promise<{ transferId: string; amountMinor: number }> {
  if (funding.from === request.businessFunction) {
    throw new ValidationError([
      {
        field: 'fundFrom',
        message: `Choose another business function than ${request.businessFunction} itself.`,
      },
    ]);
  }
  const at = now.toISOString();
  const amount = request.estimatedCost;
  for (let attempt = 0; attempt < LINE_RACE_ATTEMPTS; attempt++) {
    if (attempt > 0) await afterLostRace(attempt);
    const [envelope, year, stored] = await Promise.all([
      requireEnvelope(request.fiscalYear),
      getFiscalYear(request.fiscalYear),
      getPosition(request.fiscalYear, request.businessFunction, request.id),
    ]);
    assertOpen(envelope);
    if (envelope.currency !== amount.currency)
      throw currencyMismatch('estimatedCost.currency', amount.currency, envelope);
    const lineOf = (businessFunction: string) =>
      year?.lines.find((line) => line.businessFunction === businessFunction) ??
      emptyLine(request.fiscalYear, businessFunction, envelope.currency);
    const source = lineOf(funding.from);
    const target = lineOf(request.businessFunction);
    const position = stored ?? newPosition(request, envelope.currency);
    if (position.commitEntryId) throw new ChangedMeanwhileError('The request');
    const shortfall = shortfallOf(target, position.committed, amount.minor);
    const transferMinor = funding.amountMinor ?? shortfall;
    if (transferMinor < shortfall) {
      const money = (minor: number) =>
        `${formatMoney({ minor: Math.max(minor, 1), currency: envelope.currency }).amount} ${envelope.currency}`;
      throw new ValidationError([
        { field: 'amount', message: `The transfer must cover the shortfall: at least ${money(shortfall)}.` },
      ]);
    }
    const out = transferOutEffect(transferMinor);
    if (source.available < transferMinor) throw new InsufficientBudgetError(source, transferMinor);

    const { transferId } = funding;
    const reason = `Budget exception for request ${request.id}`;
    const transfer: StoredTransfer = {
      transferId,
      fiscalYear: request.fiscalYear,
      from: funding.from,
      to: request.businessFunction,
      amountMinor: transferMinor,
      currency: envelope.currency,
      reason,
      status: 'EXECUTED',
      requestedBy: { sub: actor.sub, name: actor.name, email: actor.email },
      requestedAt: at,
      decidedBy: { sub: actor.sub, name: actor.name, email: actor.email },
      decidedAt: at,
      version: 1,
    };
    // The line has room by now (another commitment was released meanwhile) and no amount was
    // chosen: the commitment alone, no transfer.
    const transfers = transferMinor > 0;
    const into = transferInEffect(transferMinor);
    const commit = commitmentEffect(position, amount.minor);
    const both = {
      ...NO_EFFECT,
      allocated: into.allocated,
      committed: commit.committed,
      consumed: commit.consumed,
    };
    const details = { transferId, reference: reason };
    const transferIn = ledgerEntry(actor, target, 'TRANSFER_IN', transferMinor, into, at, details);
    // The commitment is the line's second entry of the transaction: numbered after the transfer's.
    const commitment = ledgerEntry(
      actor,
      { ...target, version: target.version + (transfers ? 1 : 0) },
      'COMMITMENT',
      amount.minor,
      commit,
      at,
      {
        requestId: request.id,
        ...(position.vendorId ? { vendorId: position.vendorId } : {}),
        ...(transfers ? { transferId } : {}),
        reference: `Approved ${at} by a budget exception`,
      },
    );
    const money = (minor: number) => formatMoney({ minor, currency: envelope.currency });
    const event = newAuditEvent(actor, {
      entityType: 'BUDGET',
      entityId: request.fiscalYear,
      action: 'BUDGET_TRANSFERRED',
      at,
      before: {
        [funding.from]: money(source.allocated),
        [request.businessFunction]: money(target.allocated),
      },
      after: {
        [funding.from]: money(source.allocated - transferMinor),
        [request.businessFunction]: money(target.allocated + transferMinor),
        transferId,
        amount: money(transferMinor),
        requestId: request.id,
      },
      reason,
    });
    const positionWrite = putPosition(
      {
        ...position,
        ...positionAfter(position, commit),
        approvedAt: at,
        commitEntryId: commitment.id,
        version: position.version + 1,
      },
      stored?.version,
      at,
    );
    const guard = { availableAtLeast: availableNeededFor('COMMITMENT', both) ?? 0, openYear: true };
    const items: TransactItem[] = transfers
      ? [
          updateLine(source, out, at, { availableAtLeast: transferMinor }),
          updateLine(target, both, at, { ...guard, entries: 2 }),
          positionWrite,
          putLedgerEntry(ledgerEntry(actor, source, 'TRANSFER_OUT', transferMinor, out, at, details)),
          putLedgerEntry(transferIn),
          putLedgerEntry(commitment),
          putTransfer(transfer),
          yearStillOpen(request.fiscalYear),
          appendAuditEvent(event),
        ]
      : [
          updateLine(target, commit, at, {
            ...guard,
            availableAtLeast: availableNeededFor('COMMITMENT', commit) ?? 0,
          }),
          positionWrite,
          putLedgerEntry(commitment),
          yearStillOpen(request.fiscalYear),
        ];
    const companions = alongside(transferMinor);
    const codes = await transact([...items, ...companions]);
    if (codes === undefined) return { transferId, amountMinor: transferMinor };
    if (companions.some((_, index) => refusedAt(codes, items.length + index)))
      throw new ChangedMeanwhileError('The request');
    // A line or the position changed meanwhile: read again and decide again on the figures.
  }
  throw new Error(`Could not fund ${request.id}: its lines kept changing`);
}
