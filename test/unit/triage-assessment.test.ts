import { describe, expect, it } from 'vitest';
import { ASSESSMENT_FLAG_SENTENCES, type AssessmentFlag } from '../../functions/shared/triage-assessment.js';
import {
  type AssessedRequest,
  type AssessmentFacts,
  assessmentOf,
  budgetHeadroom,
  type OtherRequest,
  possibleDuplicates,
  suggestedInternalCapabilities,
  vendorFit,
} from '../../functions/triage/assessment.js';
import type { InternalCapability } from '../../functions/triage/model.js';
import type { Contract } from '../../functions/vendors/model.js';
import { NO_REVIEWS } from '../../functions/vendors/review-totals.js';

const usd = (minor: number) => ({ minor, currency: 'USD' });
const person = { sub: 's', name: 'Someone', email: 'someone@techops.example' };

const request: AssessedRequest = {
  id: 'req_02',
  businessFunction: 'QA',
  fiscalYear: 'FY2027',
  category: 'VALIDATION_CQV',
  estimatedCost: usd(4_000_000),
  startDate: '2027-03-01',
  endDate: '2027-05-31',
  preferredVendorId: 'ven_1',
};

/** A line with 100,000.00 allocated, 30,000.00 committed and consumed: 70,000.00 available. */
const line = {
  allocated: 10_000_000,
  committed: 3_000_000,
  consumed: 3_000_000,
  available: 7_000_000,
  currency: 'USD',
};

const other = (overrides: Partial<OtherRequest> = {}): OtherRequest => ({
  id: 'req_01',
  title: 'Earlier CQV support',
  status: 'IN_APPROVAL',
  fiscalYear: 'FY2027',
  category: 'VALIDATION_CQV',
  estimatedCost: usd(1_000_000),
  startDate: '2027-09-01',
  endDate: '2027-10-31',
  ...overrides,
});

const contract = (type: Contract['type'], effectiveDate: string, expiryDate: string): Contract => ({
  id: `con_${type}`,
  vendorId: 'ven_1',
  type,
  reference: `${type}-1`,
  effectiveDate,
  expiryDate,
  documentUri: 'contracts/x.pdf',
  addedBy: person,
  addedAt: '2026-01-01T00:00:00.000Z',
});

/** A vendor that fits: approved, covers CQV, reviewed well, MSA and NDA in effect, a rate card. */
const fittingVendor = {
  vendor: {
    id: 'ven_1',
    displayName: 'Acme Validation',
    status: 'APPROVED' as const,
    capabilities: ['VALIDATION_CQV' as const],
    reviewTotals: { count: 1, sums: { quality: 4, timeliness: 4, valueForMoney: 4, communication: 4 } },
  },
  contracts: [contract('MSA', '2026-01-01', '2028-12-31'), contract('NDA', '2026-01-01', '2028-12-31')],
  rateCard: [
    {
      role: 'Validation engineer',
      roleKey: 'validation engineer',
      revision: 1,
      rates: [
        {
          id: 'rat_1',
          unit: 'DAY' as const,
          rate: usd(120_000),
          validFrom: '2027-01-01',
          addedBy: person,
          addedAt: '2026-01-01T00:00:00.000Z',
        },
      ],
    },
  ],
};

const capability = (id: string, categories: InternalCapability['categories']): InternalCapability => ({
  id,
  name: `Team ${id}`,
  owner: { name: 'Owner', email: 'owner@techops.example' },
  categories,
  version: 1,
  updatedAt: '2026-01-01T00:00:00.000Z',
  updatedBy: person,
});

const read = <T>(value: T) => ({ read: true as const, value });
const now = new Date('2026-12-07T13:14:00.000Z');

