import { budgetViewOf, undecidedRequestsOf } from '../budgets/budget-queries.js';
import { getFiscalYear, ledgerEntriesBetween } from '../budgets/budget-store.js';
import { consumptionOf, utilizationPercent } from '../budgets/ledger.js';
import type { StoredLine } from '../budgets/model.js';
import { pipelineOf } from '../budgets/pipeline.js';
import { positionPages } from '../exports/positions.js';
import { REQUEST_CATEGORIES, type RequestCategory } from '../reference-data/schemas.js';
import type { ConsultancyRequest } from '../requests/model.js';
import { listRequestsMatching } from '../requests/request-queries.js';
import { currentStepOf } from '../shared/approval-summary.js';
import { fiscalYearStartMonth } from '../shared/fiscal-calendar.js';
import { formatMoney } from '../shared/money.js';
import { readAhead } from '../shared/parallel.js';
import { percentOf } from '../shared/ratio.js';
import { TRIAGE_OUTCOMES } from '../shared/request-triage.js';
import { averagesOf } from '../vendors/review-totals.js';
import {
  AGE_BANDS,
  type AgeBand,
  ageBandOf,
  concentrationOf,
  daysBetween,
  durationFiguresOf,
  fiscalQuartersOf,
  quarterIndexOf,
} from './figures.js';
import type { Portfolio } from './model.js';

/**
 * The portfolio view of a fiscal year, from indexed reads only, each streamed page by page:
 *
 * - the year's envelope and lines (one Query of FY#<fy>) and each line's undecided requests (the
 *   sparse index): the budget view's figures, computed by the budget view's own functions;
 * - each line's request positions with their requests and vendors (the spend export's reads):
 *   by category, by vendor, commitments by quarter;
 * - each line's ledger (its partition, 500 entries a page, every line read at once a page
 *   ahead): actuals by invoice date;
 * - the year's requests (the byFiscalYear index, 100 a page): triage outcomes, cycle times,
 *   what is pending.
 *
 * What it holds at once is a few pages and the running figures: sums per business function,
 * category, vendor and quarter, and one or two durations per request (for the percentiles),
 * never the ledger.
 */

const REQUEST_PAGE = 100;
const LEDGER_PAGES_AHEAD = 1;
/** Statuses whose decision is final, and where it was taken. */
const DECIDED_AT_TRIAGE = new Set(['REDIRECTED', 'DECLINED']);
const DECIDED_IN_APPROVAL = new Set(['APPROVED', 'REJECTED', 'BUDGET_EXCEEDED']);

interface Sums {
  committed: number;
  actual: number;
  spend: number;
}
const noSums = (): Sums => ({ committed: 0, actual: 0, spend: 0 });

