import * as z from 'zod';
import { DECISIONS } from '../functions/approvals/model.js';
import { idPattern } from '../functions/shared/ids.js';
import { RequestId } from '../functions/shared/schemas.js';

/**
 * The contracts between the approval workflow and its task Lambdas: what each task receives
 * (validated at the task's edge) and what it returns into the execution's state.
 */

const Contact = z.object({ name: z.string().min(1), email: z.email() });

/** The execution's input: StartExecution names the execution after the request, too. */
export const ApprovalWorkflowInput = z.strictObject({ requestId: RequestId });

export const DetermineApproverTask = z.strictObject({ requestId: RequestId });
/** `reassignedFrom` is null unless segregation of duties moved the approval (ASL paths need the key). */
export const ApproverAssignment = z.object({ approver: Contact, reassignedFrom: Contact.nullable() });
export type ApproverAssignmentType = z.infer<typeof ApproverAssignment>;

/** `.waitForTaskToken`: the task stores the token with the approval, then emails the approver. */
export const RequestApprovalTask = z.strictObject({
  requestId: RequestId,
  assignment: ApproverAssignment,
  taskToken: z.string().min(1),
  executionArn: z.string().min(1),
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

/** One task settles the request whatever happened: decided, timed out, or failed. */
export const SettleRequestTask = z.strictObject({
  requestId: RequestId,
  timedOut: z.boolean().default(false),
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

/** The request was withdrawn (or settled) before its approval was asked for: nothing to do. */
export const REQUEST_CLOSED_ERROR = 'RequestClosedError';
