import { ChangedMeanwhileError, type TransactItem } from '../shared/db.js';
import type { Money } from '../shared/money.js';
import { type Actor, emptyLine, ledgerEntry, newPosition, type StoredPosition } from './budget-items.js';
import {
  afterLostRace,
  getEnvelope,
  getLine,
  getPosition,
  LINE_RACE_ATTEMPTS,
  putLedgerEntry,
  putPosition,
  refusedAt,
  transact,
  updateLine,
} from './budget-store.js';
import {
  BudgetCurrencyMismatchError,
  CommitmentInClosedYearError,
  InsufficientBudgetError,
} from './errors.js';
import {
  availableNeededFor,
  commitmentEffect,
  positionAfter,
  releasedAmountOf,
  releaseEffect,
} from './ledger.js';

/**
 * Approval consumes budget: the approval workflow's task Lambdas call these two functions.
 * Both are idempotent per request (a retried task finds the request's position already carrying
 * the entry and does nothing), and each lands its ledger entry in the same transaction as the
 * line's totals and the request's position.
 */

/** What a commitment needs to know about the approved request. */
export interface CommitmentRequest {
  id: string;
  fiscalYear: string;
  businessFunction: string;
  estimatedCost: Money;
  preferredVendorId?: string | undefined;
}

export interface CommitmentResult {
  outcome: 'COMMITTED' | 'ALREADY_COMMITTED';
  entryId: string;
}

/**
 * Reserves an approved request's amount on its business function's line, only if the line has
 * that much available (the hard stop is the transaction's condition, so racing commitments can
 * never take a line below zero). `alongside` (the request's move to APPROVED) lands in the same
 * transaction, so money is never committed on a request that closed meanwhile.
 *
 * @throws InsufficientBudgetError (409, with the line's figures) when available < amount, or
 *   when the fiscal year has no budget; BudgetCurrencyMismatchError when the request's currency
 *   is not the budget's; ChangedMeanwhileError when an `alongside` write was refused.
 */
export async function commitApprovedRequest(
  request: CommitmentRequest,
  approver: Actor,
  approvedAt: string,
  now = new Date(),
  alongside: TransactItem[] = [],
): Promise<CommitmentResult> {
  const amount = request.estimatedCost;
  const at = now.toISOString();
  for (let attempt = 0; attempt < LINE_RACE_ATTEMPTS; attempt++) {
    if (attempt > 0) await afterLostRace(attempt);
    const [envelope, stored, storedLine] = await Promise.all([
      getEnvelope(request.fiscalYear),
      getPosition(request.fiscalYear, request.businessFunction, request.id),
      getLine(request.fiscalYear, request.businessFunction),
    ]);
    if (stored?.commitEntryId) return { outcome: 'ALREADY_COMMITTED', entryId: stored.commitEntryId };
    if (!envelope) {
      throw new InsufficientBudgetError(
        emptyLine(request.fiscalYear, request.businessFunction, amount.currency),
        amount.minor,
      );
    }
    if (envelope.currency !== amount.currency)
      throw new BudgetCurrencyMismatchError(envelope, amount.currency);

    const position = stored ?? newPosition(request, envelope.currency);
    const line = storedLine ?? emptyLine(request.fiscalYear, request.businessFunction, envelope.currency);
    if (envelope.closedAt) throw new CommitmentInClosedYearError(line, amount.minor, envelope.closedAt);
    const effect = commitmentEffect(position, amount.minor);
    const need = availableNeededFor('COMMITMENT', effect);
    if (line.available < (need ?? 0)) throw new InsufficientBudgetError(line, need ?? 0);
    const entry = ledgerEntry(approver, line, 'COMMITMENT', amount.minor, effect, at, {
      requestId: request.id,
      ...(position.vendorId ? { vendorId: position.vendorId } : {}),
      reference: `Approved ${approvedAt}`,
    });
    const codes = await transact([
      // A commitment lands on an allocated line only: with no line there is nothing available.
      // The year-end close marks the line first: a commitment that lands after it is refused.
      updateLine(line, effect, at, { availableAtLeast: need ?? 0, openYear: true }),
      putPosition(
        {
          ...position,
          ...positionAfter(position, effect),
          approvedAt,
          commitEntryId: entry.id,
          version: position.version + 1,
        },
        stored?.version,
        at,
      ),
      putLedgerEntry(entry),
      ...alongside,
    ]);
    if (codes === undefined) return { outcome: 'COMMITTED', entryId: entry.id };
    if (alongside.some((_, index) => refusedAt(codes, 3 + index)))
      throw new ChangedMeanwhileError('The request');
    // Another entry landed on the line first, or the position changed meanwhile (a retried
    // task, or an actual): read both again and decide again (the figures decide the refusal).
  }
  throw new Error(`Could not commit ${request.id}: its position kept changing`);
}

