import { ChangedMeanwhileError, type TransactItem } from '../shared/db.js';
import type { Money } from '../shared/money.js';
import { budgetPartsOf, fiscalYearsAskedOf, type StoredPhasing } from '../shared/phasing.js';
import { type Actor, emptyLine, ledgerEntry, type StoredPosition } from './budget-items.js';
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
import { positionAfter, releasedAmountOf, releaseEffect } from './ledger.js';
import type { StoredLedgerEntry, StoredLine } from './model.js';
import { planCommitment } from './phased-commitment.js';

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
  /** A multi-year request's parts by fiscal year; absent: the whole cost in its start year. */
  phasing?: StoredPhasing | undefined;
}

export interface CommitmentResult {
  outcome: 'COMMITTED' | 'ALREADY_COMMITTED';
  /** The commitment's ledger entry (the start year's, for a multi-year request). */
  entryId: string;
}

/** Ledger entries, lines and positions a commitment writes per fiscal year (before `alongside`). */
const WRITES_PER_YEAR = 3;

/**
 * Reserves an approved request's amount on its business function's line, only if the line has
 * that much available (the hard stop is the transaction's condition, so racing commitments can
 * never take a line below zero). A multi-year request reserves each fiscal year's part on that
 * year's line, all in the same transaction: every year or none. `alongside` (the request's move
 * to APPROVED) lands in the same transaction, so money is never committed on a request that
 * closed meanwhile.
 *
 * @throws InsufficientBudgetError (409, with the refusing year's line figures) when available <
 *   the year's part, or when a fiscal year has no budget; BudgetCurrencyMismatchError when the
 *   request's currency is not the budget's; ChangedMeanwhileError when an `alongside` write was
 *   refused.
 */
export async function commitApprovedRequest(
  request: CommitmentRequest,
  approver: Actor,
  approvedAt: string,
  now = new Date(),
  alongside: TransactItem[] = [],
): Promise<CommitmentResult> {
  const parts = budgetPartsOf(request);
  const at = now.toISOString();
  for (let attempt = 0; attempt < LINE_RACE_ATTEMPTS; attempt++) {
    if (attempt > 0) await afterLostRace(attempt);
    const years = await Promise.all(
      parts.map(async ({ fiscalYear, amount }) => {
        const [envelope, position, line] = await Promise.all([
          getEnvelope(fiscalYear),
          getPosition(fiscalYear, request.businessFunction, request.id),
          getLine(fiscalYear, request.businessFunction),
        ]);
        return { fiscalYear, amount, envelope, position, line };
      }),
    );
    // Every year's commitment lands together: one committed year means all are.
    const committed = years.find((year) => year.position?.commitEntryId)?.position?.commitEntryId;
    if (committed) return { outcome: 'ALREADY_COMMITTED', entryId: committed };

    const plan = planCommitment(request, years);
    const entries = plan.map((year) =>
      ledgerEntry(approver, year.line, 'COMMITMENT', year.amountMinor, year.effect, at, {
        requestId: request.id,
        ...(year.position.vendorId ? { vendorId: year.position.vendorId } : {}),
        reference: `Approved ${approvedAt}`,
      }),
    );
    const writes = plan.flatMap((year, index) => {
      const entry = entries[index] as StoredLedgerEntry;
      return [
        // A commitment lands on an allocated line only: with no line there is nothing available.
        // The year-end close marks the line first: a commitment that lands after it is refused.
        updateLine(year.line, year.effect, at, { availableAtLeast: year.need, openYear: true }),
        putPosition(
          {
            ...year.position,
            ...positionAfter(year.position, year.effect),
            approvedAt,
            commitEntryId: entry.id,
            version: year.position.version + 1,
          },
          year.storedVersion,
          at,
        ),
        putLedgerEntry(entry),
      ];
    });
    const codes = await transact([...writes, ...alongside]);
    if (codes === undefined) return { outcome: 'COMMITTED', entryId: (entries[0] as StoredLedgerEntry).id };
    if (alongside.some((_, index) => refusedAt(codes, plan.length * WRITES_PER_YEAR + index)))
      throw new ChangedMeanwhileError('The request');
    // Another entry landed on a line first, or a position changed meanwhile (a retried task,
    // or an actual): read them again and decide again (the figures decide the refusal).
  }
  throw new Error(`Could not commit ${request.id}: its position kept changing`);
}

