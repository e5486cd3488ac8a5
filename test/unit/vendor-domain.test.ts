import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../functions/shared/errors.js';
import { addDays, daysBetween } from '../../functions/vendors/dates.js';
import { digestEmail, digestsByOwner } from '../../functions/vendors/digest-email.js';

import { allowedTransitions, transition } from '../../functions/vendors/lifecycle.js';
import {
  AddContractBody,
  AddRateBody,
  CreateVendorBody,
  type ExpiringContract,
  UpdateVendorBody,
  type Vendor,
} from '../../functions/vendors/model.js';
import {
  normalizeLegalName,
  normalizeTaxId,
  searchableName,
  sortNameOf,
} from '../../functions/vendors/names.js';
import { overlapIssues, overlaps, rateAsOf, roleKeyOf } from '../../functions/vendors/rate-card.js';
import { addReview, averagesOf, NO_REVIEWS } from '../../functions/vendors/review-totals.js';

const rate = (id: string, validFrom: string, validTo?: string) => ({
  id,
  unit: 'DAY' as const,
  rate: { minor: 100_000, currency: 'EUR' },
  validFrom,
  ...(validTo ? { validTo } : {}),
  addedBy: { sub: 's', name: 'n', email: 'e@x.example' },
  addedAt: '2026-01-01T00:00:00.000Z',
});

describe('normalized names', () => {
  it.each([
    ['Müller & Söhne Validation GmbH', 'muller and sohne validation'],
    ['MULLER AND SOHNE VALIDATION ag.', 'muller and sohne validation'],
    ['  Acme,  Inc. ', 'acme'],
    ['Limited Ideas Ltd', 'limited ideas'],
  ])('reads legal name %j as %j', (legalName, normalized) => {
    expect(normalizeLegalName(legalName)).toBe(normalized);
  });

  it('reads tax ids without case, spaces or punctuation', () => {
    expect(normalizeTaxId('CHE-123.456 789')).toBe(normalizeTaxId('che123456789'));
  });

  it('sorts display names case- and accent-insensitively, made unique by id', () => {
    expect(searchableName('  Élan   Consulting')).toBe('elan consulting');
    expect(sortNameOf({ displayName: 'Élan', id: 'ven_1' })).toBe('elan#ven_1');
  });
});

describe('the vendor lifecycle', () => {
  const vendor = (status: Vendor['status'], heldFrom?: Vendor['status']) =>
    ({ status, ...(heldFrom ? { heldFrom } : {}) }) as Vendor;

  it.each([
    ['PROSPECT', undefined, ['ONBOARDING', 'ON_HOLD', 'OFFBOARDED']],
    ['ONBOARDING', undefined, ['APPROVED', 'ON_HOLD', 'OFFBOARDED']],
    ['APPROVED', undefined, ['PREFERRED', 'ON_HOLD', 'OFFBOARDED']],
    ['PREFERRED', undefined, ['APPROVED', 'ON_HOLD', 'OFFBOARDED']],
    ['ON_HOLD', 'APPROVED', ['APPROVED', 'OFFBOARDED']],
    ['OFFBOARDED', undefined, []],
  ] as const)('allows %s (held from %s) to become %j', (status, heldFrom, allowed) => {
    expect(allowedTransitions(vendor(status, heldFrom))).toEqual(allowed);
  });

  it('remembers where a vendor was put on hold from, and forgets it on return', () => {
    const held = transition(vendor('PREFERRED'), 'ON_HOLD', 'Audit');

    expect(held).toEqual({ status: 'ON_HOLD', statusReason: 'Audit', heldFrom: 'PREFERRED' });
    expect(transition(vendor('ON_HOLD', 'PREFERRED'), 'PREFERRED', undefined)).toEqual({
      status: 'PREFERRED',
      statusReason: undefined,
      heldFrom: undefined,
    });
  });

  it('refuses an illegal transition naming the allowed ones', () => {
    expect(() => transition(vendor('PROSPECT'), 'APPROVED', undefined)).toThrow(ConflictError);
    expect(() => transition(vendor('PROSPECT'), 'APPROVED', undefined)).toThrow(
      /allowed: ONBOARDING, ON_HOLD/,
    );
  });
});

describe('rate cards', () => {
  it('treats periods as inclusive and an absent end as open', () => {
    expect(overlaps(rate('a', '2026-01-01', '2026-06-30'), rate('b', '2026-06-30'))).toBe(true);
    expect(overlaps(rate('a', '2026-01-01', '2026-06-30'), rate('b', '2026-07-01'))).toBe(false);
    expect(overlaps(rate('a', '2026-01-01'), rate('b', '2030-01-01', '2030-02-01'))).toBe(true);
  });

  it('names every rate an added one overlaps', () => {
    const existing = [rate('rat_a', '2026-01-01', '2026-03-31'), rate('rat_b', '2026-04-01')];

    const issues = overlapIssues(existing, { validFrom: '2026-03-01', validTo: '2026-05-01' });

    expect(issues.map((issue) => issue.message)).toEqual([
      expect.stringContaining('rat_a'),
      expect.stringContaining('rat_b'),
    ]);
  });

  it('answers the rate valid on a date, if any', () => {
    const rates = [rate('old', '2025-01-01', '2025-12-31'), rate('new', '2026-01-01')];

    expect(rateAsOf(rates, '2025-12-31')?.id).toBe('old');
    expect(rateAsOf(rates, '2031-01-01')?.id).toBe('new');
    expect(rateAsOf(rates, '2024-12-31')).toBeUndefined();
  });

  it('matches roles regardless of case and spacing', () => {
    expect(roleKeyOf(' Senior  Validation Engineer')).toBe(roleKeyOf('senior validation engineer'));
  });
});

