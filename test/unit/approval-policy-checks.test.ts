import { describe, expect, it } from 'vitest';
import { demoApprovalPolicy, demoApproverGroups } from '../../functions/approval-policy/demo-data.js';
import type { ApproverDirectory, ChainFacts, PolicyRuleType } from '../../functions/approval-policy/model.js';
import {
  ApproverGroupBody,
  checkedPolicyDocument,
  groupsReferencedBy,
  type KnownNames,
  policyIssues,
} from '../../functions/approval-policy/policy-checks.js';
import { resolveApprovalChain } from '../../functions/approval-policy/resolve-chain.js';
import { demoBusinessFunctions } from '../../functions/reference-data/demo-data.js';
import { ValidationError } from '../../functions/shared/errors.js';

const known: KnownNames = {
  businessFunctions: new Set(demoBusinessFunctions.map((businessFunction) => businessFunction.code)),
  groups: new Set(Object.keys(demoApproverGroups)),
};

const head = { approver: { kind: 'FUNCTION_HEAD' } } as const;
const headOf = (businessFunction: string) => ({ approver: { kind: 'HEAD_OF', businessFunction } }) as const;
const defaultRule = { name: 'Default', steps: [head] };
const fieldsOf = (input: unknown) => policyIssues(input, known).map((issue) => issue.field);