describe('budget headroom', () => {
  it('is what is available less the pipeline and the request, in exact minor units', () => {
    const pipeline = [
      other({ estimatedCost: usd(1_000_001) }),
      other({ id: 'req_00', estimatedCost: usd(999_999) }),
    ];

    const { part, flags } = budgetHeadroom(request, line, pipeline);

    expect(part).toMatchObject({
      allocated: { amount: '100000.00', currency: 'USD' },
      committed: { amount: '30000.00', currency: 'USD' },
      available: { amount: '70000.00', currency: 'USD' },
      pipeline: { amount: '20000.00', currency: 'USD' },
      pipelineRequests: 2,
      requested: { amount: '40000.00', currency: 'USD' },
      remainingAfter: { amount: '10000.00', currency: 'USD' },
      fits: true,
    });
    expect(flags).toEqual([]);
  });

  it('fits exactly when nothing would remain', () => {
    const { part, flags } = budgetHeadroom(request, line, [other({ estimatedCost: usd(3_000_000) })]);

    expect(part.remainingAfter).toEqual({ amount: '0.00', currency: 'USD' });
    expect(part.fits).toBe(true);
    expect(flags).toEqual([]);
  });

  it('flags OVER_HEADROOM when the pipeline leaves too little for the request, by one cent', () => {
    const { part, flags } = budgetHeadroom(request, line, [other({ estimatedCost: usd(3_000_001) })]);

    expect(part.remainingAfter).toEqual({ amount: '-0.01', currency: 'USD' });
    expect(part.fits).toBe(false);
    expect(flags).toEqual(['OVER_HEADROOM']);
  });

  it('leaves the request itself, other fiscal years and other currencies out of the pipeline', () => {
    const undecided = [
      other({ id: request.id, estimatedCost: usd(4_000_000) }),
      other({ id: 'req_a', fiscalYear: 'FY2028', estimatedCost: usd(9_000_000) }),
      other({ id: 'req_b', estimatedCost: { minor: 9_000_000, currency: 'EUR' } }),
    ];

    const { part } = budgetHeadroom(request, line, undecided);

    expect(part.pipeline).toEqual({ amount: '0.00', currency: 'USD' });
    expect(part.pipelineRequests).toBe(0);
  });

  it('flags NO_BUDGET_LINE, and only that, when the business function has no line', () => {
    const { part, flags } = budgetHeadroom(request, undefined, []);

    expect(flags).toEqual(['NO_BUDGET_LINE']);
    expect(part).toMatchObject({
      allocated: { amount: '0.00' },
      fits: false,
      remainingAfter: { amount: '-40000.00' },
    });
  });

  it('flags NO_BUDGET_LINE when the line has nothing allocated (all transferred away)', () => {
    const empty = { allocated: 0, committed: 0, consumed: 0, available: 0, currency: 'USD' };

    expect(budgetHeadroom(request, empty, []).flags).toEqual(['NO_BUDGET_LINE']);
  });

  it('flags BUDGET_CURRENCY_MISMATCH for a request in another currency than its line, without a remainder', () => {
    const inEuro = { ...request, estimatedCost: { minor: 100, currency: 'EUR' } };

    const { part, flags } = budgetHeadroom(inEuro, line, []);

    expect(flags).toEqual(['BUDGET_CURRENCY_MISMATCH']);
    expect(part.remainingAfter).toBeUndefined();
    expect(part.fits).toBe(false);
  });
});

