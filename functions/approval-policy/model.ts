import * as z from 'zod';
import { BusinessFunctionCode, REQUEST_CATEGORIES } from '../reference-data/schemas.js';
import { URGENCIES } from '../requests/model.js';
import type { Contact } from '../shared/contacts.js';
import { SingleLineText } from '../shared/schemas.js';
import { RISK_TIERS, VENDOR_STATUSES } from '../vendors/model.js';

/**
 * The approval policy: a delegation-of-authority matrix kept as data, so operations change who
 * approves what without a release. Rules are evaluated in order and the first match wins; the
 * matching rule's steps are the request's approval chain, decided one after another.
 */

export const POLICY_LIMITS = {
  rules: 100,
  stepsPerChain: 10,
  membersPerGroup: 20,
  autoTriageRules: 20,
} as const;

export const ApproverGroupName = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]{1,39}$/, 'Must be an approver group name such as "QA_LEADS".');

/** A decimal amount in the budget's currency, e.g. "50000.00". */
export const BandAmount = z
  .string()
  .regex(/^\d{1,15}(\.\d{1,4})?$/, 'Must be a decimal amount such as "50000.00".');

/** Who may decide a step. */
export const ApproverRef = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('FUNCTION_HEAD').describe("The head of the request's business function."),
  }),
  z.strictObject({ kind: z.literal('HEAD_OF'), businessFunction: BusinessFunctionCode }),
  z.strictObject({
    kind: z.literal('PERSON'),
    name: SingleLineText.min(1).max(200),
    email: z.email(),
  }),
  z.strictObject({ kind: z.literal('GROUP'), group: ApproverGroupName }),
]);
export type ApproverRefType = z.infer<typeof ApproverRef>;

/** A decimal amount in ten-thousandths (amounts have at most four decimals): exact for comparing with bands. */
export function bandUnits(amount: string): bigint {
  const [whole = '0', fraction = ''] = amount.split('.');
  return BigInt(whole) * 10_000n + BigInt(fraction.padEnd(4, '0'));
}

/** `from` is included, `below` is not; either may be left out (open-ended). */
export const AmountBand = z.strictObject({ from: BandAmount.optional(), below: BandAmount.optional() });
export type AmountBandType = z.infer<typeof AmountBand>;

/** Every condition given must hold; within one condition, any listed value matches. */
export const RuleConditions = z.strictObject({
  amounts: z.array(AmountBand).min(1).optional(),
  categories: z.array(z.enum(REQUEST_CATEGORIES)).min(1).optional(),
  businessFunctions: z.array(BusinessFunctionCode).min(1).optional(),
  urgencies: z.array(z.enum(URGENCIES)).min(1).optional(),
  vendorRiskTiers: z.array(z.enum(RISK_TIERS)).min(1).optional(),
  vendorStatuses: z.array(z.enum(VENDOR_STATUSES)).min(1).optional(),
});
export type RuleConditionsType = z.infer<typeof RuleConditions>;

export const PolicyStep = z.strictObject({
  name: SingleLineText.min(1).max(120).optional(),
  approver: ApproverRef,
  /** Who is added to the step when it is still undecided at its deadline; default: the policy's. */
  escalationApprover: ApproverRef.optional(),
});

/** At most this many reminders per approval: more is noise, and the escalation does the rest. */
export const MAX_REMINDERS = 3;
/** The longest step deadline, in business days: the workflow's step timeout must outlast it (cdk.json). */
export const MAX_DEADLINE_BUSINESS_DAYS = 10;

/**
 * Reminders and escalation around each pending step, in business days from when it was asked
 * (weekends and the holiday calendar's days do not count).
 */
export const FollowUpSettings = z
  .strictObject({
    /** A reminder (with a fresh link) every this many business days while the approval waits. Default 2. */
    remindAfterBusinessDays: z.number().int().min(1).max(MAX_DEADLINE_BUSINESS_DAYS).optional(),
    /** At most this many reminders per approval. Default 3. */
    maxReminders: z.number().int().min(0).max(MAX_REMINDERS).optional(),
    /** Undecided this many business days after it was asked, the step escalates. Default 5. */
    deadlineBusinessDays: z.number().int().min(1).max(MAX_DEADLINE_BUSINESS_DAYS).optional(),
    /** Who is added to a step at its deadline when the step names nobody. Default: the head of STRATEGY. */
    escalationApprover: ApproverRef.optional(),
  })
  .meta({ id: 'ApprovalFollowUpSettings' });
export type FollowUpSettingsType = z.infer<typeof FollowUpSettings>;

export const DEFAULT_FOLLOW_UP = {
  remindAfterBusinessDays: 2,
  maxReminders: 3,
  deadlineBusinessDays: 5,
} as const;

export const DEFAULT_ESCALATION_APPROVER: ApproverRefType = { kind: 'HEAD_OF', businessFunction: 'STRATEGY' };

/** A rule without `when` is the default rule: it matches every request, so it must come last. */
export const PolicyRule = z.strictObject({
  name: SingleLineText.min(1).max(120),
  when: RuleConditions.optional(),
  steps: z.array(PolicyStep).min(1),
});
export type PolicyRuleType = z.infer<typeof PolicyRule>;

/**
 * Accepts a request at triage without a person: when its conditions hold and its triage
 * assessment raised no flag (a flagged request always goes to a triager). First match wins.
 */
