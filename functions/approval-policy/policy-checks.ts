import * as z from 'zod';
import { normalizedEmail } from '../shared/contacts.js';
import { type FieldIssue, ValidationError } from '../shared/errors.js';
import { zodIssues } from '../shared/http.js';
import { SingleLineText } from '../shared/schemas.js';
import {
  type AmountBandType,
  ApprovalPolicyDocument,
  type ApprovalPolicyDocumentType,
  ApproverRef,
  type ApproverRefType,
  AutoTriageRule,
  bandUnits,
  DEFAULT_FOLLOW_UP,
  FollowUpSettings,
  POLICY_LIMITS,
  PolicyRule,
  type PolicyRuleType,
  type RuleConditionsType,
} from './model.js';

/**
 * The checks of an approval policy document and of an approver group beyond their shape: plain
 * functions of the document and the names the reference data knows, so every problem is found
 * and listed at once, before anything is stored.
 */

/** The names the reference data knows, looked up by the command before the checks. */
export interface KnownNames {
  businessFunctions: ReadonlySet<string>;
  groups: ReadonlySet<string>;
}

const describeBand = (band: AmountBandType) =>
  [band.from ? `from ${band.from}` : '', band.below ? `below ${band.below}` : ''].join(' ').trim() ||
  'every amount';

/** Half-open bands [from, below): an absent end is open. */
function bandsOverlap(a: AmountBandType, b: AmountBandType): boolean {
  const aFrom = a.from === undefined ? undefined : bandUnits(a.from);
  const bFrom = b.from === undefined ? undefined : bandUnits(b.from);
  const aBelow = a.below === undefined ? undefined : bandUnits(a.below);
  const bBelow = b.below === undefined ? undefined : bandUnits(b.below);
  const aStartsBeforeBEnds = aFrom === undefined || bBelow === undefined || aFrom < bBelow;
  const bStartsBeforeAEnds = bFrom === undefined || aBelow === undefined || bFrom < aBelow;
  return aStartsBeforeBEnds && bStartsBeforeAEnds;
}

function bandIssues(bands: AmountBandType[], path: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  bands.forEach((band, index) => {
    if (
      band.from !== undefined &&
      band.below !== undefined &&
      bandUnits(band.from) >= bandUnits(band.below)
    ) {
      issues.push({
        field: `${path}.${index}`,
        message: `The band's from (${band.from}) must be below its below (${band.below}).`,
      });
    }
  });
  for (let later = 1; later < bands.length; later++) {
    for (let earlier = 0; earlier < later; earlier++) {
      if (bandsOverlap(bands[earlier]!, bands[later]!)) {
        issues.push({
          field: `${path}.${later}`,
          message: `Overlaps amount band ${earlier} (${describeBand(bands[earlier]!)}) of the same rule.`,
        });
      }
    }
  }
  return issues;
}

function approverIssues(approver: ApproverRefType, path: string, known: KnownNames): FieldIssue[] {
  if (approver.kind === 'HEAD_OF' && !known.businessFunctions.has(approver.businessFunction)) {
    return [
      {
        field: `${path}.businessFunction`,
        message: `Unknown business function "${approver.businessFunction}".`,
      },
    ];
  }
  if (approver.kind === 'GROUP' && !known.groups.has(approver.group)) {
    return [
      {
        field: `${path}.group`,
        message: `Unknown approver group "${approver.group}": create it first (PUT /approver-groups/${approver.group}).`,
      },
    ];
  }
  return [];
}

function conditionIssues(
  when: RuleConditionsType | undefined,
  path: string,
  known: KnownNames,
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  (when?.businessFunctions ?? []).forEach((code, index) => {
    if (!known.businessFunctions.has(code)) {
      issues.push({
        field: `${path}.when.businessFunctions.${index}`,
        message: `Unknown business function "${code}".`,
      });
    }
  });
  issues.push(...bandIssues(when?.amounts ?? [], `${path}.when.amounts`));
  return issues;
}