describe('vendor fit', () => {
  it('raises nothing for an approved vendor that covers the category, with contracts, rates and good reviews', () => {
    const { part, flags } = vendorFit(request, fittingVendor);

    expect(flags).toEqual([]);
    expect(part).toMatchObject({
      status: 'APPROVED',
      coversCategory: true,
      reviews: { count: 1, averageScore: 4, threshold: 3 },
      msa: { valid: true, reference: 'MSA-1', expiryDate: '2028-12-31' },
      nda: { valid: true },
      hasRateCard: true,
    });
  });

  it.each([['PROSPECT'], ['ONBOARDING']] as const)(
    'flags VENDOR_NOT_YET_APPROVED for a %s vendor',
    (status) => {
      const vendor = { ...fittingVendor, vendor: { ...fittingVendor.vendor, status } };

      expect(vendorFit(request, vendor).flags).toEqual(['VENDOR_NOT_YET_APPROVED']);
    },
  );

  it('raises no status flag for a PREFERRED vendor', () => {
    const vendor = { ...fittingVendor, vendor: { ...fittingVendor.vendor, status: 'PREFERRED' as const } };

    expect(vendorFit(request, vendor).flags).toEqual([]);
  });

  it('flags VENDOR_CAPABILITY_MISMATCH when its capabilities miss the category', () => {
    const vendor = {
      ...fittingVendor,
      vendor: { ...fittingVendor.vendor, capabilities: ['REGULATORY' as const] },
    };

    const { part, flags } = vendorFit(request, vendor);

    expect(flags).toEqual(['VENDOR_CAPABILITY_MISMATCH']);
    expect(part.coversCategory).toBe(false);
  });

  it('flags VENDOR_LOW_REVIEW_SCORE below an average of 3.0, not at it, and not without reviews', () => {
    const reviewed = (sum: number) => ({
      ...fittingVendor,
      vendor: {
        ...fittingVendor.vendor,
        reviewTotals: {
          count: 2,
          sums: { quality: sum, timeliness: sum, valueForMoney: sum, communication: sum },
        },
      },
    });
    const unreviewed = { ...fittingVendor, vendor: { ...fittingVendor.vendor, reviewTotals: NO_REVIEWS } };

    expect(vendorFit(request, reviewed(5)).flags).toEqual(['VENDOR_LOW_REVIEW_SCORE']);
    expect(vendorFit(request, reviewed(5)).part.reviews.averageScore).toBe(2.5);
    expect(vendorFit(request, reviewed(6)).flags).toEqual([]);
    expect(vendorFit(request, unreviewed).flags).toEqual([]);
    expect(vendorFit(request, unreviewed).part.reviews).toEqual({ count: 0, threshold: 3 });
  });

  it('flags VENDOR_NO_VALID_MSA when the MSA expires before the start date', () => {
    const vendor = {
      ...fittingVendor,
      contracts: [contract('MSA', '2024-01-01', '2027-02-28'), contract('NDA', '2026-01-01', '2028-12-31')],
    };

    const { part, flags } = vendorFit(request, vendor);

    expect(flags).toEqual(['VENDOR_NO_VALID_MSA']);
    expect(part.msa).toEqual({ valid: false });
  });

  it('flags VENDOR_NO_VALID_NDA when the NDA only takes effect after the start date', () => {
    const vendor = {
      ...fittingVendor,
      contracts: [contract('MSA', '2026-01-01', '2028-12-31'), contract('NDA', '2027-03-02', '2028-12-31')],
    };

    expect(vendorFit(request, vendor).flags).toEqual(['VENDOR_NO_VALID_NDA']);
  });

  it('counts a contract valid on the start date itself (both ends inclusive)', () => {
    const vendor = {
      ...fittingVendor,
      contracts: [contract('MSA', '2027-03-01', '2027-03-01'), contract('NDA', '2020-01-01', '2027-03-01')],
    };

    expect(vendorFit(request, vendor).flags).toEqual([]);
  });

  it('flags VENDOR_NO_RATE_CARD without a rate valid on the start date', () => {
    const [role] = fittingVendor.rateCard;
    const expired = {
      ...fittingVendor,
      rateCard: [{ ...role!, rates: [{ ...role!.rates[0]!, validTo: '2027-02-28' }] }],
    };
    const none = { ...fittingVendor, rateCard: [] };

    expect(vendorFit(request, expired).flags).toEqual(['VENDOR_NO_RATE_CARD']);
    expect(vendorFit(request, none).flags).toEqual(['VENDOR_NO_RATE_CARD']);
  });
});

