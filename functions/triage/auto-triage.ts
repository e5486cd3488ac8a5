import type { AutoTriageRuleType, ChainFacts } from '../approval-policy/model.js';
import { conditionsMatch } from '../approval-policy/resolve-chain.js';
import type { TriageAssessmentType } from '../shared/triage-assessment.js';

/** The auto-triage rule that accepts the request, and why; the first that matches wins. */
export interface AutoAcceptance {
  rule: string;
  why: string[];
}

/**
 * Whether an auto-triage rule of the approval policy accepts the request without a person. A
 * request whose assessment raised a flag (or is missing) always goes to a triager, whatever the
 * rules say: a rule decides only what nobody needs to look at.
 */
export function autoTriageMatch(
  rules: AutoTriageRuleType[] | undefined,
  facts: ChainFacts,
  assessment: TriageAssessmentType | undefined,
): AutoAcceptance | undefined {
  if (!assessment || assessment.flags.length > 0) return undefined;
  for (const rule of rules ?? []) {
    const why = conditionsMatch(rule.when, facts);
    if (why) return { rule: rule.name, why: [...why, 'the triage assessment raised no flag'] };
  }
  return undefined;
}