function ruleIssues(rule: PolicyRuleType, path: string, known: KnownNames): FieldIssue[] {
  const issues = conditionIssues(rule.when, path, known);
  if (rule.steps.length > POLICY_LIMITS.stepsPerChain) {
    issues.push({
      field: `${path}.steps`,
      message: `A rule has at most ${POLICY_LIMITS.stepsPerChain} steps, not ${rule.steps.length}.`,
    });
  }
  rule.steps.forEach((step, index) => {
    issues.push(...approverIssues(step.approver, `${path}.steps.${index}.approver`, known));
    if (step.escalationApprover) {
      issues.push(
        ...approverIssues(step.escalationApprover, `${path}.steps.${index}.escalationApprover`, known),
      );
    }
  });
  return issues;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Every problem of a policy document: its shape (zod), and what the shape cannot say: names the
 * reference data does not know, the default rule, the limits, amount bands, duplicate rule
 * names. Rules and approvers that are well-formed are checked even when others are not.
 */
export function policyIssues(input: unknown, known: KnownNames): FieldIssue[] {
  const parsed = ApprovalPolicyDocument.safeParse(input);
  const issues = parsed.success ? [] : zodIssues(parsed.error);
  if (!isRecord(input)) return issues;
  const rules = Array.isArray(input.rules) ? input.rules : [];
  if (rules.length > POLICY_LIMITS.rules) {
    issues.push({
      field: 'rules',
      message: `A policy has at most ${POLICY_LIMITS.rules} rules, not ${rules.length}.`,
    });
  }
  const firstRuleNamed = new Map<string, number>();
  rules.forEach((raw, index) => {
    const path = `rules.${index}`;
    if (isRecord(raw) && raw.when === undefined && index < rules.length - 1) {
      issues.push({
        field: path,
        message: `A rule without "when" is the default rule and matches every request: it must be the last rule, or rules ${index + 1} to ${rules.length - 1} are never reached.`,
      });
    }
    if (isRecord(raw) && isRecord(raw.when) && Object.keys(raw.when).length === 0) {
      issues.push({
        field: `${path}.when`,
        message:
          'An empty "when" matches every request: give it a condition, or leave it out for the default rule.',
      });
    }
    const name = isRecord(raw) ? raw.name : undefined;
    if (typeof name === 'string') {
      const first = firstRuleNamed.get(name);
      if (first === undefined) firstRuleNamed.set(name, index);
      else issues.push({ field: `${path}.name`, message: `Rule ${first} has the same name "${name}".` });
    }
    const rule = PolicyRule.safeParse(raw);
    if (rule.success) issues.push(...ruleIssues(rule.data, path, known));
  });
  if (rules.length > 0 && !rules.some((raw) => isRecord(raw) && raw.when === undefined)) {
    issues.push({
      field: 'rules',
      message: 'A default rule is required: the last rule must have no "when", so every request resolves.',
    });
  }
  issues.push(...autoTriageIssues(input.autoTriage, known));
  const fallbacks = Array.isArray(input.fallbackApprovers) ? input.fallbackApprovers : [];
  fallbacks.forEach((raw, index) => {
    const approver = ApproverRef.safeParse(raw);
    if (approver.success) issues.push(...approverIssues(approver.data, `fallbackApprovers.${index}`, known));
  });
  const exceptionApprover = ApproverRef.safeParse(input.budgetExceptionApprover);
  if (exceptionApprover.success)
    issues.push(...approverIssues(exceptionApprover.data, 'budgetExceptionApprover', known));
  issues.push(...followUpIssues(input.followUp, known));
  return issues;
}

/** Follow-up settings beyond their shape: a reminder must come before the deadline, the escalation approver exist. */
function followUpIssues(input: unknown, known: KnownNames): FieldIssue[] {
  const settings = FollowUpSettings.safeParse(input);
  if (!settings.success || input === undefined) return [];
  const remindAfter = settings.data.remindAfterBusinessDays ?? DEFAULT_FOLLOW_UP.remindAfterBusinessDays;
  const deadline = settings.data.deadlineBusinessDays ?? DEFAULT_FOLLOW_UP.deadlineBusinessDays;
  const maxReminders = settings.data.maxReminders ?? DEFAULT_FOLLOW_UP.maxReminders;
  const issues: FieldIssue[] = [];
  if (maxReminders > 0 && remindAfter >= deadline) {
    issues.push({
      field: 'followUp.remindAfterBusinessDays',
      message: `A reminder after ${remindAfter} business days comes at or after the deadline (${deadline}): remind sooner, or set maxReminders to 0.`,
    });
  }
  if (settings.data.escalationApprover) {
    issues.push(...approverIssues(settings.data.escalationApprover, 'followUp.escalationApprover', known));
  }
  return issues;
}

/** Auto-triage rules: each needs a condition (accepting every request would skip triage), names unique. */
function autoTriageIssues(input: unknown, known: KnownNames): FieldIssue[] {
  const rules = Array.isArray(input) ? input : [];
  const issues: FieldIssue[] = [];
  if (rules.length > POLICY_LIMITS.autoTriageRules) {
    issues.push({
      field: 'autoTriage',
      message: `A policy has at most ${POLICY_LIMITS.autoTriageRules} auto-triage rules, not ${rules.length}.`,
    });
  }
  const firstNamed = new Map<string, number>();
  rules.forEach((raw, index) => {
    const path = `autoTriage.${index}`;
    if (isRecord(raw) && isRecord(raw.when) && Object.keys(raw.when).length === 0) {
      issues.push({
        field: `${path}.when`,
        message:
          'An auto-triage rule needs at least one condition: an empty "when" would accept every request.',
      });
    }
    const name = isRecord(raw) ? raw.name : undefined;
    if (typeof name === 'string') {
      const first = firstNamed.get(name);
      if (first === undefined) firstNamed.set(name, index);
      else
        issues.push({
          field: `${path}.name`,
          message: `Auto-triage rule ${first} has the same name "${name}".`,
        });
    }
    const rule = AutoTriageRule.safeParse(raw);
    if (rule.success) issues.push(...conditionIssues(rule.data.when, path, known));
  });
  return issues;
}

/** The document, or a ValidationError listing every problem. */
export function checkedPolicyDocument(input: unknown, known: KnownNames): ApprovalPolicyDocumentType {
  const issues = policyIssues(input, known);
  if (issues.length > 0) throw new ValidationError(issues);
  return ApprovalPolicyDocument.parse(input);
}

/** The approver group names a document refers to (in its well-formed parts): what the command looks up. */
export function groupsReferencedBy(input: unknown): string[] {
  if (!isRecord(input)) return [];
  const approvers = [
    ...(Array.isArray(input.fallbackApprovers) ? input.fallbackApprovers : []),
    input.budgetExceptionApprover,
    isRecord(input.followUp) ? input.followUp.escalationApprover : undefined,
    ...(Array.isArray(input.rules) ? input.rules : []).flatMap((rule) =>
      isRecord(rule) && Array.isArray(rule.steps)
        ? rule.steps.flatMap((step) => (isRecord(step) ? [step.approver, step.escalationApprover] : []))
        : [],
    ),
  ];
  const groups = approvers.flatMap((raw) => {
    const approver = ApproverRef.safeParse(raw);
    return approver.success && approver.data.kind === 'GROUP' ? [approver.data.group] : [];
  });
  return [...new Set(groups)];
}

/** Members are compared by email (as contacts are): one person is one member. */
export function duplicateMemberIssues(members: { email: string }[]): FieldIssue[] {
  const first = new Map<string, number>();
  return members.flatMap((member, index) => {
    const key = normalizedEmail(member.email);
    const earlier = first.get(key);
    if (earlier === undefined) {
      first.set(key, index);
      return [];
    }
    return [{ field: `members.${index}.email`, message: `Member ${earlier} has the same email.` }];
  });
}

export const GroupMember = z.strictObject({ name: SingleLineText.min(1).max(200), email: z.email() });

/** PUT /approver-groups/{name}: the whole group, replaced. */
export const ApproverGroupBody = z
  .strictObject({
    description: SingleLineText.min(1).max(500).optional(),
    members: z
      .array(GroupMember)
      .min(1)
      .describe(`1 to ${POLICY_LIMITS.membersPerGroup} members, each email once.`)
      // One refinement for the count and the repeats, so both are reported together.
      .superRefine((members, context) => {
        if (members.length > POLICY_LIMITS.membersPerGroup) {
          context.addIssue({
            code: 'custom',
            path: [],
            message: `A group has at most ${POLICY_LIMITS.membersPerGroup} members, not ${members.length}.`,
          });
        }
        for (const issue of duplicateMemberIssues(members)) {
          context.addIssue({ code: 'custom', path: issue.field.split('.').slice(1), message: issue.message });
        }
      }),
  })
  .meta({ id: 'ApproverGroupBody' });
export type ApproverGroupBodyType = z.output<typeof ApproverGroupBody>;