export async function portfolioOf(fiscalYear: string, now = new Date()): Promise<Portfolio | undefined> {
  const year = await getFiscalYear(fiscalYear);
  if (!year) return undefined;
  const { envelope } = year;
  const currency = envelope.currency;
  const money = (minor: number) => formatMoney({ minor, currency });
  const lines = [...year.lines].sort((a, b) => a.businessFunction.localeCompare(b.businessFunction));
  const reads = { lines: lines.length, positions: 0, requests: 0, ledgerEntries: 0 };

  // Actuals by invoice date (below): every line's ledger, read at once, each a page ahead from now on.
  const ledgers = lines.map((line) =>
    readAhead(ledgerEntriesBetween(fiscalYear, line.businessFunction, 0, line.version), LEDGER_PAGES_AHEAD),
  );

  // The budget view, as GET /budgets/{fiscalYear} computes it; each line's pipeline worked out once.
  const undecided = await undecidedRequestsOf(lines);
  const pipelines = lines.map((line) => pipelineOf(undecided.get(line.businessFunction) ?? [], line));
  const view = budgetViewOf(
    envelope,
    lines,
    true,
    new Map(lines.map((line, index) => [line.businessFunction, pipelines[index]!.minor])),
  );
  const requestedByCategory = new Map<string, number>();
  for (const { request, minor } of pipelines.flatMap((pipeline) => pipeline.parts)) {
    requestedByCategory.set(request.category, (requestedByCategory.get(request.category) ?? 0) + minor);
  }

  const quarters = fiscalQuartersOf(fiscalYear, fiscalYearStartMonth);
  const committedByQuarter = quarters.map(() => 0);
  const actualByQuarter = quarters.map(() => new Map<string, number>());
  const byCategory = new Map<string, Sums & { requests: number }>(
    REQUEST_CATEGORIES.map((category) => [category, { ...noSums(), requests: 0 }]),
  );
  const byVendor = new Map<
    string,
    Sums & { name: string; status?: string; riskTier?: string; averageReviewScore: number | null }
  >();
  const withoutVendor = noSums();

  for await (const page of positionPages(lines)) {
    for (const { position, request, vendor } of page) {
      reads.positions += 1;
      const spend = consumptionOf(position);
      const category = byCategory.get(request?.category ?? 'OTHER')!;
      category.committed += position.committed;
      category.actual += position.actual;
      const vendorSums = position.vendorId
        ? (byVendor.get(position.vendorId) ??
          byVendor
            .set(position.vendorId, {
              ...noSums(),
              name: vendor?.displayName ?? position.vendorId,
              ...(vendor ? { status: vendor.status, riskTier: vendor.riskTier } : {}),
              averageReviewScore: vendor ? (averagesOf(vendor.reviewTotals)?.overall ?? null) : null,
            })
            .get(position.vendorId)!)
        : withoutVendor;
      vendorSums.committed += position.committed;
      vendorSums.actual += position.actual;
      vendorSums.spend += spend;
      const started = request?.startDate ?? position.approvedAt ?? quarters[0]!.from;
      committedByQuarter[quarterIndexOf(quarters, started)]! += position.committed;
    }
  }

  // The line's version is the last entry's number, so the entries read add up to the line as read above.
  for (const ledger of ledgers) {
    for await (const entries of ledger) {
      reads.ledgerEntries += entries.length;
      for (const entry of entries) {
        if (entry.effect.actual === 0) continue;
        const quarter = actualByQuarter[quarterIndexOf(quarters, entry.invoiceDate ?? entry.at)]!;
        quarter.set(entry.businessFunction, (quarter.get(entry.businessFunction) ?? 0) + entry.effect.actual);
      }
    }
  }

  const requestFigures = newRequestFigures(now);
  let cursor: string | undefined;
  do {
    const page = await listRequestsMatching({ fiscalYear }, { limit: REQUEST_PAGE, cursor });
    for (const request of page.items) {
      reads.requests += 1;
      byCategory.get(request.category)!.requests += 1;
      requestFigures.add(
        request,
        request.estimatedCost.currency === currency ? request.estimatedCost.minor : 0,
      );
    }
    cursor = page.nextCursor;
  } while (cursor);

  const vendors = [...byVendor.entries()].sort(
    ([idA, a], [idB, b]) => b.spend - a.spend || a.name.localeCompare(b.name) || idA.localeCompare(idB),
  );
  const vendorSpend = vendors.reduce((sum, [, vendor]) => sum + vendor.spend, 0);
  const sum = (pick: (line: StoredLine) => number) => lines.reduce((total, line) => total + pick(line), 0);
  const sumOf = (values: Iterable<number>) => [...values].reduce((total, value) => total + value, 0);

  return {
    fiscalYear,
    currency,
    generatedAt: now.toISOString(),
    totals: {
      envelope: view.envelope!,
      allocated: money(sum((line) => line.allocated)),
      requested: view.requested!,
      committed: view.committed!,
      actual: view.actual!,
      available: view.available!,
      utilizationPercent: utilizationPercent({
        allocated: sum((line) => line.allocated),
        consumed: sum((line) => line.consumed),
      }),
    },
    byBusinessFunction: view.lines.map((line) => ({
      businessFunction: line.businessFunction,
      allocated: line.allocated,
      requested: line.requested!,
      committed: line.committed,
      actual: line.actual,
      available: line.available,
      utilizationPercent: line.utilizationPercent,
    })),
    byCategory: [...byCategory.entries()].map(([category, sums]) => ({
      category: category as RequestCategory,
      requests: sums.requests,
      requested: money(requestedByCategory.get(category) ?? 0),
      committed: money(sums.committed),
      actual: money(sums.actual),
    })),
    byVendor: {
      vendors: vendors.map(([vendorId, vendor]) => ({
        vendorId,
        name: vendor.name,
        ...(vendor.status ? { status: vendor.status as never } : {}),
        ...(vendor.riskTier ? { riskTier: vendor.riskTier as never } : {}),
        averageReviewScore: vendor.averageReviewScore,
        committed: money(vendor.committed),
        actual: money(vendor.actual),
        spend: money(vendor.spend),
        sharePercent: percentOf(vendor.spend, vendorSpend),
      })),
      withoutVendor: {
        committed: money(withoutVendor.committed),
        actual: money(withoutVendor.actual),
        spend: money(withoutVendor.spend),
      },
      ...concentrationOf(vendors.map(([, vendor]) => vendor.spend)),
    },
    byQuarter: quarters.map((quarter, index) => ({
      ...quarter,
      actual: money(sumOf(actualByQuarter[index]!.values())),
      actualByBusinessFunction: Object.fromEntries(
        lines.map((line) => [
          line.businessFunction,
          money(actualByQuarter[index]!.get(line.businessFunction) ?? 0),
        ]),
      ),
      committed: money(committedByQuarter[index]!),
    })),
    ...requestFigures.result(money),
    reads,
  };
}