describe('review averages', () => {
  const scores = (quality: number, timeliness: number, valueForMoney: number, communication: number) => ({
    quality,
    timeliness,
    valueForMoney,
    communication,
  });

  it('has none without reviews', () => {
    expect(averagesOf(NO_REVIEWS)).toBeUndefined();
  });

  it('rounds half up to two decimals from exact integer sums', () => {
    let totals = NO_REVIEWS;
    for (const review of [scores(5, 4, 3, 5), scores(4, 4, 4, 4), scores(4, 5, 3, 3)]) {
      totals = addReview(totals, review);
    }

    expect(totals).toEqual({
      count: 3,
      sums: { quality: 13, timeliness: 13, valueForMoney: 10, communication: 12 },
    });
    expect(averagesOf(totals)).toEqual({
      overall: 4,
      quality: 4.33,
      timeliness: 4.33,
      valueForMoney: 3.33,
      communication: 4,
    });
    expect(
      averagesOf({ count: 8, sums: { quality: 21, timeliness: 8, valueForMoney: 8, communication: 8 } })
        ?.quality,
    ).toBe(2.63);
  });

  it('stays exact over many reviews', () => {
    let totals = NO_REVIEWS;
    for (let index = 0; index < 10_000; index++) totals = addReview(totals, scores(1 + (index % 5), 3, 3, 3));

    expect(averagesOf(totals)?.quality).toBe(3);
  });
});

describe('vendor schemas', () => {
  const valid = {
    legalName: 'Acme Validation GmbH',
    displayName: 'Acme',
    headquartersCountry: 'DE',
    capabilities: ['VALIDATION_CQV'],
    relationshipOwner: { name: 'Olga', email: 'olga@techops.example' },
    riskTier: 'LOW',
  };

  it('accepts a minimal vendor with no contacts', () => {
    expect(CreateVendorBody.parse(valid)).toEqual({ ...valid, contacts: [] });
  });

  it('refuses a capability named twice and an unknown country', () => {
    const result = CreateVendorBody.safeParse({
      ...valid,
      capabilities: ['REGULATORY', 'REGULATORY'],
      headquartersCountry: 'UK',
    });

    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual([
      'headquartersCountry',
      'capabilities',
    ]);
  });

  it('refuses an empty patch', () => {
    expect(UpdateVendorBody.safeParse({}).success).toBe(false);
  });

  it('reports dates out of order together with other invalid fields', () => {
    const contract = AddContractBody.safeParse({
      type: 'MSA',
      reference: '',
      effectiveDate: '2027-01-01',
      expiryDate: '2026-01-01',
      documentUri: 'contracts/a.pdf',
    });
    const rateResult = AddRateBody.safeParse({
      role: 'Engineer',
      unit: 'DAY',
      rate: { amount: '0', currency: 'EUR' },
      validFrom: '2027-01-01',
      validTo: '2026-01-01',
    });

    expect(contract.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['reference', 'expiryDate']);
    expect(rateResult.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['rate.amount', 'validTo']);
  });
});

describe('the contract digest', () => {
  const expiring = (vendor: string, owner: string, status: string, daysLeft: number) =>
    ({
      id: `ctr_${vendor}${daysLeft}`,
      type: 'MSA',
      reference: `MSA-${vendor}`,
      expiryDate: addDays('2026-11-25', daysLeft),
      daysLeft,
      vendor: {
        id: `ven_${vendor}`,
        displayName: vendor,
        status,
        relationshipOwner: { name: owner, email: `${owner}@x.example` },
      },
    }) as unknown as ExpiringContract;

  it('groups contracts by owner (email in any case) and leaves offboarded vendors out', () => {
    const digests = digestsByOwner([
      expiring('Acme', 'olga', 'APPROVED', 3),
      expiring('Beta', 'OLGA', 'PREFERRED', 9),
      expiring('Gone', 'olga', 'OFFBOARDED', 1),
      expiring('Gamma', 'oscar', 'ON_HOLD', 30),
    ]);

    expect(
      digests.map((digest) => [
        digest.owner.name,
        digest.contracts.map((contract) => contract.vendor.displayName),
      ]),
    ).toEqual([
      ['olga', ['Acme', 'Beta']],
      ['oscar', ['Gamma']],
    ]);
  });

  it('writes one email naming each contract, its expiry and a link to its vendor', () => {
    const email = digestEmail(
      {
        owner: { name: 'Olga', email: 'olga@x.example' },
        contracts: [expiring('Acme', 'olga', 'APPROVED', 1)],
      },
      '2026-11-25',
      'https://api.example',
    );

    expect(email.to).toEqual(['olga@x.example']);
    expect(email.subject).toBe('1 vendor contract expiring within 60 days');
    expect(email.text).toContain('Acme: MSA MSA-Acme expires 2026-11-26 (in 1 day)');
    expect(email.text).toContain('https://api.example/vendors/ven_Acme');
  });

  it('counts calendar days in UTC', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(daysBetween('2026-03-28', '2026-03-30')).toBe(2);
  });
});
