import * as z from 'zod';
import { REQUEST_CATEGORIES } from '../reference-data/schemas.js';
import { isKnownCountry } from '../shared/countries.js';
import { type Money, MoneySchema } from '../shared/money.js';
import { PaginationQuery } from '../shared/pagination.js';
import { problemWith } from '../shared/problem.js';
import {
  ContactResource,
  IsoDate as isoDate,
  MultiLineText,
  PersonResource as Person,
  RequestId,
  SingleLineText,
  VendorId,
  withoutControlCharacters,
} from '../shared/schemas.js';

/**
 * The daily contract expiry digest: each relationship owner gets one email listing their
 * vendors' contracts that expire within the window, at most once a day (a conditional marker
 * per owner and day, not luck). Offboarded vendors are left out: there is nothing to renew.
 */
export const DIGEST_WINDOW_DAYS = 60;

/**
 * The vendor record: a consultancy company TechOps may engage, its contracts, rate card and
 * performance reviews. Schemas only (no environment), so CDK code and unit tests can import them.
 */

/** A vendor's capabilities are the request categories it serves. */
export const VENDOR_CAPABILITIES = REQUEST_CATEGORIES;
export const RISK_TIERS = ['LOW', 'MEDIUM', 'HIGH'] as const;
export const VENDOR_STATUSES = [
  'PROSPECT',
  'ONBOARDING',
  'APPROVED',
  'PREFERRED',
  'ON_HOLD',
  'OFFBOARDED',
] as const;
export type VendorStatus = (typeof VENDOR_STATUSES)[number];

export const CONTRACT_TYPES = ['MSA', 'NDA', 'QUALITY_AGREEMENT', 'SOW_TEMPLATE', 'INSURANCE'] as const;
export const RATE_UNITS = ['HOUR', 'DAY'] as const;
export const REVIEW_DIMENSIONS = ['quality', 'timeliness', 'valueForMoney', 'communication'] as const;
export type ReviewDimension = (typeof REVIEW_DIMENSIONS)[number];

const email = z.email('Must be an email address.').max(254);
const text = (max: number) => SingleLineText.min(1).max(max);

const Country = z
  .string()
  .refine(isKnownCountry, 'Must be an ISO 3166-1 alpha-2 country code such as "DE".')
  .describe('ISO 3166-1 alpha-2.');

const Capabilities = z
  .array(z.enum(VENDOR_CAPABILITIES))
  .min(1, 'Name at least one capability.')
  .refine((list) => new Set(list).size === list.length, 'Name each capability once.');

const RelationshipOwner = z.strictObject({ name: text(200), email });

const Contact = z.strictObject({
  name: text(200),
  role: text(200),
  email,
  phone: z
    .string()
    .regex(/^\+?[0-9 ()./-]{5,30}$/, 'Must be a phone number such as "+41 61 555 01 23".')
    .optional(),
});

const Website = withoutControlCharacters(
  z.url({ protocol: /^https?$/, error: 'Must be an http(s) URL.' }).max(2048),
);

const TaxId = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ./-]{1,39}$/, 'Must be a tax id of 2-40 letters, digits, spaces, . / -.');

/** The fields a vendor-manager maintains; status has its own route. */
const vendorFields = {
  legalName: text(200),
  displayName: text(100),
  taxId: TaxId.optional(),
  website: Website.optional(),
  headquartersCountry: Country,
  capabilities: Capabilities,
  relationshipOwner: RelationshipOwner,
  contacts: z.array(Contact).max(20).default([]),
  riskTier: z.enum(RISK_TIERS),
  notes: MultiLineText.max(5_000).optional(),
};

export const CreateVendorBody = z.strictObject(vendorFields).meta({ id: 'CreateVendor' });
export type CreateVendorInput = z.output<typeof CreateVendorBody>;

