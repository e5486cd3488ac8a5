import { PassThrough } from 'node:stream';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import middy from '@middy/core';
import { getFiscalYear } from '../budgets/budget-store.js';
import { type Caller, requireRole } from '../shared/auth.js';
import { requireEnv } from '../shared/config.js';
import { NotFoundError } from '../shared/errors.js';
import { type ApiEvent, apiMiddlewares, callerOf, json, validate } from '../shared/http.js';
import { formatMoney } from '../shared/money.js';
import { type ExportSpendInput, ExportSpendQuery, spendExportFileName } from './model.js';
import { spendRows, writeSpendExport } from './spend-export.js';

/**
 * GET /exports/spend. An HTTP API Lambda integration cannot stream its response and carries at
 * most 6 MB, so the export streams page by page into S3 (a multipart upload fed as it is read)
 * and the caller is sent, with 303 See Other, to a short-lived presigned download.
 */
const bucket = requireEnv('EXPORTS_BUCKET_NAME');
// Locally AWS_ENDPOINT_URL_S3 points at the local S3 service, which is addressed path-style.
const s3 = new S3Client({ forcePathStyle: process.env.AWS_ENDPOINT_URL_S3 !== undefined });
const DOWNLOAD_SECONDS = 300;

const CONTENT_TYPES = { csv: 'text/csv; charset=utf-8', json: 'application/json; charset=utf-8' };

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
  const key = `spend/${query.fiscalYear}/${fileName}`;
  const contentType = CONTENT_TYPES[query.format];
  const contentDisposition = `attachment; filename="${fileName}"`;
  const body = new PassThrough();
  const upload = new Upload({
    client: s3,
    params: {
      Bucket: bucket,
      Key: key,
      Body: body,
      ContentType: contentType,
      ContentDisposition: contentDisposition,
    },
  });
  const uploaded = upload.done();
  const [totals] = await Promise.all([
    writeSpendExport(
      body,
      query.format,
      { fiscalYear: query.fiscalYear, currency: year.envelope.currency },
      spendRows(lines, query.vendorId),
    ).catch((error: unknown) => {
      body.destroy(error as Error);
      throw error;
    }),
    uploaded,
  ]);

  const downloadUrl = await getSignedUrl(
    s3,
    new GetObjectCommand({
      Bucket: bucket,
      Key: key,
      ResponseContentType: contentType,
      ResponseContentDisposition: contentDisposition,
    }),
    { expiresIn: DOWNLOAD_SECONDS },
  );
  const money = (minor: number) => formatMoney({ minor, currency: year.envelope.currency });
  return {
    downloadUrl,
    expiresAt: new Date(now.getTime() + DOWNLOAD_SECONDS * 1000).toISOString(),
    fileName,
    rows: totals.rows,
    totals: { committed: money(totals.committedMinor), actual: money(totals.actualMinor) },
  };
}

export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    const query = validate(ExportSpendQuery, event.queryStringParameters ?? {});
    const result = await exportSpend(caller, query);
    return json(303, result, { location: result.downloadUrl });
  });
