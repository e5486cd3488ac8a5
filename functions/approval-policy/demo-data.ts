import type { ApprovalPolicyDocumentType, ApproverRefType, PolicyRuleType } from './model.js';
import type { ApproverGroupBodyType } from './policy-checks.js';

/** The approver groups the local cloud seeds (before the demo policy, which names them). */
export const demoApproverGroups: Record<string, ApproverGroupBodyType> = {
  QA_LEADS: {
    description: 'Quality leads: any one of them decides the quality step of a high-risk vendor.',
    members: [
      { name: 'Dr. Amara Nwosu', email: 'amara.nwosu@techops.example' },
      { name: 'Lars Becker', email: 'lars.becker@techops.example' },
    ],
  },
};

/** Amount bands in the budget's currency, highest first: the most specific rules come first. */
const BANDS = [
  { label: 'From 250,000.00', band: { from: '250000.00' }, strategy: true, finance: true },
  {
    label: 'From 50,000.00 below 250,000.00',
    band: { from: '50000.00', below: '250000.00' },
    strategy: true,
    finance: false,
  },
  { label: 'Below 50,000.00', band: { below: '50000.00' }, strategy: false, finance: false },
] as const;

const headOf = (businessFunction: string): ApproverRefType => ({ kind: 'HEAD_OF', businessFunction });

/**
 * The demo delegation-of-authority matrix, one rule per amount band, DIGITAL_DATA or not, and
 * high-risk preferred vendor or not (first match wins, so "not" needs no condition: the rule
 * that has it comes first). Below 50,000.00 the head of the request's business function;
 * from 50,000.00 then the head of STRATEGY; from 250,000.00 also the head of FINANCE;
 * DIGITAL_DATA adds the head of DIGITAL after the first step; a HIGH risk tier vendor adds a
 * last step for any one of the quality leads. The plainest case is the default rule.
 */
function demoRules(): PolicyRuleType[] {
  const rules: PolicyRuleType[] = [];
  for (const { label, band, strategy, finance } of BANDS) {
    for (const digital of [true, false]) {
      for (const highRisk of [true, false]) {
        const approvers: ApproverRefType[] = [
          { kind: 'FUNCTION_HEAD' },
          ...(digital ? [headOf('DIGITAL')] : []),
          ...(strategy ? [headOf('STRATEGY')] : []),
          ...(finance ? [headOf('FINANCE')] : []),
          ...(highRisk ? [{ kind: 'GROUP', group: 'QA_LEADS' } as const] : []),
        ];
        rules.push({
          name: [label, ...(digital ? ['DIGITAL_DATA'] : []), ...(highRisk ? ['high-risk vendor'] : [])].join(
            ', ',
          ),
          when: {
            amounts: [{ ...band }],
            ...(digital ? { categories: ['DIGITAL_DATA' as const] } : {}),
            ...(highRisk ? { vendorRiskTiers: ['HIGH' as const] } : {}),
          },
          steps: approvers.map((approver) => ({ approver })),
        });
      }
    }
  }
  // Below 50,000.00, not DIGITAL_DATA, no high-risk vendor: what no earlier rule took.
  const plainest = rules.pop()!;
  rules.push({ name: 'Default: head of the business function', steps: plainest.steps });
  return rules;
}

export const demoApprovalPolicy: ApprovalPolicyDocumentType = {
  rules: demoRules(),
  // Small work with a vendor already approved needs no triager, when nothing was flagged.
  autoTriage: [
    {
      name: 'Below 25,000.00 with a preferred vendor',
      when: { amounts: [{ below: '25000.00' }], vendorStatuses: ['PREFERRED'] },
    },
  ],
};
