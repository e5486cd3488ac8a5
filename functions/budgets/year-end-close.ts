import type * as z from 'zod';
import { appendAuditEvent } from '../shared/audit.js';
import { newAuditEvent } from '../shared/audit-event.js';
import { type Caller, personOf, requireRole } from '../shared/auth.js';
import { formatMoney } from '../shared/money.js';
import { everyPage } from '../shared/pagination.js';
import { type Actor, emptyLine, ledgerEntry, type StoredPosition } from './budget-items.js';
import {
  afterLostRace,
  closeEnvelope,
  closeLine,
  getCloseSummary,
  getEnvelope,
  getFiscalYear,
  getLine,
  getPosition,
  LINE_RACE_ATTEMPTS,
  listPositions,
  putCloseSummary,
  putLedgerEntry,
  putPosition,
  requireEnvelope,
  transact,
  updateLine,
} from './budget-store.js';
import { busy } from './command-support.js';
import {
  availableNeededFor,
  carryForwardInEffect,
  carryForwardOutEffect,
  commitmentEffect,
  positionAfter,
  releasedAmountOf,
} from './ledger.js';
import type { CloseSummaryResource, StoredEnvelope } from './model.js';

/**
 * Year-end close (admin): the year takes no new commitments from the moment its envelope says
 * closedAt (allocations and transfers check the envelope, commitments each line, which the
 * close marks next), then each request's open commitment (committed - invoiced) moves to the
 * same business function's line of the next fiscal year: one transaction per request with
 * both ledger entries, both lines and both positions, under the next line's hard stop, so a
 * commitment is carried whole or not at all. The old position records where it went, so a
 * close that was interrupted and is called again resumes and never carries twice. Once every
 * position is done the summary is stored with its audit event; later calls answer it.
 */

type CloseSummary = z.infer<typeof CloseSummaryResource>;
type NotCarried = CloseSummary['notCarriedRequests'][number];

export const nextFiscalYearOf = (fiscalYear: string) => `FY${Number(fiscalYear.slice(2)) + 1}`;

type CarryOutcome =
  | { kind: 'CARRIED'; minor: number }
  | { kind: 'NOTHING_OPEN' }
  | { kind: 'NOT_CARRIED'; minor: number; reason: NotCarried['reason']; detail: string };

/** Why a request's open commitment cannot go to the next year, or undefined when it can. */
function refusalOf(
  next: StoredEnvelope | undefined,
  nextLineAvailable: number,
  position: StoredPosition,
  open: number,
): Omit<Extract<CarryOutcome, { kind: 'NOT_CARRIED' }>, 'kind' | 'minor'> | undefined {
  const money = (minor: number) => formatMoney({ minor, currency: position.currency }).amount;
  if (!next) return { reason: 'NO_ENVELOPE', detail: 'The next fiscal year has no budget envelope.' };
  if (next.closedAt) return { reason: 'NEXT_YEAR_CLOSED', detail: `${next.fiscalYear} is closed.` };
  if (next.currency !== position.currency) {
    return {
      reason: 'CURRENCY_MISMATCH',
      detail: `${next.fiscalYear} is kept in ${next.currency}, the commitment in ${position.currency}.`,
    };
  }
  if (nextLineAvailable < open) {
    return {
      reason: 'INSUFFICIENT_BUDGET',
      detail: `${position.businessFunction} has ${money(nextLineAvailable)} available in ${next.fiscalYear}; ${money(open)} is open.`,
    };
  }
  return undefined;
}

/** Carries one request's open commitment to the next year's line, in one transaction, or says why not. */
async function carryForward(
  actor: Actor,
  first: StoredPosition,
  nextFiscalYear: string,
  at: string,
): Promise<CarryOutcome> {
  const { fiscalYear, businessFunction, requestId } = first;
  for (let attempt = 0; attempt < LINE_RACE_ATTEMPTS; attempt++) {
    if (attempt > 0) await afterLostRace(attempt);
    const [position, storedLine, next, storedNextLine, nextPosition] = await Promise.all([
      attempt === 0 ? first : getPosition(fiscalYear, businessFunction, requestId),
      getLine(fiscalYear, businessFunction),
      getEnvelope(nextFiscalYear),
      getLine(nextFiscalYear, businessFunction),
      // A multi-year request has its own part in the next year already: the carry joins it.
      getPosition(nextFiscalYear, businessFunction, requestId),
    ]);
    if (!position) return { kind: 'NOTHING_OPEN' };
    // Carried by an earlier (interrupted) close: counted, never carried again.
    if (position.carriedTo) return { kind: 'CARRIED', minor: position.carriedMinor ?? 0 };
    const open = position.releaseEntryId ? 0 : releasedAmountOf(position);
    if (open === 0) return { kind: 'NOTHING_OPEN' };
    const line = storedLine ?? emptyLine(fiscalYear, businessFunction, position.currency);
    const nextLine = storedNextLine ?? emptyLine(nextFiscalYear, businessFunction, position.currency);
    const refusal = refusalOf(next, nextLine.available, position, open);
    if (refusal) return { kind: 'NOT_CARRIED', minor: open, ...refusal };

    const out = carryForwardOutEffect(position);
    const into = nextPosition ? commitmentEffect(nextPosition, open) : carryForwardInEffect(open);
    const details = {
      requestId,
      ...(position.vendorId ? { vendorId: position.vendorId } : {}),
    };
    const outEntry = ledgerEntry(actor, line, 'CARRY_FORWARD_OUT', open, out, at, {
      ...details,
      reference: `Carried forward to ${nextFiscalYear} at the ${fiscalYear} close`,
    });
    const inEntry = ledgerEntry(actor, nextLine, 'CARRY_FORWARD_IN', open, into, at, {
      ...details,
      reference: `Carried forward from ${fiscalYear} at its close`,
    });
    const carried: StoredPosition = nextPosition
      ? {
          ...nextPosition,
          ...positionAfter(nextPosition, into),
          carriedFrom: fiscalYear,
          version: nextPosition.version + 1,
        }
      : {
          requestId,
          fiscalYear: nextFiscalYear,
          businessFunction,
          currency: position.currency,
          committed: open,
          actual: 0,
          invoiceCount: 0,
          ...(position.vendorId ? { vendorId: position.vendorId } : {}),
          ...(position.approvedAt ? { approvedAt: position.approvedAt } : {}),
          commitEntryId: inEntry.id,
          carriedFrom: fiscalYear,
          version: 1,
        };
    const codes = await transact([
      putPosition(
        {
          ...position,
          ...positionAfter(position, out),
          carriedTo: nextFiscalYear,
          carryEntryId: outEntry.id,
          carriedMinor: open,
          version: position.version + 1,
        },
        position.version,
        at,
      ),
      updateLine(line, out, at),
      putLedgerEntry(outEntry),
      // The next year's hard stop, and it must still be open: carried whole or not at all.
      updateLine(nextLine, into, at, {
        availableAtLeast: availableNeededFor('COMMITMENT', into) ?? 0,
        openYear: true,
      }),
      putLedgerEntry(inEntry),
      putPosition(carried, nextPosition?.version, at),
    ]);
    if (codes === undefined) return { kind: 'CARRIED', minor: open };
    // An entry landed on either line first, or an actual or release on the position: again.
  }
  throw busy(`The budget position of ${requestId}`);
}