describe('internal capabilities', () => {
  it('suggests the teams covering the category, and only those', () => {
    const teams = [
      capability('CQV_TEAM', ['VALIDATION_CQV']),
      capability('DATA_OFFICE', ['DIGITAL_DATA']),
      capability('ENGINEERING_POOL', ['PROCESS_ENGINEERING', 'VALIDATION_CQV']),
    ];

    const suggested = suggestedInternalCapabilities(request, teams);

    expect(suggested.map((team) => team.id)).toEqual(['CQV_TEAM', 'ENGINEERING_POOL']);
    expect(suggested[0]).toEqual({
      id: 'CQV_TEAM',
      name: 'Team CQV_TEAM',
      owner: { name: 'Owner', email: 'owner@techops.example' },
      categories: ['VALIDATION_CQV'],
    });
  });
});

describe('possible duplicates', () => {
  it('lists requests of the same category with the same vendor or overlapping dates, newest first, and flags them', () => {
    const undecided = [
      other({ id: 'req_a', preferredVendorId: 'ven_1' }),
      other({ id: 'req_b', startDate: '2027-05-31', endDate: '2027-07-31' }),
      other({ id: 'req_c', startDate: '2027-06-01', endDate: '2027-07-31' }),
      other({ id: 'req_d', category: 'REGULATORY', startDate: '2027-03-01', endDate: '2027-05-31' }),
      other({ id: request.id, startDate: request.startDate, endDate: request.endDate }),
    ];

    const { part, flags } = possibleDuplicates(request, undecided);

    expect(part).toEqual([
      { id: 'req_b', title: 'Earlier CQV support', status: 'IN_APPROVAL', matchedOn: ['OVERLAPPING_DATES'] },
      { id: 'req_a', title: 'Earlier CQV support', status: 'IN_APPROVAL', matchedOn: ['SAME_VENDOR'] },
    ]);
    expect(flags).toEqual(['POSSIBLE_DUPLICATE']);
  });

  it('does not match two requests that name no vendor on their vendor', () => {
    const withoutVendor = { ...request, preferredVendorId: undefined };

    expect(possibleDuplicates(withoutVendor, [other()]).flags).toEqual([]);
  });
});

