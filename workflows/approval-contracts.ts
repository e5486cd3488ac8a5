import * as z from 'zod';
import { ResolvedChainSchema } from '../functions/approval-policy/model.js';
import { DECISIONS } from '../functions/approvals/model.js';
import { idPattern } from '../functions/shared/ids.js';
import { TRIAGE_OUTCOMES } from '../functions/shared/request-triage.js';
import { RequestId } from '../functions/shared/schemas.js';

/**
 * The contracts between the approval workflow and its task Lambdas: what each task receives
 * (validated at the task's edge) and what it returns into the execution's state.
 */

/** The execution's input: StartExecution names the execution after the request, too. */
export const ApprovalWorkflowInput = z.strictObject({ requestId: RequestId });

/** Triage first: an auto-triage rule of the approval policy may accept the request without a person. */
export const ApplyAutoTriageTask = z.strictObject({ requestId: RequestId });
/** `.waitForTaskToken`: asks the triagers (the token stays on the request), then waits for the triage decision. */
export const RequestTriageTask = z.strictObject({
  requestId: RequestId,
  taskToken: z.string().min(1),
  executionArn: z.string().min(1),
});
/** What a triage decision sends back with SendTaskSuccess. */
export const TriageDecisionOutput = z.object({ outcome: z.enum(TRIAGE_OUTCOMES) });
/** After the triage wait (decided or timed out): where triage left the request. */
export const ReadTriageDecisionTask = z.strictObject({ requestId: RequestId });
/** Accepted: the approval chain starts; otherwise the requester is told (when something changed). */
export const TriageState = z.object({ accepted: z.boolean(), notify: z.boolean() });

/**
 * Resolves the request's approval chain from the policy in force, and the step to begin with:
 * 1; or after a send-back whose resubmission goes on, the stored chain (not resolved again) and
 * the step that sent it back.
 */
export const ResolveApprovalChainTask = z.strictObject({ requestId: RequestId });
/**
 * `.waitForTaskToken`: asks one step's approvers (the chain is stored on the request with the
 * first step; later steps read it from there), then waits for the first decision.
 */
export const RequestApprovalTask = z.strictObject({
  requestId: RequestId,
  step: z.number().int().min(1),
  chain: ResolvedChainSchema,
  taskToken: z.string().min(1),
  executionArn: z.string().min(1),
});

/** After a step's wait (decided or timed out): the step to ask next, or null when the chain is done. */
export const FindNextStepTask = z.strictObject({ requestId: RequestId });
export const NextStep = z.object({
  step: z.number().int().min(1).nullable(),
  /** An approver sent it back (CHANGES_REQUESTED): the requester is told, and this round ends. */
  sentBack: z.boolean(),
});

/** What a decision sends back with SendTaskSuccess. */
export const DecisionOutput = z.object({
  approvalId: z.string().regex(idPattern('approval')),
  outcome: z.enum(DECISIONS),
});

/** Approval consumes budget: commit an approved request's amount (nothing for other decisions). */
export const CommitBudgetTask = z.strictObject({ requestId: RequestId });
export const BudgetOutcome = z.object({
  committed: z.boolean(),
  refusal: z.object({ reason: z.string(), figures: z.record(z.string(), z.unknown()) }).nullable(),
});

/** A refused commitment: the chain's exception step to ask next, or null (the request settles BUDGET_EXCEEDED). */
export const AddBudgetExceptionTask = z.strictObject({ requestId: RequestId, budget: BudgetOutcome });

/** One task settles the request whatever happened: decided, timed out (its step still pending), or failed. */
export const SettleRequestTask = z.strictObject({
  requestId: RequestId,
  /** What committing the approved amount came to; absent on the failure path. */
  budget: BudgetOutcome.optional(),
  failure: z.object({ Error: z.string(), Cause: z.string().optional() }).optional(),
});
export const SettledRequest = z.object({
  outcome: z.string(),
  /** False when nothing changed (the request was already withdrawn or settled): nobody to tell. */
  notify: z.boolean(),
});

export const NotifyRequesterTask = z.strictObject({ requestId: RequestId });

/** Errors a retry can cure: throttling, brief outages, a write that raced another. */
export const TRANSIENT_ERRORS = [
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TooManyRequestsException',
  'TimeoutError',
  'Sandbox.Timedout',
  'ConcurrentChangeError',
] as const;

/** A triage ask delivered again after the triage decision: go on to read the decision. */
export const TRIAGE_DECIDED_ERROR = 'TriageDecidedError';

/** The request was withdrawn (or settled) before its approval was asked for: nothing to do. */
export const REQUEST_CLOSED_ERROR = 'RequestClosedError';