/**
 * Where a request's commitment of one fiscal year stands now: that year's position, or (carried
 * forward at year-end closes) the position of the year it was last carried to.
 */
async function livePositionOf(
  request: Pick<CommitmentRequest, 'id' | 'businessFunction'>,
  fiscalYear: string,
): Promise<StoredPosition | undefined> {
  let position = await getPosition(fiscalYear, request.businessFunction, request.id);
  while (position?.carriedTo)
    position = await getPosition(position.carriedTo, request.businessFunction, request.id);
  return position;
}

/** The request's live committed positions, one per fiscal year (a carry may join two years' parts). */
async function livePositionsOf(
  request: Pick<CommitmentRequest, 'id' | 'fiscalYear' | 'businessFunction' | 'phasing'>,
): Promise<StoredPosition[]> {
  const found = await Promise.all(
    fiscalYearsAskedOf(request).map((fiscalYear) => livePositionOf(request, fiscalYear)),
  );
  const byYear = new Map<string, StoredPosition>();
  for (const position of found) if (position?.commitEntryId) byYear.set(position.fiscalYear, position);
  return [...byYear.values()];
}

export interface ReleaseResult {
  outcome: 'RELEASED' | 'ALREADY_RELEASED' | 'NOTHING_COMMITTED';
  /** What went back to the lines (minor units; zero when everything committed was invoiced). */
  releasedMinor: number;
  /** The release's ledger entry (the first year's, for a multi-year request). */
  entryId?: string;
}

/**
 * Gives back the unused part of a request's commitment (what is not invoiced), when the
 * request is withdrawn or its engagement closed: every fiscal year's part on its own line, in
 * one transaction; a commitment carried forward is given back on the line it was carried to.
 * `alongside` (given what is released) lands in the same transaction as the release; when
 * there is nothing to release, nothing is written.
 *
 * @throws ChangedMeanwhileError when an `alongside` write was refused.
 */
export async function releaseCommitment(
  request: Pick<CommitmentRequest, 'id' | 'fiscalYear' | 'businessFunction' | 'phasing'>,
  actor: Actor,
  reason: string,
  now = new Date(),
  alongside: (releasedMinor: number) => TransactItem[] = () => [],
): Promise<ReleaseResult> {
  const at = now.toISOString();
  for (let attempt = 0; attempt < LINE_RACE_ATTEMPTS; attempt++) {
    if (attempt > 0) await afterLostRace(attempt);
    const positions = await livePositionsOf(request);
    if (positions.length === 0) return { outcome: 'NOTHING_COMMITTED', releasedMinor: 0 };
    // Every year's release lands together: one released year means all are.
    const released = positions.find((position) => position.releaseEntryId)?.releaseEntryId;
    if (released) return { outcome: 'ALREADY_RELEASED', releasedMinor: 0, entryId: released };
    // A committed position has its line (the commitment wrote it).
    const lines = await Promise.all(
      positions.map(
        async (position) =>
          (await getLine(position.fiscalYear, request.businessFunction)) ??
          emptyLine(position.fiscalYear, request.businessFunction, position.currency),
      ),
    );
    const releases = positions.map((position, index) => {
      const effect = releaseEffect(position);
      const entry = ledgerEntry(
        actor,
        lines[index] as StoredLine,
        'RELEASE',
        releasedAmountOf(position),
        effect,
        at,
        {
          requestId: request.id,
          ...(position.vendorId ? { vendorId: position.vendorId } : {}),
          reference: reason,
        },
      );
      return { position, line: lines[index] as StoredLine, effect, entry };
    });
    const releasedMinor = releases.reduce((sum, release) => sum + release.entry.amountMinor, 0);
    const companions = alongside(releasedMinor);
    const writes = releases.flatMap(({ position, line, effect, entry }) => [
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
    ]);
    const codes = await transact([...writes, ...companions]);
    if (codes === undefined)
      return {
        outcome: 'RELEASED',
        releasedMinor,
        entryId: (releases[0] as (typeof releases)[number]).entry.id,
      };
    if (companions.some((_, index) => refusedAt(codes, writes.length + index)))
      throw new ChangedMeanwhileError('The request');
  }
  throw new Error(`Could not release ${request.id}: its position kept changing`);
}