export const UpdateVendorBody = z
  .strictObject({
    legalName: vendorFields.legalName.optional(),
    displayName: vendorFields.displayName.optional(),
    taxId: TaxId.nullable().optional(),
    website: Website.nullable().optional(),
    headquartersCountry: Country.optional(),
    capabilities: Capabilities.optional(),
    relationshipOwner: RelationshipOwner.optional(),
    contacts: z.array(Contact).max(20).optional(),
    riskTier: z.enum(RISK_TIERS).optional(),
    notes: vendorFields.notes.unwrap().nullable().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'Change at least one field.')
  .meta({ id: 'UpdateVendor', description: 'JSON merge patch: only the fields sent change; null clears.' });
export type UpdateVendorInput = z.output<typeof UpdateVendorBody>;

export const ChangeVendorStatusBody = z
  .strictObject({
    status: z.enum(VENDOR_STATUSES),
    reason: MultiLineText.min(1).max(2_000).optional(),
  })
  .refine((body) => !['ON_HOLD', 'OFFBOARDED'].includes(body.status) || body.reason !== undefined, {
    path: ['reason'],
    message: 'A reason is required to put a vendor on hold or offboard it.',
  })
  .meta({ id: 'ChangeVendorStatus' });

const datesInOrder = <T extends z.ZodObject>(schema: T, from: string, to: string, message: string) =>
  schema.refine(
    (body) => {
      const dates = body as Record<string, string | undefined>;
      return dates[to] === undefined || (dates[to] as string) >= (dates[from] as string);
    },
    {
      path: [to],
      message,
      // Report the order too when other fields are invalid: every invalid field at once.
      when: (payload) =>
        z.object({ [from]: isoDate, [to]: isoDate.optional() }).safeParse(payload.value).success,
    },
  );

const DocumentUri = withoutControlCharacters(z.string().max(1024)).regex(
  /^(https?:\/\/\S+|s3:\/\/[a-z0-9.-]{3,63}\/\S+|[A-Za-z0-9!_.*'()-][A-Za-z0-9!_.*'()/-]*)$/,
  'Must be an S3 key ("contracts/acme/msa.pdf"), an s3:// URI or an http(s) URL.',
);

export const AddContractBody = datesInOrder(
  z.strictObject({
    type: z.enum(CONTRACT_TYPES),
    reference: text(100),
    effectiveDate: isoDate,
    expiryDate: isoDate,
    documentUri: DocumentUri,
  }),
  'effectiveDate',
  'expiryDate',
  'Must not be before effectiveDate.',
).meta({ id: 'AddContract' });

export const AddRateBody = datesInOrder(
  z.strictObject({
    role: text(120).describe('e.g. "Senior validation engineer".'),
    unit: z.enum(RATE_UNITS),
    rate: MoneySchema,
    validFrom: isoDate,
    validTo: isoDate.optional().describe('Inclusive; open-ended when absent.'),
  }),
  'validFrom',
  'validTo',
  'Must not be before validFrom.',
).meta({ id: 'AddRate' });
export type AddRateInput = z.output<typeof AddRateBody>;

const Score = z.number().int('Must be a whole number 1-5.').min(1, 'Must be 1-5.').max(5, 'Must be 1-5.');

export const AddReviewBody = z
  .strictObject({
    quality: Score,
    timeliness: Score,
    valueForMoney: Score,
    communication: Score,
    comment: MultiLineText.min(1).max(5_000),
    requestId: RequestId.optional(),
  })
  .meta({ id: 'AddReview' });
export type AddReviewInput = z.output<typeof AddReviewBody>;

export const VendorIdPath = z.strictObject({
  id: VendorId,
});

export const ListVendorsQuery = z.strictObject({
  status: z.enum(VENDOR_STATUSES).optional(),
  capability: z.enum(VENDOR_CAPABILITIES).optional(),
  namePrefix: SingleLineText.min(1).max(100).optional().describe('Start of the display name, any case.'),
  ...PaginationQuery,
});
export type ListVendorsFilter = z.output<typeof ListVendorsQuery>;

export const ExpiringContractsQuery = z.strictObject({
  withinDays: z.coerce.number().int('Must be a whole number.').min(0).max(730).default(DIGEST_WINDOW_DAYS),
  ...PaginationQuery,
});

export const RateCardQuery = z.strictObject({
  asOf: isoDate.optional().describe('Only the rate valid on this date, per role.'),
});

export const PageQuery = z.strictObject({ ...PaginationQuery });

/** The If-Match header a change is based on. */
export const IfMatchHeader = z.string().describe('The ETag the change is based on.');

/** The 409 of a vendor whose normalized legal name or tax id another vendor has. */
export const DuplicateVendorProblem = problemWith({
  duplicateField: z.enum(['legalName', 'taxId']).describe('Which field another vendor has already.'),
  existingVendor: z
    .object({ id: z.string(), displayName: z.string() })
    .optional()
    .describe('The vendor that has it (absent if it was removed meanwhile).'),
}).meta({ id: 'DuplicateVendorProblem' });

// ---- Stored shapes and wire resources ----

/** Running sums of review scores: exact integers, averages derived when read. */
export interface ReviewTotals {
  count: number;
  sums: Record<ReviewDimension, number>;
}

export interface Vendor extends Omit<CreateVendorInput, 'contacts'> {
  id: string;
  contacts: z.output<typeof Contact>[];
  status: VendorStatus;
  /** Why the vendor is ON_HOLD or OFFBOARDED. */
  statusReason?: string;
  /** The status an ON_HOLD vendor returns to. */
  heldFrom?: VendorStatus;
  reviewTotals: ReviewTotals;
  createdAt: string;
  updatedAt: string;
  version: number;
}

const Averages = z.object({
  overall: z.number(),
  quality: z.number(),
  timeliness: z.number(),
  valueForMoney: z.number(),
  communication: z.number(),
});

export const ContractResource = z
  .object({
    id: z.string(),
    vendorId: z.string(),
    type: z.enum(CONTRACT_TYPES),
    reference: z.string(),
    effectiveDate: z.string(),
    expiryDate: z.string(),
    documentUri: z.string(),
    addedBy: Person,
    addedAt: z.string(),
  })
  .meta({ id: 'Contract' });
export type Contract = z.infer<typeof ContractResource>;

export const VendorResource = z
  .object({
    id: z.string(),
    legalName: z.string(),
    displayName: z.string(),
    taxId: z.string().optional(),
    website: z.string().optional(),
    headquartersCountry: z.string(),
    capabilities: z.array(z.enum(VENDOR_CAPABILITIES)),
    relationshipOwner: ContactResource,
    contacts: z.array(
      z.object({ name: z.string(), role: z.string(), email: z.string(), phone: z.string().optional() }),
    ),
    riskTier: z.enum(RISK_TIERS),
    notes: z.string().optional(),
    status: z.enum(VENDOR_STATUSES),
    statusReason: z.string().optional(),
    reviews: z.object({
      count: z.number().int(),
      averages: Averages.optional().describe('Rounded to two decimals; absent without reviews.'),
    }),
    contracts: z.array(ContractResource).optional().describe('On GET /vendors/{id}: every contract.'),
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.number().int(),
  })
  .meta({ id: 'Vendor' });

export const VendorSummaryResource = z
  .object({
    id: z.string(),
    displayName: z.string(),
    legalName: z.string(),
    status: z.enum(VENDOR_STATUSES),
    capabilities: z.array(z.enum(VENDOR_CAPABILITIES)),
    riskTier: z.enum(RISK_TIERS),
    headquartersCountry: z.string(),
    relationshipOwner: ContactResource,
  })
  .meta({ id: 'VendorSummary' });
export type VendorSummary = z.infer<typeof VendorSummaryResource>;

export const ExpiringContractResource = ContractResource.extend({
  vendor: VendorSummaryResource.pick({ id: true, displayName: true, status: true, relationshipOwner: true }),
  daysLeft: z.number().int(),
}).meta({ id: 'ExpiringContract' });
export type ExpiringContract = z.infer<typeof ExpiringContractResource>;

export interface Rate {
  id: string;
  unit: (typeof RATE_UNITS)[number];
  rate: Money;
  validFrom: string;
  validTo?: string;
  addedBy: z.infer<typeof Person>;
  addedAt: string;
}

export const RateResource = z.object({
  id: z.string(),
  unit: z.enum(RATE_UNITS),
  rate: z.object({ amount: z.string(), currency: z.string() }),
  validFrom: z.string(),
  validTo: z.string().optional(),
  addedBy: Person,
  addedAt: z.string(),
});

export const RateCardResource = z
  .object({
    vendorId: z.string(),
    asOf: z.string().optional(),
    roles: z.array(z.object({ role: z.string(), rates: z.array(RateResource) })),
  })
  .meta({ id: 'RateCard' });

export const ReviewResource = z
  .object({
    id: z.string(),
    vendorId: z.string(),
    quality: z.number().int(),
    timeliness: z.number().int(),
    valueForMoney: z.number().int(),
    communication: z.number().int(),
    comment: z.string(),
    requestId: z.string().optional(),
    reviewer: Person,
    createdAt: z.string(),
  })
  .meta({ id: 'Review' });
export type Review = z.infer<typeof ReviewResource>;