export const AutoTriageRule = z.strictObject({
  name: SingleLineText.min(1).max(120),
  when: RuleConditions,
});
export type AutoTriageRuleType = z.infer<typeof AutoTriageRule>;

/** The document operations publish (PUT /policies/approval), before the checks against reference data. */
export const ApprovalPolicyDocument = z
  .strictObject({
    /**
     * Who takes a step that would resolve to the requester (segregation of duties), in order:
     * the first who is not the requester. Default: the head of STRATEGY, then of FINANCE.
     */
    fallbackApprovers: z.array(ApproverRef).min(1).max(5).optional(),
    /**
     * Who decides a request whose approved amount does not fit its line (the over-budget
     * exception step): fund it by a transfer, or reject it. Default: the head of FINANCE.
     */
    budgetExceptionApprover: ApproverRef.optional(),
    /** Reminders and escalation of pending steps; every setting has its default. */
    followUp: FollowUpSettings.optional(),
    rules: z.array(PolicyRule).min(1),
    /** Auto-triage rules, tried in order before any triager is asked; none by default. */
    autoTriage: z.array(AutoTriageRule).optional(),
    /** What a resubmission after an approver's send-back does to the chain. */
    sendBack: z
      .strictObject({
        restartAbovePercentRise: z
          .number()
          .min(0)
          .max(1_000)
          .multipleOf(0.01)
          .describe(
            'The chain restarts from step 1 when the estimated cost rose by more than this percent (default 10); it also restarts when the vendor, category or business function changed, else it goes on from the step that sent it back.',
          ),
      })
      .optional(),
  })
  .meta({ id: 'ApprovalPolicyDocument' });
export type ApprovalPolicyDocumentType = z.infer<typeof ApprovalPolicyDocument>;

export const DEFAULT_FALLBACK_APPROVERS: ApproverRefType[] = [
  { kind: 'HEAD_OF', businessFunction: 'STRATEGY' },
  { kind: 'HEAD_OF', businessFunction: 'FINANCE' },
];

export const DEFAULT_BUDGET_EXCEPTION_APPROVER: ApproverRefType = {
  kind: 'HEAD_OF',
  businessFunction: 'FINANCE',
};

/** A published version: the document, its number, and who published it when. */
export interface ApprovalPolicy {
  version: number;
  document: ApprovalPolicyDocumentType;
  changedBy: { sub: string; name: string; email: string };
  changedAt: string;
}

/**
 * The policy in force before any is published (version 0): every request goes to the head of
 * its business function, as before approval chains.
 */
export const BUILT_IN_POLICY: ApprovalPolicy = {
  version: 0,
  document: {
    rules: [{ name: 'Head of the business function', steps: [{ approver: { kind: 'FUNCTION_HEAD' } }] }],
  },
  changedBy: { sub: 'built-in', name: 'Built-in default', email: 'built-in@techops.invalid' },
  changedAt: '2000-01-01T00:00:00.000Z',
};

/** What a rule matches on: the request's facts (and its preferred vendor's, when it names one). */
export interface ChainFacts {
  businessFunction: string;
  category: string;
  urgency: string;
  /** In the budget's currency: a decimal string, e.g. "120000.00". */
  amount: string;
  requester: Contact;
  vendor?: { riskTier: string; status: string } | undefined;
}

const ResolvedContact = z.object({ name: z.string().min(1), email: z.email() });

/** One step of a resolved chain, as stored on the request when it enters approval. */
export const ResolvedStepSchema = z.object({
  /** 1-based, in the order decided. */
  step: z.number().int().min(1),
  name: z.string(),
  /** Who may decide it: one person, or the members of a group (any one of them). */
  approvers: z.array(ResolvedContact).min(1),
  group: z.string().optional(),
  /** Segregation of duties moved the step: whom it would have gone to. */
  reassignedFrom: ResolvedContact.optional(),
  reassignedReason: z.string().optional(),
  /** Skip-repeat: its only approver approves an earlier step of the same chain. */
  skippedReason: z.string().optional(),
  /** Who is added to the step at its deadline (segregation of duties applied). */
  escalationApprovers: z.array(ResolvedContact).optional(),
});
export type ResolvedStep = z.infer<typeof ResolvedStepSchema>;

/** A request's chain as the policy resolved it; the workflow hands it to the first step (validated there). */
export const ResolvedChainSchema = z.object({
  policyVersion: z.number().int().min(0),
  rule: z.object({ index: z.number().int().min(0), name: z.string() }),
  /** Why the rule matched, one phrase per condition (the default rule: "no earlier rule matched"). */
  why: z.array(z.string()),
  steps: z.array(ResolvedStepSchema).min(1),
  /** The policy's reminder and escalation timings, in business days (defaults filled in). */
  followUp: z
    .object({
      remindAfterBusinessDays: z.number().int(),
      maxReminders: z.number().int(),
      deadlineBusinessDays: z.number().int(),
    })
    .optional(),
});
export type ResolvedChain = z.infer<typeof ResolvedChainSchema>;

/** Reference data a resolution looks up: business function heads and group members. */
export interface ApproverDirectory {
  headOf(businessFunction: string): Contact | undefined;
  membersOf(group: string): Contact[] | undefined;
}