describe('the whole assessment', () => {
  const facts = (overrides: Partial<AssessmentFacts> = {}): AssessmentFacts => ({
    budgetLines: read({ FY2027: line }),
    undecidedRequests: read([]),
    vendor: read(fittingVendor),
    internalCapabilities: read([capability('CQV_TEAM', ['VALIDATION_CQV'])]),
    ...overrides,
  });

  it('raises no flag for a request that fits, with a fitting vendor, and still suggests the internal team', () => {
    const assessment = assessmentOf(request, facts(), now);

    expect(assessment.assessedAt).toBe('2026-12-07T13:14:00.000Z');
    expect(assessment.flags).toEqual([]);
    expect(assessment.incomplete).toBeUndefined();
    expect(assessment.budget?.fits).toBe(true);
    expect(assessment.vendor?.id).toBe('ven_1');
    expect(assessment.internalCapabilities.map((team) => team.id)).toEqual(['CQV_TEAM']);
    expect(assessment.possibleDuplicates).toEqual([]);
  });

  it('gathers the flags of every part, each with its sentence', () => {
    const assessment = assessmentOf(
      request,
      facts({
        budgetLines: read({ FY2027: undefined }),
        undecidedRequests: read([other({ id: 'req_a', preferredVendorId: 'ven_1' })]),
        vendor: read({ ...fittingVendor, vendor: { ...fittingVendor.vendor, status: 'ONBOARDING' } }),
      }),
      now,
    );

    expect(assessment.flags).toEqual([
      { code: 'NO_BUDGET_LINE', message: ASSESSMENT_FLAG_SENTENCES.NO_BUDGET_LINE },
      { code: 'VENDOR_NOT_YET_APPROVED', message: ASSESSMENT_FLAG_SENTENCES.VENDOR_NOT_YET_APPROVED },
      { code: 'POSSIBLE_DUPLICATE', message: ASSESSMENT_FLAG_SENTENCES.POSSIBLE_DUPLICATE },
    ]);
  });

  it("checks each fiscal year's part of a multi-year request on its own line, the pipeline counting only that year's parts", () => {
    const phased: AssessedRequest = {
      ...request,
      startDate: '2027-11-01',
      endDate: '2028-02-28',
      phasing: {
        basis: 'PRO_RATA_BY_DAYS',
        parts: [
          { fiscalYear: 'FY2027', amount: usd(2_000_000), days: 61 },
          { fiscalYear: 'FY2028', amount: usd(2_000_000), days: 59 },
        ],
      },
    };
    // Another multi-year request asks 500,000.00 of FY2028 only.
    const otherPhased = other({
      fiscalYear: 'FY2027',
      estimatedCost: usd(50_100_000),
      phasing: {
        basis: 'STATED',
        parts: [
          { fiscalYear: 'FY2027', amount: usd(100_000), days: 10 },
          { fiscalYear: 'FY2028', amount: usd(50_000_000), days: 10 },
        ],
      },
    });

    const assessment = assessmentOf(
      phased,
      facts({
        budgetLines: read({ FY2027: line, FY2028: line }),
        undecidedRequests: read([otherPhased]),
        vendor: read(fittingVendor),
      }),
      now,
    );

    expect(
      assessment.budgetByYear?.map((year) => [year.fiscalYear, year.pipeline.amount, year.fits]),
    ).toEqual([
      ['FY2027', '1000.00', true],
      ['FY2028', '500000.00', false],
    ]);
    expect(assessment.budget?.fiscalYear).toBe('FY2027');
    expect(assessment.budget?.requested.amount).toBe('20000.00');
    expect(assessment.flags.map((flag) => flag.code)).toContain('OVER_HEADROOM');
  });

  it('has no vendor part when the request names no vendor', () => {
    const { vendor, ...rest } = facts();

    const assessment = assessmentOf({ ...request, preferredVendorId: undefined }, rest, now);

    expect(assessment.vendor).toBeUndefined();
    expect(assessment.flags).toEqual([]);
  });

  it('lists a source that could not be read as incomplete, flags ASSESSMENT_INCOMPLETE and keeps the other parts', () => {
    const assessment = assessmentOf(
      request,
      facts({ vendor: { read: false, reason: 'The preferred vendor could not be read: TimeoutError' } }),
      now,
    );

    expect(assessment.incomplete).toEqual([
      { source: 'VENDOR', reason: 'The preferred vendor could not be read: TimeoutError' },
    ]);
    expect(assessment.flags.map((flag) => flag.code)).toEqual(['ASSESSMENT_INCOMPLETE']);
    expect(assessment.vendor).toBeUndefined();
    expect(assessment.budget?.fits).toBe(true);
  });

  it('leaves the headroom out when the pipeline could not be read, rather than overstate it', () => {
    const assessment = assessmentOf(
      request,
      facts({ undecidedRequests: { read: false, reason: 'down' } }),
      now,
    );

    expect(assessment.budget).toBeUndefined();
    expect(assessment.incomplete?.map((part) => part.source)).toEqual(['REQUESTS']);
    expect(assessment.possibleDuplicates).toEqual([]);
  });

  it('has a sentence for every flag', () => {
    for (const [code, sentence] of Object.entries(ASSESSMENT_FLAG_SENTENCES) as [AssessmentFlag, string][]) {
      expect(sentence, code).toMatch(/^[A-Z].+\.$/);
    }
    expect(ASSESSMENT_FLAG_SENTENCES.VENDOR_LOW_REVIEW_SCORE).toContain('below 3.0 of 5');
  });
});