/**
 * Where a request's commitment stands now: its own fiscal year's position, or (carried forward
 * at year-end closes) the position of the year it was last carried to.
 */
async function livePositionOf(
  request: Pick<CommitmentRequest, 'id' | 'fiscalYear' | 'businessFunction'>,
): Promise<StoredPosition | undefined> {
  let position = await getPosition(request.fiscalYear, request.businessFunction, request.id);
  while (position?.carriedTo)
    position = await getPosition(position.carriedTo, request.businessFunction, request.id);
  return position;
}

export interface ReleaseResult {
  outcome: 'RELEASED' | 'ALREADY_RELEASED' | 'NOTHING_COMMITTED';
  /** What went back to the line (minor units; zero when everything committed was invoiced). */
  releasedMinor: number;
  entryId?: string;
}

/**
 * Gives back the unused part of a request's commitment (what is not invoiced), when the
 * request is withdrawn or its engagement closed; a commitment carried forward is given back
 * on the line it was carried to. `alongside` (given what is released) lands in
 * the same transaction as the release; when there is nothing to release, nothing is written.
 *
 * @throws ChangedMeanwhileError when an `alongside` write was refused.
 */
export async function releaseCommitment(
  request: Pick<CommitmentRequest, 'id' | 'fiscalYear' | 'businessFunction'>,
  actor: Actor,
  reason: string,
  now = new Date(),
  alongside: (releasedMinor: number) => TransactItem[] = () => [],
): Promise<ReleaseResult> {
  const at = now.toISOString();
  for (let attempt = 0; attempt < LINE_RACE_ATTEMPTS; attempt++) {
    if (attempt > 0) await afterLostRace(attempt);
    const position = await livePositionOf(request);
    if (!position?.commitEntryId) return { outcome: 'NOTHING_COMMITTED', releasedMinor: 0 };
    // A committed position has its line (the commitment wrote it).
    const line =
      (await getLine(position.fiscalYear, request.businessFunction)) ??
      emptyLine(position.fiscalYear, request.businessFunction, position.currency);
    if (position.releaseEntryId) {
      return { outcome: 'ALREADY_RELEASED', releasedMinor: 0, entryId: position.releaseEntryId };
    }
    const released = releasedAmountOf(position);
    const effect = releaseEffect(position);
    const companions = alongside(released);
    const entry = ledgerEntry(actor, line, 'RELEASE', released, effect, at, {
      requestId: request.id,
      ...(position.vendorId ? { vendorId: position.vendorId } : {}),
      reference: reason,
    });
    const codes = await transact([
      putPosition(
        {
          ...position,
          ...positionAfter(position, effect),
          releaseEntryId: entry.id,
          version: position.version + 1,
        },
        position.version,
        at,
      ),
      updateLine(line, effect, at),
      putLedgerEntry(entry),
      ...companions,
    ]);
    if (codes === undefined) return { outcome: 'RELEASED', releasedMinor: released, entryId: entry.id };
    if (companions.some((_, index) => refusedAt(codes, 3 + index)))
      throw new ChangedMeanwhileError('The request');
  }
  throw new Error(`Could not release ${request.id}: its position kept changing`);
}
