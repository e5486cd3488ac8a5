import type { Contact } from '../shared/contacts.js';
import { sameEmail } from '../shared/contacts.js';
import {
  type AmountBandType,
  type ApprovalPolicy,
  type ApproverDirectory,
  type ApproverRefType,
  bandUnits,
  type ChainFacts,
  DEFAULT_BUDGET_EXCEPTION_APPROVER,
  DEFAULT_ESCALATION_APPROVER,
  DEFAULT_FALLBACK_APPROVERS,
  DEFAULT_FOLLOW_UP,
  type PolicyRuleType,
  type ResolvedChain,
  type ResolvedStep,
  type RuleConditionsType,
} from './model.js';

/** Nobody may decide a step of this request (the reference data lacks someone): for an admin to fix. */
export class NoEligibleApproverError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'NoEligibleApproverError';
  }
}

const inBand = (amount: string, band: AmountBandType) =>
  (band.from === undefined || bandUnits(amount) >= bandUnits(band.from)) &&
  (band.below === undefined || bandUnits(amount) < bandUnits(band.below));

const bandText = (band: AmountBandType) =>
  band.from && band.below
    ? `from ${band.from} to below ${band.below}`
    : band.from
      ? `from ${band.from}`
      : `below ${band.below}`;

/** Why the rule matches the request, one phrase per condition; undefined when it does not. */
export function ruleMatch(rule: PolicyRuleType, facts: ChainFacts): string[] | undefined {
  return rule.when ? conditionsMatch(rule.when, facts) : ['the default rule: no earlier rule matched'];
}

/** Why every condition holds for the request, one phrase each; undefined when one does not. */
export function conditionsMatch(when: RuleConditionsType, facts: ChainFacts): string[] | undefined {
  const why: string[] = [];
  const check = (holds: boolean, phrase: string) => {
    if (holds) why.push(phrase);
    return holds;
  };
  const band = when.amounts?.find((candidate) => inBand(facts.amount, candidate));
  const matches =
    (!when.amounts || check(band !== undefined, `amount ${facts.amount} is ${band && bandText(band)}`)) &&
    (!when.categories ||
      check(when.categories.includes(facts.category as never), `category is ${facts.category}`)) &&
    (!when.businessFunctions ||
      check(
        when.businessFunctions.includes(facts.businessFunction),
        `business function is ${facts.businessFunction}`,
      )) &&
    (!when.urgencies ||
      check(when.urgencies.includes(facts.urgency as never), `urgency is ${facts.urgency}`)) &&
    (!when.vendorRiskTiers ||
      check(
        facts.vendor !== undefined && when.vendorRiskTiers.includes(facts.vendor.riskTier as never),
        `the preferred vendor's risk tier is ${facts.vendor?.riskTier}`,
      )) &&
    (!when.vendorStatuses ||
      check(
        facts.vendor !== undefined && when.vendorStatuses.includes(facts.vendor.status as never),
        `the preferred vendor's status is ${facts.vendor?.status}`,
      ));
  return matches ? why : undefined;
}

function describe(ref: ApproverRefType, facts: ChainFacts): string {
  switch (ref.kind) {
    case 'FUNCTION_HEAD':
      return `Head of ${facts.businessFunction}`;
    case 'HEAD_OF':
      return `Head of ${ref.businessFunction}`;
    case 'PERSON':
      return ref.name;
    case 'GROUP':
      return `Any one of ${ref.group}`;
  }
}

function approversOf(ref: ApproverRefType, facts: ChainFacts, directory: ApproverDirectory): Contact[] {
  const head = (code: string) => {
    const found = directory.headOf(code);
    if (!found) throw new NoEligibleApproverError(`Business function ${code} is not in the reference data.`);
    return [found];
  };
  switch (ref.kind) {
    case 'FUNCTION_HEAD':
      return head(facts.businessFunction);
    case 'HEAD_OF':
      return head(ref.businessFunction);
    case 'PERSON':
      return [{ name: ref.name, email: ref.email }];
    case 'GROUP': {
      const members = directory.membersOf(ref.group);
      if (!members?.length) throw new NoEligibleApproverError(`Approver group ${ref.group} has no members.`);
      return members;
    }
  }
}

/**
 * The request's approval chain under the policy: the first rule that matches gives the steps.
 * Segregation of duties: the requester never decides a step; a step left with nobody else goes
 * to the first fallback approver who is not the requester. Skip-repeat: a step whose only
 * approver is the only approver of an earlier step is skipped, with the reason (they approve
 * that step already). Resolved once, when the request enters approval, and stored with it.
 */