/** What the year's requests say: triage outcomes, cycle times, what waits now and how long. */
function newRequestFigures(now: Date) {
  const outcomes = new Map<string, { requests: number; minor: number }>(
    [...TRIAGE_OUTCOMES, 'UNDECIDED'].map((outcome) => [outcome, { requests: 0, minor: 0 }]),
  );
  const redirected = new Map<string, { name: string; requests: number; minor: number }>();
  const toTriage: number[] = [];
  const toFinal: number[] = [];
  const bySteps = new Map<string, number[]>();
  const bands = () =>
    new Map<AgeBand, { requests: number; minor: number }>(
      AGE_BANDS.map(({ band }) => [band, { requests: 0, minor: 0 }]),
    );
  const pendingTriage = bands();
  const pendingApprovals = bands();
  const count = (figures: { requests: number; minor: number }, minor: number) => {
    figures.requests += 1;
    figures.minor += minor;
  };

  return {
    add(request: ConsultancyRequest, minor: number) {
      const { triage, approvalChain: chain } = request;
      count(outcomes.get(triage?.outcome ?? 'UNDECIDED')!, minor);
      if (triage?.outcome === 'REDIRECT_INTERNAL' && triage.internalCapability) {
        const { id, name } = triage.internalCapability;
        count(redirected.get(id) ?? redirected.set(id, { name, requests: 0, minor: 0 }).get(id)!, minor);
      }
      if (triage?.decidedAt) toTriage.push(daysBetween(request.createdAt, triage.decidedAt));
      const stepDecisions = (chain?.steps ?? []).flatMap((step) =>
        step.decidedAt && (step.status === 'APPROVED' || step.status === 'REJECTED') ? [step] : [],
      );
      for (const step of stepDecisions) {
        if (!step.requestedAt) continue;
        const days = bySteps.get(step.name) ?? bySteps.set(step.name, []).get(step.name)!;
        days.push(daysBetween(step.requestedAt, step.decidedAt!));
      }
      const finalAt = DECIDED_AT_TRIAGE.has(request.status)
        ? triage?.decidedAt
        : DECIDED_IN_APPROVAL.has(request.status)
          ? stepDecisions
              .map((step) => step.decidedAt!)
              .sort()
              .at(-1)
          : undefined;
      if (finalAt) toFinal.push(daysBetween(request.createdAt, finalAt));
      if (request.status === 'IN_TRIAGE') {
        count(pendingTriage.get(ageBandOf(triage?.askedAt ?? request.updatedAt, now))!, minor);
      }
      if (request.status === 'IN_APPROVAL') {
        const asked = (chain && currentStepOf(chain).requestedAt) ?? request.updatedAt;
        count(pendingApprovals.get(ageBandOf(asked, now))!, minor);
      }
    },
    result(money: (minor: number) => { amount: string; currency: string }) {
      const banded = (figures: ReturnType<typeof bands>) =>
        [...figures.entries()].map(([band, { requests, minor }]) => ({
          band,
          requests,
          amount: money(minor),
        }));
      return {
        triage: {
          outcomes: [...outcomes.entries()].map(([outcome, { requests, minor }]) => ({
            outcome: outcome as (typeof TRIAGE_OUTCOMES)[number] | 'UNDECIDED',
            requests,
            amount: money(minor),
          })),
          redirectedToInternalCapabilities: {
            amount: money(outcomes.get('REDIRECT_INTERNAL')!.minor),
            byCapability: [...redirected.entries()]
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([id, { name, requests, minor }]) => ({ id, name, requests, amount: money(minor) })),
          },
        },
        cycleTimes: {
          submissionToTriageDecision: durationFiguresOf(toTriage),
          submissionToFinalDecision: durationFiguresOf(toFinal),
          byApprovalStep: [...bySteps.entries()]
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([step, days]) => ({ step, ...durationFiguresOf(days) })),
        },
        pending: {
          asOf: now.toISOString(),
          triage: banded(pendingTriage),
          approvals: banded(pendingApprovals),
        },
      };
    },
  };
}
