import type { RouteDefinition } from '../platform/route.js';
import { ExportSpendQuery, SpendExportResource } from './model.js';

export const exportRoutes: RouteDefinition[] = [
  {
    operationId: 'exportSpend',
    method: 'GET',
    path: '/exports/spend',
    entry: 'functions/exports/export-spend.ts',
    summary: "Finance's spend export (CSV or JSON download)",
    description:
      'Roles finance or admin. One row per request with a commitment or actual. Answers 303 See Other to a presigned download valid for 5 minutes (CSV: RFC 4180, UTF-8 with BOM, formula-safe; JSON: rows then totals). Totals reconcile with GET /budgets/{fiscalYear}.',
    tag: 'Exports',
    query: ExportSpendQuery,
    responses: {
      303: {
        description: 'See the Location header: the download.',
        schema: SpendExportResource,
        headers: ['Location'],
      },
      400: { description: 'Invalid query (every invalid parameter listed).' },
      404: { description: 'No envelope for the fiscal year, or no line for the business function.' },
    },
    access: { budgets: 'read', requests: 'read', vendors: 'read', exports: 'write' },
  },
];
