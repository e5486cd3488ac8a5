import type { Writable } from 'node:stream';
import { getFiscalYear } from '../budgets/budget-store.js';
import type { StoredLine } from '../budgets/model.js';
import { type Caller, requireRole } from '../shared/auth.js';
import { NotFoundError } from '../shared/errors.js';
import { formatMoney } from '../shared/money.js';
import { csvLine, UTF8_BOM } from './csv.js';
import { ExportTooLargeError } from './errors.js';
import { downloadOf, type ExportFile, streamToBucket, write } from './export-bucket.js';
import {
  type ExportSpendInput,
  SPEND_COLUMNS,
  SPEND_DOWNLOAD_ROW_LIMIT,
  type SpendRow,
  spendExportFileName,
} from './model.js';
import { positionPages } from './positions.js';

/**
 * Finance's spend export: one row per request with a commitment or actual, read line by line
 * and page by page (a Query of each line's positions, BatchGets of that page's requests and
 * vendors) and
 * written to a stream as it is read, so no export is ever held in memory whole.
 */

export interface SpendTotals {
  rows: number;
  committedMinor: number;
  actualMinor: number;
}

/** The rows of the given lines, in business function then request order; vendorId filters. */
export async function* spendRows(
  lines: StoredLine[],
  vendorId?: string,
): AsyncGenerator<SpendRow & { committedMinor: number; actualMinor: number }> {
  for await (const page of positionPages(lines, vendorId)) {
    for (const { position, request, vendor } of page) {
      const money = (minor: number) => formatMoney({ minor, currency: position.currency }).amount;
      yield {
        fiscalYear: position.fiscalYear,
        businessFunction: position.businessFunction,
        requestId: position.requestId,
        title: request?.title ?? '',
        category: request?.category ?? '',
        vendorId: position.vendorId ?? '',
        vendorName: vendor?.displayName ?? '',
        currency: position.currency,
        committed: money(position.committed),
        actual: money(position.actual),
        remaining: money(Math.max(position.committed - position.actual, 0)),
        status: request?.status ?? '',
        approvalDate: position.approvedAt?.slice(0, 10) ?? '',
        invoiceCount: position.invoiceCount,
        committedMinor: position.committed,
        actualMinor: position.actual,
      };
    }
  }
}

/**
 * Streams the export as CSV (RFC 4180, UTF-8 with a byte order mark so Excel reads it as
 * UTF-8, CRLF line ends, a header row) or as one JSON document with the totals at the end.
 */
export async function writeSpendExport(
  out: Writable,
  format: 'csv' | 'json',
  header: { fiscalYear: string; currency: string },
  rows: AsyncIterable<SpendRow & { committedMinor: number; actualMinor: number }>,
): Promise<SpendTotals> {
  const totals: SpendTotals = { rows: 0, committedMinor: 0, actualMinor: 0 };
  await write(
    out,
    format === 'csv'
      ? UTF8_BOM + csvLine([...SPEND_COLUMNS])
      : `{"fiscalYear":${JSON.stringify(header.fiscalYear)},"currency":${JSON.stringify(header.currency)},"rows":[`,
  );
  for await (const row of rows) {
    const { committedMinor, actualMinor, ...cells } = row;
    await write(
      out,
      format === 'csv'
        ? csvLine(SPEND_COLUMNS.map((column) => cells[column]))
        : `${totals.rows > 0 ? ',' : ''}${JSON.stringify(cells)}`,
    );
    totals.rows += 1;
    totals.committedMinor += committedMinor;
    totals.actualMinor += actualMinor;
  }
  if (format === 'json') {
    const money = (minor: number) => formatMoney({ minor, currency: header.currency });
    await write(
      out,
      `],"totals":${JSON.stringify({ rows: totals.rows, committed: money(totals.committedMinor), actual: money(totals.actualMinor) })}}`,
    );
  }
  out.end();
  return totals;
}

/** The rows, refused beyond the limit (the upload is then aborted): no timeout, a clear answer. */
async function* atMost<T>(rows: AsyncIterable<T>, limit: number): AsyncGenerator<T> {
  let count = 0;
  for await (const row of rows) {
    count += 1;
    if (count > limit) throw new ExportTooLargeError(limit);
    yield row;
  }
}

const CONTENT_TYPES = { csv: 'text/csv; charset=utf-8', json: 'application/json; charset=utf-8' };

/**
 * Exports a fiscal year's spend (optionally one business function's, one vendor's) into the
 * exports bucket and answers where to download it, with the totals.
 */
export async function exportSpend(caller: Caller, query: ExportSpendInput, now = new Date()) {
  requireRole(caller, 'finance', 'admin');
  const year = await getFiscalYear(query.fiscalYear);
  if (!year) throw new NotFoundError(`No budget envelope is set for ${query.fiscalYear}.`);
  const lines = year.lines
    .filter(
      (line) => query.businessFunction === undefined || line.businessFunction === query.businessFunction,
    )
    .sort((a, b) => a.businessFunction.localeCompare(b.businessFunction));
  if (query.businessFunction !== undefined && lines.length === 0) {
    throw new NotFoundError(`${query.businessFunction} has no budget line in ${query.fiscalYear}.`);
  }

  const fileName = spendExportFileName(query, now);
  const file: ExportFile = {
    key: `spend/${query.fiscalYear}/${fileName}`,
    contentType: CONTENT_TYPES[query.format],
    contentDisposition: `attachment; filename="${fileName}"`,
  };
  const totals = await streamToBucket(file, (out) =>
    writeSpendExport(
      out,
      query.format,
      { fiscalYear: query.fiscalYear, currency: year.envelope.currency },
      atMost(spendRows(lines, query.vendorId), SPEND_DOWNLOAD_ROW_LIMIT),
    ),
  );

  const money = (minor: number) => formatMoney({ minor, currency: year.envelope.currency });
  return {
    ...(await downloadOf(file, fileName, now)),
    rows: totals.rows,
    totals: { committed: money(totals.committedMinor), actual: money(totals.actualMinor) },
  };
}
