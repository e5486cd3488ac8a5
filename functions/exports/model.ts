import * as z from 'zod';
import { FiscalYear } from '../budgets/model.js';
import { BusinessFunctionCode } from '../reference-data/schemas.js';
import { VendorId } from '../shared/schemas.js';

/** The columns of the spend export, in order. */
export const SPEND_COLUMNS = [
  'fiscalYear',
  'businessFunction',
  'requestId',
  'title',
  'category',
  'vendorId',
  'vendorName',
  'currency',
  'committed',
  'actual',
  'remaining',
  'status',
  'approvalDate',
  'invoiceCount',
] as const;
export type SpendRow = Record<(typeof SPEND_COLUMNS)[number], string | number>;

export const ExportSpendQuery = z.strictObject({
  fiscalYear: FiscalYear,
  format: z.enum(['csv', 'json']).default('csv'),
  businessFunction: BusinessFunctionCode.optional(),
  vendorId: VendorId.optional(),
});
export type ExportSpendInput = z.output<typeof ExportSpendQuery>;

export const SpendExportResource = z
  .object({
    downloadUrl: z.string().describe('Presigned, short-lived: the same URL as the Location header.'),
    expiresAt: z.string(),
    fileName: z.string(),
    rows: z.number().int(),
    totals: z.object({
      committed: z.object({ amount: z.string(), currency: z.string() }),
      actual: z.object({ amount: z.string(), currency: z.string() }),
    }),
  })
  .meta({ id: 'SpendExport' });

/** A file name that says what is in it: spend-FY2027[-QA][-ven_...]-20270115T103000Z.csv */
export function spendExportFileName(query: ExportSpendInput, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const parts = ['spend', query.fiscalYear, query.businessFunction, query.vendorId, stamp].filter(Boolean);
  return `${parts.join('-')}.${query.format}`;
}
