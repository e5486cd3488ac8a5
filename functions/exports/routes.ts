import type { RouteDefinition } from '../platform/route.js';
import { idempotencyKeyHeader, idempotencyKeyReused } from '../shared/idempotency.js';
import { ExportTooLargeProblem } from './errors.js';
import {
  CreateExportBody,
  ExportPath,
  ExportResource,
  ExportSpendQuery,
  SPEND_DOWNLOAD_ROW_LIMIT,
  SpendExportResource,
} from './model.js';

const tag = 'Exports';

export const exportRoutes: RouteDefinition[] = [
  {
    operationId: 'exportSpend',
    method: 'GET',
    path: '/exports/spend',
    entry: 'functions/exports/export-spend.ts',
    summary: "Finance's spend export (CSV or JSON download)",
    description: `Roles finance or admin. One row per request with a commitment or actual. Answers 303 See Other to a presigned download valid for 5 minutes (CSV: RFC 4180, UTF-8 with BOM, formula-safe; JSON: rows then totals). Totals reconcile with GET /budgets/{fiscalYear}. For small years: beyond ${SPEND_DOWNLOAD_ROW_LIMIT} rows it answers 422 export-too-large; use POST /exports.`,
    tag,
    query: ExportSpendQuery,
    responses: {
      303: {
        description: 'See the Location header: the download.',
        schema: SpendExportResource,
        headers: ['Location'],
      },
      400: { description: 'Invalid query (every invalid parameter listed).' },
      404: { description: 'No envelope for the fiscal year, or no line for the business function.' },
      422: {
        description: `More than ${SPEND_DOWNLOAD_ROW_LIMIT} rows: ask POST /exports for the year instead.`,
        schema: ExportTooLargeProblem,
      },
    },
    access: { budgets: 'read', requests: 'read', vendors: 'read', exports: 'write' },
  },
  {
    operationId: 'createExport',
    method: 'POST',
    path: '/exports',
    entry: 'functions/exports/create-export.ts',
    summary: "Start an export of a fiscal year's ledger, of any size (asynchronous)",
    description:
      'Roles finance or admin. Records an export job and answers 202 at once; a job Lambda writes the file (CSV or JSON, one row per ledger entry) into the exports bucket and records rows, bytes and SHA-256. `since` an earlier export gives exactly the entries recorded after it. Follow GET /exports/{exportId} (the Location header).',
    tag,
    headers: idempotencyKeyHeader,
    body: CreateExportBody,
    responses: {
      202: { description: 'The job, QUEUED.', schema: ExportResource, headers: ['Location'] },
      400: {
        description:
          'Invalid body (every invalid field listed), or a `since` export of another kind, year or filter.',
      },
      404: { description: 'No envelope for the fiscal year, or no line for the business function.' },
      409: { description: 'The `since` export has not SUCCEEDED.' },
      ...idempotencyKeyReused,
      503: { description: 'The job could not be started (it is recorded as FAILED): ask again.' },
    },
    access: { budgets: 'read', exports: 'start' },
  },
  {
    operationId: 'rerunExport',
    method: 'POST',
    path: '/exports/{exportId}/rerun',
    entry: 'functions/exports/rerun-export.ts',
    summary: 'Run an export again: the same entries, a file with the same bytes',
    description:
      'Roles finance or admin. A new job over exactly the entries of the given export (the same sequences), so its file has the same SHA-256 (unless a vendor record it names was corrected meanwhile).',
    tag,
    pathParameters: ExportPath,
    headers: idempotencyKeyHeader,
    responses: {
      202: { description: 'The new job, QUEUED.', schema: ExportResource, headers: ['Location'] },
      404: { description: 'No such export.' },
      409: { description: 'The export has not started yet, so what it covers is not fixed.' },
      ...idempotencyKeyReused,
      503: { description: 'The job could not be started (it is recorded as FAILED): ask again.' },
    },
    access: { exports: 'start' },
  },
  {
    operationId: 'getExport',
    method: 'GET',
    path: '/exports/{exportId}',
    entry: 'functions/exports/get-export.ts',
    summary: 'An export job: status, progress, and the download when done',
    description:
      'Roles finance or admin. `rows` counts the rows written so far; once SUCCEEDED, `downloadUrl` is a presigned link valid for 5 minutes (ask again for a fresh one), with `bytes` and `sha256` of the file.',
    tag,
    pathParameters: ExportPath,
    responses: {
      200: { description: 'The export job.', schema: ExportResource },
      404: { description: 'No such export.' },
    },
    access: { exports: 'read' },
  },
];
