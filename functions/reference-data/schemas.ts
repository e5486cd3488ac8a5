import * as z from 'zod';

export const BusinessFunctionCode = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]{1,19}$/, 'Must be a business function code such as "QA".');

/** The kinds of consultancy support TechOps buys: what requests ask for and vendors offer. */
export const REQUEST_CATEGORIES = [
  'VALIDATION_CQV',
  'REGULATORY',
  'QUALITY_SYSTEMS',
  'PROCESS_ENGINEERING',
  'TECH_TRANSFER',
  'SUPPLY_CHAIN',
  'DIGITAL_DATA',
  'OPERATIONAL_EXCELLENCE',
  'OTHER',
] as const;
export type RequestCategory = (typeof REQUEST_CATEGORIES)[number];

/** What people call each category, on pages and in emails. */
export const CATEGORY_NAMES: Record<RequestCategory, string> = {
  VALIDATION_CQV: 'Validation / CQV',
  REGULATORY: 'Regulatory',
  QUALITY_SYSTEMS: 'Quality systems',
  PROCESS_ENGINEERING: 'Process engineering',
  TECH_TRANSFER: 'Technology transfer',
  SUPPLY_CHAIN: 'Supply chain',
  DIGITAL_DATA: 'Digital & data',
  OPERATIONAL_EXCELLENCE: 'Operational excellence',
  OTHER: 'Other',
};

export const BusinessFunctionResource = z
  .object({
    code: BusinessFunctionCode,
    name: z.string(),
    head: z.object({ name: z.string(), email: z.email() }),
  })
  .meta({ id: 'BusinessFunction' });
export type BusinessFunction = z.infer<typeof BusinessFunctionResource>;

/** Business functions share one partition of the reference table, sorted by code. */
export const BUSINESS_FUNCTION_PARTITION = 'BUSINESS_FUNCTION';

export function businessFunctionItem(businessFunction: BusinessFunction): Record<string, unknown> {
  return { pk: BUSINESS_FUNCTION_PARTITION, sk: businessFunction.code, ...businessFunction };
}
