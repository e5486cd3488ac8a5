/**
 * Demo vendors the local cloud seeds on an empty data dir: realistic consultancies in different
 * statuses, with contracts (some expiring soon, relative to today), rate cards and reviews.
 * The seeder (infra/local/demo-data-seeder.ts) creates them through the domain commands the
 * API's handlers call, validated by the same schemas, so they are stored, indexed and audited
 * like any other.
 */

type Status = 'ONBOARDING' | 'APPROVED' | 'PREFERRED' | 'ON_HOLD' | 'OFFBOARDED';

interface DemoVendor {
  vendor: Record<string, unknown>;
  /** Status changes after creation (PROSPECT), in order, with a reason where one is needed. */
  path: { status: Status; reason?: string }[];
  /** Contracts: expiry in days from today. */
  contracts: { type: string; reference: string; effectiveDaysAgo: number; expiresInDays: number }[];
  rates: {
    role: string;
    unit: 'HOUR' | 'DAY';
    amount: string;
    currency: string;
    from: string;
    to?: string;
  }[];
  reviews: {
    quality: number;
    timeliness: number;
    valueForMoney: number;
    communication: number;
    comment: string;
  }[];
}

const owner = {
  claire: { name: 'Claire Dubois', email: 'claire.dubois@techops.example' },
  priya: { name: 'Dr. Priya Raman', email: 'priya.raman@techops.example' },
};

export const demoVendors: DemoVendor[] = [
  {
    vendor: {
      legalName: 'Helvetia Validation Partners AG',
      displayName: 'Helvetia Validation',
      taxId: 'CHE-123.456.789',
      website: 'https://helvetia-validation.example',
      headquartersCountry: 'CH',
      capabilities: ['VALIDATION_CQV', 'QUALITY_SYSTEMS'],
      relationshipOwner: owner.claire,
      contacts: [
        {
          name: 'Lukas Meier',
          role: 'Account director',
          email: 'lukas.meier@helvetia-validation.example',
          phone: '+41 61 555 01 23',
        },
      ],
      riskTier: 'LOW',
      notes: 'Framework partner for CQV on aseptic lines since 2021.',
    },
    path: [{ status: 'ONBOARDING' }, { status: 'APPROVED' }, { status: 'PREFERRED' }],
    contracts: [
      { type: 'MSA', reference: 'MSA-2024-017', effectiveDaysAgo: 700, expiresInDays: 25 },
      { type: 'QUALITY_AGREEMENT', reference: 'QAG-2024-009', effectiveDaysAgo: 700, expiresInDays: 400 },
    ],
    rates: [
      {
        role: 'Senior validation engineer',
        unit: 'DAY',
        amount: '1450.00',
        currency: 'CHF',
        from: '2025-01-01',
        to: '2025-12-31',
      },
      {
        role: 'Senior validation engineer',
        unit: 'DAY',
        amount: '1520.00',
        currency: 'CHF',
        from: '2026-01-01',
      },
      { role: 'Validation engineer', unit: 'DAY', amount: '1180.00', currency: 'CHF', from: '2025-01-01' },
    ],
    reviews: [
      {
        quality: 5,
        timeliness: 4,
        valueForMoney: 4,
        communication: 5,
        comment: 'Filling line 2 PQ delivered a week early; thorough protocols.',
      },
      {
        quality: 4,
        timeliness: 4,
        valueForMoney: 3,
        communication: 5,
        comment: 'Solid CSV support, rates on the high side.',
      },
    ],
  },
  {
    vendor: {
      legalName: 'Regulis Regulatory Affairs Ltd',
      displayName: 'Regulis',
      taxId: 'GB123456789',
      website: 'https://regulis.example',
      headquartersCountry: 'GB',
      capabilities: ['REGULATORY', 'TECH_TRANSFER'],
      relationshipOwner: owner.priya,
      contacts: [
        { name: 'Hannah Clarke', role: 'Principal consultant', email: 'hannah.clarke@regulis.example' },
      ],
      riskTier: 'MEDIUM',
    },
    path: [{ status: 'ONBOARDING' }, { status: 'APPROVED' }],
    contracts: [
      { type: 'MSA', reference: 'MSA-2025-004', effectiveDaysAgo: 300, expiresInDays: 430 },
      { type: 'NDA', reference: 'NDA-2023-112', effectiveDaysAgo: 1000, expiresInDays: 12 },
    ],
    rates: [
      { role: 'Regulatory writer', unit: 'HOUR', amount: '165.00', currency: 'GBP', from: '2025-06-01' },
    ],
    reviews: [
      {
        quality: 4,
        timeliness: 3,
        valueForMoney: 4,
        communication: 4,
        comment: 'Module 3 update accepted without questions; two weeks late.',
      },
    ],
  },
  {
    vendor: {
      legalName: 'Rheinland Prozesstechnik GmbH',
      displayName: 'Rheinland Prozesstechnik',
      taxId: 'DE 811 234 567',
      headquartersCountry: 'DE',
      capabilities: ['PROCESS_ENGINEERING', 'OPERATIONAL_EXCELLENCE'],
      relationshipOwner: owner.claire,
      contacts: [{ name: 'Jonas Becker', role: 'Project lead', email: 'jonas.becker@rheinland-pt.example' }],
      riskTier: 'MEDIUM',
    },
    path: [
      { status: 'ONBOARDING' },
      { status: 'APPROVED' },
      { status: 'ON_HOLD', reason: 'Insurance certificate lapsed; renewal pending.' },
    ],
    contracts: [{ type: 'INSURANCE', reference: 'INS-2025-033', effectiveDaysAgo: 360, expiresInDays: 40 }],
    rates: [{ role: 'Process engineer', unit: 'DAY', amount: '980.00', currency: 'EUR', from: '2025-01-01' }],
    reviews: [],
  },
  {
    vendor: {
      legalName: 'Northbridge Data & Digital Inc.',
      displayName: 'Northbridge Digital',
      taxId: '12-3456789',
      website: 'https://northbridge-digital.example',
      headquartersCountry: 'US',
      capabilities: ['DIGITAL_DATA'],
      relationshipOwner: owner.priya,
      contacts: [],
      riskTier: 'HIGH',
      notes: 'Evaluating for the MES data lake; security review open.',
    },
    path: [{ status: 'ONBOARDING' }],
    contracts: [{ type: 'NDA', reference: 'NDA-2026-041', effectiveDaysAgo: 30, expiresInDays: 700 }],
    rates: [],
    reviews: [],
  },
  {
    vendor: {
      legalName: 'Lean Pharma Coaching BV',
      displayName: 'Lean Pharma Coaching',
      headquartersCountry: 'NL',
      capabilities: ['OPERATIONAL_EXCELLENCE'],
      relationshipOwner: owner.claire,
      contacts: [],
      riskTier: 'LOW',
    },
    path: [{ status: 'OFFBOARDED', reason: 'Merged into a competitor; no new engagements.' }],
    contracts: [],
    rates: [],
    reviews: [
      {
        quality: 2,
        timeliness: 3,
        valueForMoney: 2,
        communication: 3,
        comment: 'Workshops generic, little site-specific follow-up.',
      },
    ],
  },
];
