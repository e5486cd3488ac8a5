import { createHash } from 'node:crypto';
import type { Writable } from 'node:stream';
import { ledgerEntriesBetween } from '../budgets/budget-store.js';
import type { StoredLedgerEntry } from '../budgets/model.js';
import { formatMoney } from '../shared/money.js';
import { readAhead } from '../shared/parallel.js';
import type { Vendor } from '../vendors/model.js';
import { getVendors } from '../vendors/vendor-queries.js';
import { csvLine, UTF8_BOM } from './csv.js';
import { write } from './export-bucket.js';
import { LEDGER_EXPORT_COLUMNS, type LedgerExportRow, type Sequences, type StoredExport } from './model.js';

/**
 * The ledger export: a fiscal year's ledger entries numbered after one set of line sequences and
 * up to another, one row each, written as it is read. Which entries, exactly:
 *
 * - A line's entries are numbered by the line's version (budget-items.ts ledgerEntry): 1, 2, 3,
 *   ... with no gaps, and entry n+1 commits only after entry n (each transaction is conditional
 *   on the version the one before produced). So the order of the numbers is the commit order,
 *   and "commit order differs from counter order" cannot happen.
 * - The job reads every line's version once, consistently, when it starts: those are the
 *   sequences it covers (`throughSequences`), fixed from then on. Every entry numbered up to
 *   them has committed; every entry written while the export runs is numbered above them and
 *   left for the next export, whose `since` starts exactly there. Each line's count is checked
 *   (through - after rows): a missing entry fails the job instead of shipping a short file.
 * - Re-running reads the same numbered entries, in the same order (business function, then
 *   entry id), and writes the same bytes: the file holds nothing that depends on when it ran.
 *   The vendor columns show the vendor record as it is then.
 */

/**
 * How many pages of each line are read ahead while an earlier line is written: with the page
 * being fetched, a job holds at most 2 pages per line (8,000 entries for 8 lines), at 10,000
 * rows as at 1,000,000.
 */
const PAGES_AHEAD = 1;

type VendorDetails = Pick<Vendor, 'legalName' | 'taxId'>;

/** One line's rows as pages, with the vendors' details looked up a page at a time (and remembered). */
async function* linePages(
  job: Pick<StoredExport, 'fiscalYear' | 'vendorId'>,
  businessFunction: string,
  after: number,
  through: number,
  vendors: Map<string, VendorDetails>,
): AsyncGenerator<LedgerExportRow[]> {
  for await (const entries of ledgerEntriesBetween(job.fiscalYear, businessFunction, after, through)) {
    const wanted = job.vendorId ? entries.filter((entry) => entry.vendorId === job.vendorId) : entries;
    const unknown = wanted.flatMap((entry) =>
      entry.vendorId && !vendors.has(entry.vendorId) ? [entry.vendorId] : [],
    );
    if (unknown.length > 0) {
      for (const [id, vendor] of await getVendors(unknown)) {
        vendors.set(id, { legalName: vendor.legalName, taxId: vendor.taxId });
      }
    }
    yield wanted.map((entry) => ledgerRow(entry, vendors));
  }
}

/**
 * One entry as a row. Every entry is in its budget's currency today (the API refuses an amount in
 * another), so the transaction amount is the budget amount and the exchange rate is empty.
 */
export function ledgerRow(entry: StoredLedgerEntry, vendors: Map<string, VendorDetails>): LedgerExportRow {
  const amount = formatMoney({ minor: entry.amountMinor, currency: entry.currency }).amount;
  const vendor = entry.vendorId ? vendors.get(entry.vendorId) : undefined;
  return {
    fiscalYear: entry.fiscalYear,
    businessFunction: entry.businessFunction,
    sequence: entry.sequence ?? '',
    entryId: entry.id,
    entryType: entry.kind,
    recordedAt: entry.at,
    requestId: entry.requestId ?? '',
    transferId: entry.transferId ?? '',
    vendorId: entry.vendorId ?? '',
    vendorLegalName: vendor?.legalName ?? '',
    vendorTaxId: vendor?.taxId ?? '',
    invoiceNumber: entry.invoiceNumber ?? '',
    invoiceDate: entry.invoiceDate ?? '',
    transactionAmount: amount,
    transactionCurrency: entry.currency,
    budgetAmount: amount,
    budgetCurrency: entry.currency,
    exchangeRate: '',
    beyondCommitment: entry.beyondCommitment === undefined ? '' : String(entry.beyondCommitment),
    reference: entry.reference ?? '',
    recordedBy: entry.by.email,
  };
}

/**
 * Every row of the export, line by line in business function order; all lines are read at
 * once, each a few pages ahead of the writer.
 */
export async function* ledgerExportRows(
  job: Pick<StoredExport, 'fiscalYear' | 'vendorId' | 'afterSequences'>,
  through: Sequences,
): AsyncGenerator<LedgerExportRow[]> {
  const vendors = new Map<string, VendorDetails>();
  const lines = Object.keys(through)
    .sort()
    .map((businessFunction) =>
      readAhead(
        linePages(
          job,
          businessFunction,
          job.afterSequences[businessFunction] ?? 0,
          through[businessFunction] ?? 0,
          vendors,
        ),
        PAGES_AHEAD,
      ),
    );
  for (const line of lines) yield* line;
}

export interface WrittenFile {
  rows: number;
  bytes: number;
  sha256: string;
}

/**
 * Writes the rows as CSV (RFC 4180, UTF-8 with a byte order mark, CRLF, a header row) or one
 * JSON document, counting the bytes and hashing them as they go. `onRows` hears the rows
 * written so far after each page.
 */
export async function writeLedgerExport(
  out: Writable,
  format: 'csv' | 'json',
  fiscalYear: string,
  pages: AsyncIterable<LedgerExportRow[]>,
  onRows: (rows: number) => Promise<void> = async () => {},
): Promise<WrittenFile> {
  const hash = createHash('sha256');
  let bytes = 0;
  let rows = 0;
  const emit = async (chunk: string) => {
    hash.update(chunk, 'utf8');
    bytes += Buffer.byteLength(chunk, 'utf8');
    await write(out, chunk);
  };
  await emit(
    format === 'csv'
      ? UTF8_BOM + csvLine([...LEDGER_EXPORT_COLUMNS])
      : `{"fiscalYear":${JSON.stringify(fiscalYear)},"rows":[`,
  );
  for await (const page of pages) {
    if (page.length === 0) continue;
    let chunk = '';
    for (const row of page) {
      chunk +=
        format === 'csv'
          ? csvLine(LEDGER_EXPORT_COLUMNS.map((column) => row[column]))
          : `${rows > 0 ? ',' : ''}${JSON.stringify(row)}`;
      rows += 1;
    }
    await emit(chunk);
    await onRows(rows);
  }
  if (format === 'json') await emit(']}');
  out.end();
  return { rows, bytes, sha256: hash.digest('hex') };
}