export function resolveApprovalChain(
  policy: Pick<ApprovalPolicy, 'version' | 'document'>,
  facts: ChainFacts,
  directory: ApproverDirectory,
): ResolvedChain {
  const { rules } = policy.document;
  let index = -1;
  let why: string[] | undefined;
  while (why === undefined && ++index < rules.length) why = ruleMatch(rules[index] as PolicyRuleType, facts);
  const rule = rules[index];
  if (!rule || !why) throw new NoEligibleApproverError('No rule of the approval policy matches the request.');

  const steps: ResolvedStep[] = [];
  const soleApprovers: string[] = [];
  rule.steps.forEach((policyStep, position) => {
    const step = resolvedStep(policy, facts, directory, policyStep.approver, position + 1, policyStep.name);
    step.escalationApprovers = escalationApproversOf(policy, facts, directory, policyStep.escalationApprover);
    const approvers = step.approvers;
    const only = approvers.length === 1 ? (approvers[0] as Contact) : undefined;
    if (only && soleApprovers.some((email) => sameEmail(email, only.email))) {
      step.skippedReason = `${only.name} already approves an earlier step of this chain.`;
    } else if (only) {
      soleApprovers.push(only.email);
    }
    steps.push(step);
  });
  return {
    policyVersion: policy.version,
    rule: { index, name: rule.name },
    why,
    steps,
    followUp: followUpOf(policy),
  };
}

/** The policy's reminder and escalation timings, each setting left out taking its default. */
function followUpOf(policy: Pick<ApprovalPolicy, 'document'>): NonNullable<ResolvedChain['followUp']> {
  const settings = policy.document.followUp;
  return {
    remindAfterBusinessDays: settings?.remindAfterBusinessDays ?? DEFAULT_FOLLOW_UP.remindAfterBusinessDays,
    maxReminders: settings?.maxReminders ?? DEFAULT_FOLLOW_UP.maxReminders,
    deadlineBusinessDays: settings?.deadlineBusinessDays ?? DEFAULT_FOLLOW_UP.deadlineBusinessDays,
  };
}

/**
 * Who a step escalates to: the step's escalation approver, else the policy's, else the head of
 * STRATEGY; under the same segregation of duties as any step (never the requester).
 */
function escalationApproversOf(
  policy: Pick<ApprovalPolicy, 'document'>,
  facts: ChainFacts,
  directory: ApproverDirectory,
  stepRef: ApproverRefType | undefined,
): Contact[] {
  const ref = stepRef ?? policy.document.followUp?.escalationApprover ?? DEFAULT_ESCALATION_APPROVER;
  return resolvedStep(policy, facts, directory, ref, 1).approvers;
}

/**
 * One step for an approver reference. Segregation of duties: the requester never decides it; a
 * step left with nobody else goes to the first fallback approver who is not the requester.
 */
function resolvedStep(
  policy: Pick<ApprovalPolicy, 'document'>,
  facts: ChainFacts,
  directory: ApproverDirectory,
  ref: ApproverRefType,
  number: number,
  name = describe(ref, facts),
): ResolvedStep {
  const isRequester = (contact: Contact) => sameEmail(contact.email, facts.requester.email);
  const named = approversOf(ref, facts, directory);
  const eligible = named.filter((person) => !isRequester(person));
  let approvers = eligible;
  for (const fallback of policy.document.fallbackApprovers ?? DEFAULT_FALLBACK_APPROVERS) {
    if (approvers.length > 0) break;
    approvers = approversOf(fallback, facts, directory).filter((person) => !isRequester(person));
  }
  if (approvers.length === 0) {
    throw new NoEligibleApproverError(
      'Every approver of a step, and every fallback approver, is the requester: nobody else may decide.',
    );
  }
  return {
    step: number,
    name,
    approvers,
    ...(ref.kind === 'GROUP' ? { group: ref.group } : {}),
    ...(eligible.length === 0
      ? {
          reassignedFrom: named[0] as Contact,
          reassignedReason: `${(named[0] as Contact).name} is the requester (segregation of duties): the fallback approver decides.`,
        }
      : {}),
  };
}

/**
 * The over-budget exception step, added after the chain's last step when the approved amount
 * does not fit its line: the policy's budget-exception approver (default: the head of
 * FINANCE), under the same segregation of duties as every step; never skipped.
 */
export function resolveBudgetExceptionStep(
  policy: Pick<ApprovalPolicy, 'document'>,
  facts: ChainFacts,
  directory: ApproverDirectory,
  number: number,
): ResolvedStep {
  const ref = policy.document.budgetExceptionApprover ?? DEFAULT_BUDGET_EXCEPTION_APPROVER;
  return {
    ...resolvedStep(policy, facts, directory, ref, number, `Budget exception (${describe(ref, facts)})`),
    escalationApprovers: escalationApproversOf(policy, facts, directory, undefined),
  };
}
