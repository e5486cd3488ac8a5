import { describe, expect, it } from 'vitest';
import { demoApprovalPolicy, demoApproverGroups } from '../../functions/approval-policy/demo-data.js';
import type { ChainFacts } from '../../functions/approval-policy/model.js';
import { type KnownNames, policyIssues } from '../../functions/approval-policy/policy-checks.js';
import { outcomeEmail, triageRows } from '../../functions/approvals/emails.js';
import { demoBusinessFunctions } from '../../functions/reference-data/demo-data.js';
import { type ConsultancyRequest, toResource } from '../../functions/requests/model.js';
import { secondsInTriage } from '../../functions/shared/request-triage.js';
import { flagOf, type TriageAssessmentType } from '../../functions/shared/triage-assessment.js';
import { autoTriageMatch } from '../../functions/triage/auto-triage.js';

const facts: ChainFacts = {
  businessFunction: 'QA',
  category: 'VALIDATION_CQV',
  urgency: 'NORMAL',
  amount: '20000.00',
  requester: { name: 'Rita Requester', email: 'rita@techops.example' },
  vendor: { riskTier: 'LOW', status: 'PREFERRED' },
};

const assessment = (flags: TriageAssessmentType['flags'] = []): TriageAssessmentType => ({
  assessedAt: '2026-12-01T09:00:00.000Z',
  flags,
  internalCapabilities: [],
  possibleDuplicates: [],
});

const rules = demoApprovalPolicy.autoTriage;

describe('auto-triage by the demo policy', () => {
  it('accepts a small request with a preferred vendor and nothing flagged, saying why', () => {
    expect(autoTriageMatch(rules, facts, assessment())).toEqual({
      rule: 'Below 25,000.00 with a preferred vendor',
      why: [
        'amount 20000.00 is below 25000.00',
        "the preferred vendor's status is PREFERRED",
        'the triage assessment raised no flag',
      ],
    });
  });

  it.each([
    ['a flag was raised', facts, assessment([flagOf('POSSIBLE_DUPLICATE')])],
    ['there is no assessment', facts, undefined],
    ['the amount is 25,000.00', { ...facts, amount: '25000.00' }, assessment()],
    [
      'the vendor is only APPROVED',
      { ...facts, vendor: { riskTier: 'LOW', status: 'APPROVED' } },
      assessment(),
    ],
    ['no vendor is named', { ...facts, vendor: undefined }, assessment()],
  ])('leaves it to a triager when %s', (_, requestFacts, requestAssessment) => {
    expect(autoTriageMatch(rules, requestFacts, requestAssessment)).toBeUndefined();
  });
});

describe('the checks of auto-triage rules', () => {
  const known: KnownNames = {
    businessFunctions: new Set(demoBusinessFunctions.map((businessFunction) => businessFunction.code)),
    groups: new Set(Object.keys(demoApproverGroups)),
  };
  const withAutoTriage = (autoTriage: unknown) => ({ ...demoApprovalPolicy, autoTriage });

  it('accept the demo rules', () => {
    expect(policyIssues(demoApprovalPolicy, known)).toEqual([]);
  });

  it('list every problem at once: no condition, an unknown business function, a duplicate name', () => {
    const issues = policyIssues(
      withAutoTriage([
        { name: 'Everything', when: {} },
        { name: 'Small', when: { businessFunctions: ['NOWHERE'], amounts: [{ below: '1000.00' }] } },
        { name: 'Small', when: { urgencies: ['LOW'] } },
        { name: 'No when' },
      ]),
      known,
    );

    expect(issues).toEqual([
      { field: 'autoTriage.3.when', message: expect.any(String) },
      {
        field: 'autoTriage.0.when',
        message:
          'An auto-triage rule needs at least one condition: an empty "when" would accept every request.',
      },
      { field: 'autoTriage.1.when.businessFunctions.0', message: 'Unknown business function "NOWHERE".' },
      { field: 'autoTriage.2.name', message: 'Auto-triage rule 1 has the same name "Small".' },
    ]);
  });
});

const request: ConsultancyRequest = {
  id: 'req_01jtriage0000000000000000',
  title: 'CQV support',
  businessFunction: 'QA',
  category: 'VALIDATION_CQV',
  description: 'd',
  justification: 'j',
  estimatedCost: { minor: 4_500_000, currency: 'USD' },
  startDate: '2027-02-01',
  endDate: '2027-06-30',
  urgency: 'HIGH',
  fiscalYear: 'FY2027',
  status: 'IN_TRIAGE',
  requester: { sub: 'rita', name: 'Rita Requester', email: 'rita@techops.example' },
  triage: {
    round: 1,
    askedAt: '2026-12-01T09:00:00.000Z',
    triagers: [{ name: 'Claire Dubois', email: 'claire.dubois@techops.example' }],
  },
  triageTaskToken: 'secret-token',
  createdAt: '2026-12-01T09:00:00.000Z',
  updatedAt: '2026-12-01T09:00:00.000Z',
  version: 2,
};

describe('a request in triage, as callers see it', () => {
  it('waits on its triagers, shows the time in triage, and never its task token', () => {
    const resource = toResource(request, new Date('2026-12-03T10:30:00.000Z'));

    expect(resource.waitingOn).toEqual([{ name: 'Claire Dubois', email: 'claire.dubois@techops.example' }]);
    expect(resource.triage?.secondsInTriage).toBe(2 * 86_400 + 5_400);
    expect(JSON.stringify(resource)).not.toContain('secret-token');
  });

  it('waits on its requester while triage asks for information', () => {
    const resource = toResource({ ...request, status: 'NEEDS_INFO' });

    expect(resource.waitingOn).toEqual([{ name: 'Rita Requester', email: 'rita@techops.example' }]);
  });

  it('counts the time in triage up to the decision once decided', () => {
    expect(secondsInTriage({ ...request.triage!, decidedAt: '2026-12-01T10:00:00.000Z' }, new Date())).toBe(
      3_600,
    );
    expect(secondsInTriage({ round: 1 }, new Date())).toBeUndefined();
  });
});

describe('what triage tells people, in words', () => {
  it("shows the approver the triager's decision, priority, note and corrected category", () => {
    expect(
      triageRows({
        round: 1,
        outcome: 'ACCEPT',
        decidedAt: '2026-12-07T13:14:05.123Z',
        decidedBy: { sub: 'claire', name: 'Claire Dubois', email: 'claire.dubois@techops.example' },
        note: 'Buy it: no capacity inside.',
        priority: 'P2',
        categoryCorrectedFrom: 'REGULATORY',
      }),
    ).toEqual([
      ['Triage', 'Accepted by Claire Dubois on 7 December 2026, 13:14 UTC, priority P2.'],
      ["Triager's note", 'Buy it: no capacity inside.'],
      ['Category corrected', 'from Regulatory'],
    ]);
  });

  it('asks the requester its questions and says how to answer', () => {
    const email = outcomeEmail(
      request.requester,
      { requestId: request.id, title: request.title, estimatedCost: request.estimatedCost },
      'NEEDS_INFO',
      {
        decidedBy: { name: 'Claire Dubois', email: 'claire.dubois@techops.example' },
        comment: 'Before we buy this:',
        triage: { round: 1, outcome: 'NEEDS_INFO', questions: ['Which lines?', 'Why now?'] },
      },
    );

    expect(email.subject).toBe('Your request needs more information: CQV support');
    expect(email.text).toContain('1. Which lines?\n2. Why now?');
    expect(email.text).toContain(`POST /requests/${request.id}/resubmit`);
  });
});