describe('the checks of an approval policy document', () => {
  it('accept the demo policy', () => {
    expect(policyIssues(demoApprovalPolicy, known)).toEqual([]);
  });

  it('list every problem of a bad policy at once', () => {
    const bad = {
      fallbackApprovers: [headOf('LEGAL').approver],
      budgetExceptionApprover: { kind: 'GROUP', group: 'TREASURY' },
      rules: [
        {
          name: 'Large',
          when: {
            amounts: [{ from: '50000.00', below: '250000.00' }, { from: '100000.00' }],
            businessFunctions: ['QA', 'PHARMACOVIGILANCE'],
          },
          steps: [head, headOf('LEGAL'), { approver: { kind: 'GROUP', group: 'AUDITORS' } }],
        },
        { name: 'Eleven steps', when: { categories: ['REGULATORY'] }, steps: Array(11).fill(head) },
        { name: 'Large', when: { amounts: [{ from: '5000.00', below: '5000.00' }] }, steps: [head] },
      ],
    };

    const issues = policyIssues(bad, known);

    expect(issues).toEqual(
      expect.arrayContaining([
        { field: 'fallbackApprovers.0.businessFunction', message: 'Unknown business function "LEGAL".' },
        {
          field: 'budgetExceptionApprover.group',
          message: expect.stringMatching(/^Unknown approver group "TREASURY"/),
        },
        {
          field: 'rules.0.when.businessFunctions.1',
          message: 'Unknown business function "PHARMACOVIGILANCE".',
        },
        { field: 'rules.0.when.amounts.1', message: expect.stringMatching(/^Overlaps amount band 0/) },
        { field: 'rules.0.steps.1.approver.businessFunction', message: 'Unknown business function "LEGAL".' },
        {
          field: 'rules.0.steps.2.approver.group',
          message: expect.stringMatching(/^Unknown approver group "AUDITORS"/),
        },
        { field: 'rules.1.steps', message: 'A rule has at most 10 steps, not 11.' },
        { field: 'rules.2.name', message: 'Rule 0 has the same name "Large".' },
        { field: 'rules.2.when.amounts.0', message: expect.stringMatching(/from \(5000.00\) must be below/) },
        { field: 'rules', message: expect.stringMatching(/^A default rule is required/) },
      ]),
    );
    expect(issues).toHaveLength(10);
  });

  it('report shape problems and reference problems together', () => {
    const input = {
      rules: [
        { name: 'Typo', when: { categories: ['CONSULTING'] }, steps: [head] },
        {
          name: 'Group',
          when: { urgencies: ['HIGH'] },
          steps: [{ approver: { kind: 'GROUP', group: 'NOBODY' } }],
        },
        defaultRule,
      ],
    };

    expect(fieldsOf(input)).toEqual(['rules.0.when.categories.0', 'rules.1.steps.0.approver.group']);
  });

  it('list every problem of the reminder and escalation settings at once, with the rest of the document', () => {
    const input = {
      followUp: {
        remindAfterBusinessDays: 2,
        maxReminders: 4,
        deadlineBusinessDays: 11,
        escalationApprover: { kind: 'HEAD_OF', businessFunction: 'LEGAL' },
      },
      rules: [
        { name: 'Escalating', steps: [{ ...head, escalationApprover: { kind: 'GROUP', group: 'NOBODY' } }] },
      ],
    };

    expect(fieldsOf(input)).toEqual([
      'followUp.maxReminders',
      'followUp.deadlineBusinessDays',
      'rules.0.steps.0.escalationApprover.group',
    ]);
  });

  it('refuse a reminder that would come at or after the deadline, and accept no reminders at all', () => {
    const late = { followUp: { remindAfterBusinessDays: 5, deadlineBusinessDays: 5 }, rules: [defaultRule] };
    const none = {
      followUp: { maxReminders: 0, remindAfterBusinessDays: 5, deadlineBusinessDays: 5 },
      rules: [defaultRule],
    };

    expect(fieldsOf(late)).toEqual(['followUp.remindAfterBusinessDays']);
    expect(fieldsOf(none)).toEqual([]);
  });

  it("resolve each step with its escalation approver: the step's own, else the policy's, else the head of STRATEGY, and the timings with their defaults", () => {
    const directory: ApproverDirectory = {
      headOf: (code) =>
        demoBusinessFunctions.find((businessFunction) => businessFunction.code === code)?.head,
      membersOf: () => undefined,
    };
    const facts: ChainFacts = {
      businessFunction: 'QA',
      category: 'REGULATORY',
      urgency: 'NORMAL',
      amount: '1000.00',
      requester: { name: 'Rita Requester', email: 'rita@techops.example' },
    };
    const rule = {
      name: 'Two',
      steps: [{ ...head, escalationApprover: headOf('FINANCE').approver }, headOf('MFG')],
    };
    const head_ = (code: string) =>
      demoBusinessFunctions.find((businessFunction) => businessFunction.code === code)?.head;

    const byDefault = resolveApprovalChain({ version: 1, document: { rules: [rule] } }, facts, directory);
    const byPolicy = resolveApprovalChain(
      {
        version: 2,
        document: {
          followUp: { escalationApprover: headOf('ENG').approver, maxReminders: 1 },
          rules: [rule],
        },
      },
      facts,
      directory,
    );

    expect(byDefault.steps.map((step) => step.escalationApprovers)).toEqual([
      [head_('FINANCE')],
      [head_('STRATEGY')],
    ]);
    expect(byDefault.followUp).toEqual({
      remindAfterBusinessDays: 2,
      maxReminders: 3,
      deadlineBusinessDays: 5,
    });
    expect(byPolicy.steps.map((step) => step.escalationApprovers)).toEqual([
      [head_('FINANCE')],
      [head_('ENG')],
    ]);
    expect(byPolicy.followUp).toEqual({
      remindAfterBusinessDays: 2,
      maxReminders: 1,
      deadlineBusinessDays: 5,
    });
  });

  it('refuse a default rule that is not last, since the rules after it are never reached', () => {
    const input = { rules: [defaultRule, { name: 'Never', when: { urgencies: ['HIGH'] }, steps: [head] }] };

    expect(policyIssues(input, known)).toEqual([
      {
        field: 'rules.0',
        message: expect.stringMatching(/must be the last rule, or rules 1 to 1 are never reached/),
      },
    ]);
  });

  it('refuse more than 100 rules', () => {
    const rules: PolicyRuleType[] = Array.from({ length: 100 }, (_, index) => ({
      name: `Rule ${index}`,
      when: { urgencies: ['HIGH'] },
      steps: [head],
    }));

    expect(policyIssues({ rules: [...rules, defaultRule] }, known)).toEqual([
      { field: 'rules', message: 'A policy has at most 100 rules, not 101.' },
    ]);
    expect(policyIssues({ rules: [...rules.slice(1), defaultRule] }, known)).toEqual([]);
  });

  it('let bands meet without overlapping, and compare amounts exactly', () => {
    const rule = (amounts: { from?: string; below?: string }[]) => ({
      rules: [{ name: 'Bands', when: { amounts }, steps: [head] }, defaultRule],
    });

    expect(fieldsOf(rule([{ below: '50000.00' }, { from: '50000' }, { from: '9.5', below: '10' }]))).toEqual([
      'rules.0.when.amounts.2',
    ]);
    expect(fieldsOf(rule([{ below: '0.0001' }, { from: '0.0001', below: '0.0002' }]))).toEqual([]);
    expect(fieldsOf(rule([{}, { from: '1.00' }]))).toEqual(['rules.0.when.amounts.1']);
  });

  it('throw one ValidationError with every problem, or give back the parsed document', () => {
    expect(checkedPolicyDocument(demoApprovalPolicy, known)).toEqual(demoApprovalPolicy);
    const error = (() => {
      try {
        checkedPolicyDocument({ rules: [{ name: 'x', when: {}, steps: [] }] }, known);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((issue) => issue.field)).toEqual([
      'rules.0.steps',
      'rules.0.when',
      'rules',
    ]);
  });

  it('name the groups a document refers to, once each, from its well-formed parts', () => {
    expect(groupsReferencedBy(demoApprovalPolicy)).toEqual(['QA_LEADS']);
    expect(
      groupsReferencedBy({
        fallbackApprovers: [{ kind: 'GROUP', group: 'DEPUTIES' }],
        rules: [{ steps: [{ approver: { kind: 'GROUP', group: 'lower case' } }, 'nonsense'] }],
      }),
    ).toEqual(['DEPUTIES']);
  });
});

describe('an approver group body', () => {
  const member = (index: number) => ({ name: `Member ${index}`, email: `member${index}@techops.example` });

  it('takes up to 20 members', () => {
    expect(
      ApproverGroupBody.safeParse({ members: Array.from({ length: 20 }, (_, i) => member(i)) }).success,
    ).toBe(true);
  });

  it('refuses 21 members and a repeated email (in any case) together', () => {
    const members = [
      ...Array.from({ length: 20 }, (_, i) => member(i)),
      { ...member(3), email: 'MEMBER3@techops.example' },
    ];

    const result = ApproverGroupBody.safeParse({ members });

    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['members', 'A group has at most 20 members, not 21.'],
      ['members.20.email', 'Member 3 has the same email.'],
    ]);
  });
});

