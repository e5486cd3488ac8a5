import { describe, expect, it } from 'vitest';
import type {
  ApprovalPolicyDocumentType,
  ApproverDirectory,
  ChainFacts,
} from '../../functions/approval-policy/model.js';
import {
  NoEligibleApproverError,
  resolveApprovalChain,
} from '../../functions/approval-policy/resolve-chain.js';

const person = (name: string) => ({ name, email: `${name.toLowerCase()}@techops.example` });
const heads: Record<string, { name: string; email: string }> = {
  QA: person('Quinn'),
  STRATEGY: person('Claire'),
  FINANCE: person('Samuel'),
  DIGITAL: person('Kenji'),
};
const directory: ApproverDirectory = {
  headOf: (code) => heads[code],
  membersOf: (group) => (group === 'QA_LEADS' ? [person('Amara'), person('Lars')] : undefined),
};

const document: ApprovalPolicyDocumentType = {
  rules: [
    {
      name: 'Large, high-risk vendor',
      when: { amounts: [{ from: '50000.00' }], vendorRiskTiers: ['HIGH'] },
      steps: [
        { approver: { kind: 'FUNCTION_HEAD' } },
        { approver: { kind: 'HEAD_OF', businessFunction: 'STRATEGY' } },
        { approver: { kind: 'GROUP', group: 'QA_LEADS' } },
      ],
    },
    {
      name: 'From 50,000.00',
      when: { amounts: [{ from: '50000.00', below: '250000.00' }, { from: '250000.00' }] },
      steps: [
        { approver: { kind: 'FUNCTION_HEAD' } },
        { name: 'Strategy sign-off', approver: { kind: 'HEAD_OF', businessFunction: 'STRATEGY' } },
      ],
    },
    { name: 'Default', steps: [{ approver: { kind: 'FUNCTION_HEAD' } }] },
  ],
};
const policy = { version: 7, document };

const facts = (overrides: Partial<ChainFacts> = {}): ChainFacts => ({
  businessFunction: 'QA',
  category: 'VALIDATION_CQV',
  urgency: 'NORMAL',
  amount: '30000.00',
  requester: person('Rita'),
  ...overrides,
});

describe('resolving an approval chain from the policy', () => {
  it('takes the first rule that matches and says why', () => {
    const chain = resolveApprovalChain(policy, facts({ amount: '120000.00' }), directory);

    expect(chain.policyVersion).toBe(7);
    expect(chain.rule).toEqual({ index: 1, name: 'From 50,000.00' });
    expect(chain.why).toEqual(['amount 120000.00 is from 50000.00 to below 250000.00']);
    expect(chain.steps.map((step) => [step.step, step.name, step.approvers])).toEqual([
      [1, 'Head of QA', [heads.QA]],
      [2, 'Strategy sign-off', [heads.STRATEGY]],
    ]);
  });

  it('includes a band start and excludes its end, exactly', () => {
    expect(resolveApprovalChain(policy, facts({ amount: '49999.99' }), directory).rule.name).toBe('Default');
    expect(resolveApprovalChain(policy, facts({ amount: '50000' }), directory).rule.name).toBe(
      'From 50,000.00',
    );
  });

  it('falls to the default rule when nothing else matches', () => {
    const chain = resolveApprovalChain(policy, facts(), directory);

    expect(chain.rule).toEqual({ index: 2, name: 'Default' });
    expect(chain.why).toEqual(['the default rule: no earlier rule matched']);
    expect(chain.steps).toHaveLength(1);
  });

  it('matches vendor conditions only when the request names a vendor that meets them', () => {
    const withoutVendor = resolveApprovalChain(policy, facts({ amount: '60000.00' }), directory);
    const highRisk = resolveApprovalChain(
      policy,
      facts({ amount: '60000.00', vendor: { riskTier: 'HIGH', status: 'APPROVED' } }),
      directory,
    );

    expect(withoutVendor.rule.index).toBe(1);
    expect(highRisk.rule.index).toBe(0);
    expect(highRisk.steps[2]).toMatchObject({
      group: 'QA_LEADS',
      approvers: [person('Amara'), person('Lars')],
    });
  });

  it('sends a step that would go to the requester to the fallback approver', () => {
    const chain = resolveApprovalChain(policy, facts({ requester: heads.QA }), directory);

    expect(chain.steps[0]).toMatchObject({ approvers: [heads.STRATEGY], reassignedFrom: heads.QA });
    expect(chain.steps[0]?.reassignedReason).toContain('segregation of duties');
  });

  it('leaves the requester out of a group and keeps the other members', () => {
    const chain = resolveApprovalChain(
      policy,
      facts({
        amount: '60000.00',
        requester: person('Lars'),
        vendor: { riskTier: 'HIGH', status: 'APPROVED' },
      }),
      directory,
    );

    expect(chain.steps[2]?.approvers).toEqual([person('Amara')]);
  });

  it('skips a step whose only approver already approves an earlier step, and says so', () => {
    const chain = resolveApprovalChain(
      policy,
      facts({ businessFunction: 'STRATEGY', amount: '120000.00' }),
      directory,
    );

    expect(chain.steps[0]?.skippedReason).toBeUndefined();
    expect(chain.steps[1]?.skippedReason).toBe('Claire already approves an earlier step of this chain.');
  });

  it('goes past a fallback approver who is the requester too', () => {
    const chain = resolveApprovalChain(
      {
        version: 1,
        document: {
          rules: [
            { name: 'Strategy', steps: [{ approver: { kind: 'HEAD_OF', businessFunction: 'STRATEGY' } }] },
          ],
        },
      },
      facts({ requester: heads.STRATEGY }),
      directory,
    );

    expect(chain.steps[0]?.approvers).toEqual([heads.FINANCE]);
  });

  it('refuses when a step names a business function that is not in the reference data', () => {
    const broken = {
      version: 1,
      document: {
        rules: [
          { name: 'Default', steps: [{ approver: { kind: 'HEAD_OF' as const, businessFunction: 'LEGAL' } }] },
        ],
      },
    };

    expect(() => resolveApprovalChain(broken, facts(), directory)).toThrow(NoEligibleApproverError);
  });
});
