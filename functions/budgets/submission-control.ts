import { ConflictError, ServiceUnavailableError } from '../shared/errors.js';
import type { TriageAssessmentType } from '../shared/triage-assessment.js';
import { getEnvelope } from './budget-store.js';
import type { BudgetControlMode } from './model.js';

/**
 * The fiscal year's budget control at submission, applied to the triage assessment (which has
 * already worked out the line's headroom with the pipeline; the control does not count again).
 * A fiscal year without an envelope has no control: the request is stored, flagged
 * NO_BUDGET_LINE by the assessment, and the approval-time check decides.
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

/**
 * STOP refuses a request that does not fit (409 with the line's figures), WARN keeps the
 * assessment's flag, IGNORE drops the headroom flag (OVER_HEADROOM; a missing line or another
 * currency stays flagged: those can never be committed). No mode (no envelope): as assessed.
 */
export function applySubmissionControl(
  mode: BudgetControlMode | undefined,
  assessment: TriageAssessmentType,
): TriageAssessmentType {
  if (mode === 'IGNORE') {
    return { ...assessment, flags: assessment.flags.filter((flag) => flag.code !== 'OVER_HEADROOM') };
  }
  if (mode !== 'STOP') return assessment;
  // Under STOP a request whose headroom is unknown is not let through on a guess.
  if (!assessment.budget) {
    throw new ServiceUnavailableError(
      "The request's budget line could not be checked just now, and its fiscal year stops requests that do not fit: try again.",
    );
  }
  if (!assessment.budget.fits) throw new OverHeadroomError(assessment.budget);
  return assessment;
}

/** Reads the fiscal year's control (one GetItem of its envelope) and applies it. */
export async function controlSubmission(
  request: { fiscalYear: string },
  assessment: TriageAssessmentType,
): Promise<TriageAssessmentType> {
  const envelope = await getEnvelope(request.fiscalYear);
  return applySubmissionControl(envelope?.controls.atSubmission, assessment);
}