describe('the demo policy', () => {
  const heads = new Map(
    demoBusinessFunctions.map((businessFunction) => [businessFunction.code, businessFunction.head]),
  );
  const directory: ApproverDirectory = {
    headOf: (code) => heads.get(code),
    membersOf: (group) => demoApproverGroups[group]?.members,
  };
  const facts = (amount: string, more: Partial<ChainFacts> = {}): ChainFacts => ({
    businessFunction: 'QA',
    category: 'VALIDATION_CQV',
    urgency: 'NORMAL',
    amount,
    requester: { name: 'Ana Quality', email: 'ana@techops.example' },
    ...more,
  });
  const stepsOf = (chainFacts: ChainFacts) =>
    resolveApprovalChain({ version: 1, document: demoApprovalPolicy }, chainFacts, directory).steps.map(
      (step) => step.group ?? step.approvers[0]?.name,
    );
  const highRisk = { vendor: { riskTier: 'HIGH', status: 'APPROVED' } };

  it.each([
    ['30000.00', {}, ['Dr. Ingrid Hale']],
    ['49999.99', { vendor: { riskTier: 'MEDIUM', status: 'PREFERRED' } }, ['Dr. Ingrid Hale']],
    ['50000.00', {}, ['Dr. Ingrid Hale', 'Claire Dubois']],
    ['120000.00', {}, ['Dr. Ingrid Hale', 'Claire Dubois']],
    [
      '300000.00',
      { category: 'DIGITAL_DATA' },
      ['Dr. Ingrid Hale', 'Kenji Watanabe', 'Claire Dubois', 'Samuel Adeyemi'],
    ],
    ['30000.00', highRisk, ['Dr. Ingrid Hale', 'QA_LEADS']],
    [
      '250000.00',
      { ...highRisk, category: 'DIGITAL_DATA' },
      ['Dr. Ingrid Hale', 'Kenji Watanabe', 'Claire Dubois', 'Samuel Adeyemi', 'QA_LEADS'],
    ],
  ] as [string, Partial<ChainFacts>, string[]][])('sends %s %j to %j', (amount, more, approvers) => {
    expect(stepsOf(facts(amount, more))).toEqual(approvers);
  });

  it('names its rules for what they match, the default rule last', () => {
    const names = demoApprovalPolicy.rules.map((rule) => rule.name);

    expect(names[0]).toBe('From 250,000.00, DIGITAL_DATA, high-risk vendor');
    expect(names).toContain('From 50,000.00 below 250,000.00');
    expect(names.at(-1)).toBe('Default: head of the business function');
    expect(demoApprovalPolicy.rules.at(-1)?.when).toBeUndefined();
  });
});
