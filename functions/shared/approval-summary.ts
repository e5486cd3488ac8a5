import * as z from 'zod';
import { ContactResource } from './schemas.js';

/**
 * What a request shows of its approval chain. Approvals write it and requests carry it, so it
 * lives here rather than in either capability: approvals builds on requests, never the other way.
 */

/**
 * An approval's life (one person's part in a step): waiting, then decided (approved, rejected,
 * or sent back to its requester for changes), expired or voided.
 */
export const APPROVAL_STATUSES = [
  'PENDING',
  'APPROVED',
  'REJECTED',
  'SENT_BACK',
  'EXPIRED',
  'VOIDED',
] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

/** A step's life: WAITING for earlier steps, PENDING on its approvers, then as its approval ended; or SKIPPED. */
export const CHAIN_STEP_STATUSES = ['WAITING', ...APPROVAL_STATUSES, 'SKIPPED'] as const;
export type ChainStepStatus = (typeof CHAIN_STEP_STATUSES)[number];

export const ApprovalChainStep = z.object({
  step: z.number().int().describe('1-based, in the order decided.'),
  name: z.string(),
  status: z.enum(CHAIN_STEP_STATUSES),
  approvers: z
    .array(ContactResource)
    .describe('Who may decide the step: one person, or any one member of a group.'),
  group: z.string().optional(),
  reassignedFrom: ContactResource.optional().describe(
    'Whom the step would have gone to, when that is the requester (segregation of duties).',
  ),
  reassignedReason: z.string().optional(),
  delegations: z
    .array(
      z.object({
        from: ContactResource,
        to: ContactResource,
        delegationId: z.string(),
        reason: z.string(),
      }),
    )
    .optional()
    .describe(
      'Approvers of the step whose delegation gave it to their delegate (who decides on behalf of them).',
    ),
  skippedReason: z.string().optional(),
  approvalIds: z
    .array(z.string())
    .optional()
    .describe("The step's approvals (one per approver), once asked."),
  requestedAt: z.string().optional(),
  decidedAt: z.string().optional(),
  decidedBy: ContactResource.optional(),
  decidedOnBehalfOf: ContactResource.optional().describe('The approver a delegate decided for.'),
  comment: z.string().optional(),
  kind: z
    .enum(['BUDGET_EXCEPTION'])
    .optional()
    .describe(
      'BUDGET_EXCEPTION: added after the last step because the approved amount did not fit its line; decided by funding it with a transfer, or rejecting it.',
    ),
  budgetRefusal: z
    .object({ reason: z.string(), figures: z.record(z.string(), z.unknown()) })
    .optional()
    .describe("An exception step's cause: why the commitment was refused, with the line's figures then."),
  transferId: z.string().optional().describe('The transfer that funded an exception step.'),
  escalationApprovers: z
    .array(ContactResource)
    .optional()
    .describe(
      "Who is added to the step when it is undecided at its deadline (the policy's escalation approver).",
    ),
  escalatedAt: z
    .string()
    .optional()
    .describe('When the step reached its deadline and its escalation approvers were added to `approvers`.'),
  escalatedTo: z
    .array(ContactResource)
    .optional()
    .describe('Whom the escalation added to `approvers` (those not asked already).'),
});
export type ApprovalChainStepType = z.infer<typeof ApprovalChainStep>;

/**
 * An approver's send-back and what became of it: the requester's resubmission continued the
 * chain from the step that sent it back, or restarted it (and why).
 */
export const SendBack = z.object({
  round: z.number().int().describe('The submission round it was sent back in.'),
  step: z.number().int(),
  stepName: z.string(),
  approvalId: z.string(),
  by: ContactResource,
  onBehalfOf: ContactResource.optional().describe('A delegate sent it back on behalf of this approver.'),
  at: z.string(),
  comment: z.string().describe('What the approver asks to change.'),
  resubmittedAt: z.string().optional(),
  continuedFromStep: z
    .number()
    .int()
    .optional()
    .describe('The resubmission went on from this step: nothing that decides the chain changed.'),
  restartedBecause: z
    .array(z.string())
    .optional()
    .describe('The resubmission restarted the chain from step 1, for these reasons.'),
});
export type SendBackType = z.infer<typeof SendBack>;

/** The chain as resolved from the approval policy when the request entered approval, and how far it got. */
export const RequestApprovalChain = z.object({
  policyVersion: z.number().int().describe('The approval policy version the chain was resolved from.'),
  rule: z.object({ index: z.number().int(), name: z.string() }).describe('The policy rule that matched.'),
  why: z.array(z.string()).describe('Why the rule matched, one phrase per condition.'),
  currentStep: z.number().int().describe('The step asked now, or the last one asked.'),
  steps: z.array(ApprovalChainStep),
  followUp: z
    .object({
      remindAfterBusinessDays: z.number().int(),
      maxReminders: z.number().int(),
      deadlineBusinessDays: z.number().int(),
    })
    .optional()
    .describe(
      'Reminders and escalation of each step, in business days, from the policy the chain was resolved from.',
    ),
});
export type RequestApprovalChainType = z.infer<typeof RequestApprovalChain>;

/** A chain a resubmission restarted: its approvals no longer count. */
export const SupersededApprovalChain = RequestApprovalChain.extend({
  supersededAt: z.string(),
  reason: z.string(),
});
export type SupersededApprovalChainType = z.infer<typeof SupersededApprovalChain>;

export const stepOf = (chain: RequestApprovalChainType, step: number): ApprovalChainStepType => {
  const found = chain.steps[step - 1];
  if (!found) throw new RangeError(`The chain has no step ${step}.`);
  return found;
};

export const currentStepOf = (chain: RequestApprovalChainType) => stepOf(chain, chain.currentStep);

/** The chain with one step changed (chains are values: a transition writes a new one). */
export function withStep(
  chain: RequestApprovalChainType,
  step: number,
  change: Partial<ApprovalChainStepType>,
  currentStep = chain.currentStep,
): RequestApprovalChainType {
  return {
    ...chain,
    currentStep,
    steps: chain.steps.map((candidate) =>
      candidate.step === step ? { ...candidate, ...change } : candidate,
    ),
  };
}

/** The step to ask after the current one: the next that is not skipped, once the current one approved. */
export function nextStepToAsk(chain: RequestApprovalChainType): number | undefined {
  if (currentStepOf(chain).status !== 'APPROVED') return undefined;
  return chain.steps.find((step) => step.step > chain.currentStep && step.status === 'WAITING')?.step;
}

/** Every step that is not skipped has approved: the request may commit its budget. */
export const chainApproved = (chain: RequestApprovalChainType) =>
  chain.steps.every((step) => step.status === 'APPROVED' || step.status === 'SKIPPED');