/** Closes a fiscal year and carries its open commitments forward; idempotent (resumes, never carries twice). */
export async function closeFiscalYear(
  caller: Caller,
  fiscalYear: string,
  now = new Date(),
): Promise<CloseSummary> {
  requireRole(caller, 'admin');
  const finished = await getCloseSummary<CloseSummary>(fiscalYear);
  if (finished) return finished;
  let envelope = await requireEnvelope(fiscalYear);
  const nextFiscalYear = nextFiscalYearOf(fiscalYear);
  if (!envelope.closedAt) {
    const at = now.toISOString();
    const event = newAuditEvent(caller, {
      entityType: 'BUDGET',
      entityId: fiscalYear,
      action: 'BUDGET_YEAR_CLOSE_STARTED',
      at,
      after: { closedAt: at, carriesTo: nextFiscalYear },
    });
    // Refused only when another close began first: its closedAt stands.
    await transact([closeEnvelope(fiscalYear, at), appendAuditEvent(event)]);
    envelope = await requireEnvelope(fiscalYear);
  }
  const closedAt = envelope.closedAt as string;
  // No line is added once the envelope is closed (allocations and transfers check it), so
  // these are all; each is marked before its positions are read, so no commitment slips by.
  const year = await getFiscalYear(fiscalYear);
  const lines = year?.lines ?? [];
  await Promise.all(lines.map((line) => closeLine(fiscalYear, line.businessFunction, closedAt)));

  const at = now.toISOString();
  const byLine: CloseSummary['lines'] = [];
  const notCarriedRequests: NotCarried[] = [];
  const money = (minor: number) => formatMoney({ minor, currency: envelope.currency });
  let carriedMinor = 0;
  let carriedCount = 0;
  let notCarriedMinor = 0;
  for (const line of [...lines].sort((a, b) => a.businessFunction.localeCompare(b.businessFunction))) {
    const positions = await everyPage((page) => listPositions(fiscalYear, line.businessFunction, page));
    const tally = { carried: 0, carriedMinor: 0, notCarried: 0, notCarriedMinor: 0 };
    for (const position of positions) {
      const outcome = await carryForward(caller, position, nextFiscalYear, at);
      if (outcome.kind === 'CARRIED') {
        tally.carried++;
        tally.carriedMinor += outcome.minor;
      } else if (outcome.kind === 'NOT_CARRIED') {
        tally.notCarried++;
        tally.notCarriedMinor += outcome.minor;
        notCarriedRequests.push({
          requestId: position.requestId,
          businessFunction: position.businessFunction,
          open: money(outcome.minor),
          reason: outcome.reason,
          detail: outcome.detail,
        });
      }
    }
    carriedMinor += tally.carriedMinor;
    carriedCount += tally.carried;
    notCarriedMinor += tally.notCarriedMinor;
    byLine.push({
      businessFunction: line.businessFunction,
      carried: { count: tally.carried, amount: money(tally.carriedMinor) },
      notCarried: { count: tally.notCarried, amount: money(tally.notCarriedMinor) },
    });
  }
  const summary: CloseSummary = {
    fiscalYear,
    nextFiscalYear,
    closedAt,
    completedAt: at,
    closedBy: personOf(caller),
    carried: { count: carriedCount, amount: money(carriedMinor) },
    notCarried: { count: notCarriedRequests.length, amount: money(notCarriedMinor) },
    lines: byLine,
    notCarriedRequests,
  };
  const event = newAuditEvent(caller, {
    entityType: 'BUDGET',
    entityId: fiscalYear,
    action: 'BUDGET_YEAR_CLOSED',
    at,
    after: { carried: summary.carried, notCarried: summary.notCarried, nextFiscalYear },
  });
  const codes = await transact([putCloseSummary(fiscalYear, summary), appendAuditEvent(event)]);
  // A close running at the same time finished first: its summary is the answer.
  if (codes !== undefined) return (await getCloseSummary<CloseSummary>(fiscalYear)) ?? summary;
  return summary;
}
