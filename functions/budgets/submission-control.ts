import { ConflictError, ServiceUnavailableError } from '../shared/errors.js';
import { fiscalYearsAskedOf } from '../shared/phasing.js';
import type { TriageAssessmentType } from '../shared/triage-assessment.js';
import { getEnvelope } from './budget-store.js';
import type { BudgetControlMode } from './model.js';

/**
 * The fiscal year's budget control at submission, applied to the triage assessment (which has
 * already worked out the line's headroom with the pipeline; the control does not count again).
 * Each fiscal year the request asks money of (one, or each year of a multi-year request) is
 * controlled by its own envelope's mode; a year without an envelope by the start year's mode
 * (WARN when the start year has none either): flagged NO_BUDGET_LINE by the assessment under
 * WARN, refused under STOP.
 */

type Headroom = NonNullable<TriageAssessmentType['budget']>;

/** STOP at submission: the request does not fit what its line has left after the pipeline. */
export class OverHeadroomError extends ConflictError {
  constructor(budget: Headroom) {
    super(
      `${budget.businessFunction} has ${budget.available.amount} ${budget.available.currency} available in ${budget.fiscalYear}, ${budget.pipeline.amount} of it asked for by ${budget.pipelineRequests} undecided requests; this request asks for ${budget.requested.amount} ${budget.requested.currency}. The fiscal year's budget control stops requests that do not fit.`,
      {
        fiscalYear: budget.fiscalYear,
        businessFunction: budget.businessFunction,
        allocated: budget.allocated,
        committed: budget.committed,
        available: budget.available,
        pipeline: budget.pipeline,
        requested: budget.requested,
      },
    );
    this.name = 'OverHeadroomError';
  }
}

/** STOP at submission, for a fiscal year of the request that has no budget envelope at all. */
export class NoBudgetForYearError extends ConflictError {
  constructor(budget: Headroom) {
    super(
      `${budget.fiscalYear} has no budget envelope, so ${budget.businessFunction} has nothing to commit this request's ${budget.requested.amount} ${budget.requested.currency} for ${budget.fiscalYear} against; the budget control of the request's start year stops requests that do not fit.`,
      {
        fiscalYear: budget.fiscalYear,
        businessFunction: budget.businessFunction,
        requested: budget.requested,
      },
    );
    this.name = 'NoBudgetForYearError';
  }
}

/** The control of one fiscal year the request asks money of. */
export interface YearControl {
  fiscalYear: string;
  /** Undefined only when neither this year nor the start year has an envelope: as assessed. */
  mode: BudgetControlMode | undefined;
  hasEnvelope: boolean;
}

/** A year's line would go over: it exists in the request's currency and cannot take the part. */
const overHeadroom = (budget: Headroom) =>
  !budget.fits && budget.remainingAfter !== undefined && !/^-?[0.]+$/.test(budget.allocated.amount);

/**
 * Each fiscal year's control, applied to its part of the request: STOP refuses a part that does
 * not fit (a 409 with that year's figures; a year without an envelope is refused naming it),
 * WARN keeps the assessment's flags, IGNORE drops the headroom flag (OVER_HEADROOM) when every
 * year over its headroom ignores it (a missing line or another currency stays flagged: those can
 * never be committed). A year without an envelope takes the start year's mode (WARN when the
 * start year has none either).
 */
export function applySubmissionControl(
  years: readonly YearControl[],
  assessment: TriageAssessmentType,
): TriageAssessmentType {
  const headrooms = assessment.budgetByYear ?? (assessment.budget ? [assessment.budget] : []);
  for (const year of years) {
    if (year.mode !== 'STOP') continue;
    const budget = headrooms.find((headroom) => headroom.fiscalYear === year.fiscalYear);
    // Under STOP a request whose headroom is unknown is not let through on a guess.
    if (!budget) {
      throw new ServiceUnavailableError(
        `The request's budget line for ${year.fiscalYear} could not be checked just now, and its fiscal year stops requests that do not fit: try again.`,
      );
    }
    if (!year.hasEnvelope) throw new NoBudgetForYearError(budget);
    if (!budget.fits) throw new OverHeadroomError(budget);
  }
  const over = headrooms.filter(overHeadroom);
  const ignored = (fiscalYear: string) =>
    years.find((year) => year.fiscalYear === fiscalYear)?.mode === 'IGNORE';
  if (over.length > 0 && over.every((budget) => ignored(budget.fiscalYear))) {
    return { ...assessment, flags: assessment.flags.filter((flag) => flag.code !== 'OVER_HEADROOM') };
  }
  return assessment;
}

/**
 * Reads the envelope of each fiscal year the request asks money of (one GetItem each, at once)
 * and applies their controls.
 */
export async function controlSubmission(
  request: Parameters<typeof fiscalYearsAskedOf>[0],
  assessment: TriageAssessmentType,
): Promise<TriageAssessmentType> {
  const years = fiscalYearsAskedOf(request);
  const envelopes = await Promise.all(years.map((fiscalYear) => getEnvelope(fiscalYear)));
  // The start year's mode governs the years that have no envelope (WARN when it has none either).
  const startMode = envelopes[0]?.controls.atSubmission ?? (years.length > 1 ? 'WARN' : undefined);
  const controls = years.map((fiscalYear, index) => ({
    fiscalYear,
    mode: envelopes[index]?.controls.atSubmission ?? startMode,
    hasEnvelope: envelopes[index] !== undefined,
  }));
  return applySubmissionControl(controls, assessment);
}
