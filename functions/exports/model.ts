import * as z from 'zod';
import { FiscalYear } from '../budgets/model.js';
import { BusinessFunctionCode } from '../reference-data/schemas.js';
import { idPattern } from '../shared/ids.js';
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

/** When a file was made, as its name says it: 20270115T103000Z. */
export const fileStamp = (now: Date) =>
  now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');

/** A file name that says what is in it: spend-FY2027[-QA][-ven_...]-20270115T103000Z.csv */
export function spendExportFileName(query: ExportSpendInput, now: Date): string {
  const parts = ['spend', query.fiscalYear, query.businessFunction, query.vendorId, fileStamp(now)].filter(
    Boolean,
  );
  return `${parts.join('-')}.${query.format}`;
}

/**
 * GET /exports/spend writes the file inside the API's Lambda (10 s): at about 2,800 rows a
 * second it refuses a year of more rows than this, pointing at POST /exports.
 */
export const SPEND_DOWNLOAD_ROW_LIMIT = 10_000;

// ---- Export jobs (POST /exports): the fiscal year's ledger entries, asynchronous, incremental.

/** The columns of the ledger export, in order (docs/api.md#exports says what each holds). */
export const LEDGER_EXPORT_COLUMNS = [
  'fiscalYear',
  'businessFunction',
  'sequence',
  'entryId',
  'entryType',
  'recordedAt',
  'requestId',
  'transferId',
  'vendorId',
  'vendorLegalName',
  'vendorTaxId',
  'invoiceNumber',
  'invoiceDate',
  'transactionAmount',
  'transactionCurrency',
  'budgetAmount',
  'budgetCurrency',
  'exchangeRate',
  'beyondCommitment',
  'reference',
  'recordedBy',
] as const;
export type LedgerExportRow = Record<(typeof LEDGER_EXPORT_COLUMNS)[number], string | number>;

export const EXPORT_KINDS = ['spend'] as const;
export const EXPORT_FORMATS = ['csv', 'json'] as const;
export const EXPORT_STATUSES = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED'] as const;
export type ExportStatus = (typeof EXPORT_STATUSES)[number];

export const ExportId = z.string().regex(idPattern('export'), 'Must be an export id such as "exp_01j...".');

export const CreateExportBody = z.strictObject({
  kind: z.enum(EXPORT_KINDS).describe("What to export: `spend`, the fiscal year's budget ledger entries."),
  fiscalYear: FiscalYear,
  format: z.enum(EXPORT_FORMATS).default('csv'),
  businessFunction: BusinessFunctionCode.optional().describe("Only this business function's line."),
  vendorId: VendorId.optional().describe("Only this vendor's entries."),
  since: ExportId.optional().describe(
    'Only the entries recorded after this earlier export (same kind, fiscal year and filters; SUCCEEDED).',
  ),
});
export type CreateExportInput = z.output<typeof CreateExportBody>;

export const ExportPath = z.strictObject({ exportId: ExportId });

/** Per business function: the last sequence number covered (0: none). */
export type Sequences = Record<string, number>;

/** An export job as stored. */
export interface StoredExport {
  id: string;
  kind: (typeof EXPORT_KINDS)[number];
  fiscalYear: string;
  format: (typeof EXPORT_FORMATS)[number];
  businessFunction?: string;
  vendorId?: string;
  /** The export it continues from: it holds the entries after that one's. */
  since?: string;
  /** The export it repeats: same entries, same file. */
  rerunOf?: string;
  /** Per line, the sequence the export starts after (from `since`; absent lines: 0). */
  afterSequences: Sequences;
  /** Per line, the last sequence it covers: read when the job starts, then fixed. */
  throughSequences?: Sequences;
  origin: 'API' | 'SCHEDULE';
  status: ExportStatus;
  /** Rows written so far; when SUCCEEDED, the file's rows. */
  rows: number;
  bytes?: number;
  sha256?: string;
  file: { key: string; name: string };
  failure?: string;
  requestedAt: string;
  requestedBy: { sub: string; name: string; email: string };
  startedAt?: string;
  finishedAt?: string;
}

const Sequences = z.record(z.string(), z.number().int());

export const ExportResource = z
  .object({
    id: z.string(),
    kind: z.enum(EXPORT_KINDS),
    fiscalYear: z.string(),
    format: z.enum(EXPORT_FORMATS),
    businessFunction: z.string().optional(),
    vendorId: z.string().optional(),
    since: z.string().optional(),
    rerunOf: z.string().optional(),
    afterSequences: Sequences.describe('Per business function, the sequence the export starts after.'),
    throughSequences: Sequences.optional().describe(
      'Per business function, the last sequence it covers (once the job has started).',
    ),
    origin: z.enum(['API', 'SCHEDULE']),
    status: z.enum(EXPORT_STATUSES),
    rows: z.number().int().describe('Rows written so far; when SUCCEEDED, the rows of the file.'),
    bytes: z.number().int().optional(),
    sha256: z.string().optional().describe("Hex SHA-256 of the file's bytes."),
    fileName: z.string(),
    failure: z.string().optional(),
    requestedAt: z.string(),
    requestedBy: z.object({ sub: z.string(), name: z.string(), email: z.string() }),
    startedAt: z.string().optional(),
    finishedAt: z.string().optional(),
    downloadUrl: z.string().optional().describe('When SUCCEEDED: presigned, valid for 5 minutes.'),
    downloadExpiresAt: z.string().optional(),
  })
  .meta({ id: 'Export' });
export type ExportResourceType = z.infer<typeof ExportResource>;

export function toExportResource(
  stored: StoredExport,
  download?: { url: string; expiresAt: string },
): ExportResourceType {
  const { file, ...rest } = stored;
  return {
    ...rest,
    fileName: file.name,
    ...(download ? { downloadUrl: download.url, downloadExpiresAt: download.expiresAt } : {}),
  };
}

const EXPORT_CONTENT_TYPES = { csv: 'text/csv; charset=utf-8', json: 'application/json; charset=utf-8' };

/** A job's file in the bucket, with the headers it is downloaded with. */
export function exportFileFor(job: Pick<StoredExport, 'file' | 'format'>) {
  return {
    key: job.file.key,
    contentType: EXPORT_CONTENT_TYPES[job.format],
    contentDisposition: `attachment; filename="${job.file.name}"`,
  };
}
