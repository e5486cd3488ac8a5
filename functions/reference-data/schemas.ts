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
