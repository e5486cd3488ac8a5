import type { RouteDefinition } from '../platform/route.js';
import { PortfolioDownloadResource, PortfolioQuery, PortfolioResource } from './model.js';

const tag = 'Reports';

/**
 * The portfolio reads a year's whole ledger and positions: given the export job's memory (its
 * pages stay bounded whatever the year's size, so this is headroom) and API Gateway's 29 s.
 */
export const PORTFOLIO_LAMBDA = { memorySize: 1024, timeoutSeconds: 29 };

export const reportRoutes: RouteDefinition[] = [
  {
    operationId: 'getPortfolio',
    method: 'GET',
    path: '/reports/portfolio',
    entry: 'functions/reports/get-portfolio.ts',
    summary: 'The portfolio view of a fiscal year: where the consultancy money goes',
    description:
      'Roles finance, admin or triager. By business function (the budget view’s figures), by category, by vendor (share of spend, top-5 share, Herfindahl-Hirschman index), by quarter, triage outcomes with money (redirected in-house included), cycle times (median and 90th percentile days) and what waits now by age band. Money is exact; shares and the index are rounded half up to two decimals. `format=html` answers 303 See Other to the page (inline SVG charts, no script), a presigned download valid for 5 minutes.',
    tag,
    query: PortfolioQuery,
    responses: {
      200: { description: 'The figures.', schema: PortfolioResource },
      303: {
        description: 'See the Location header: the page (format=html).',
        schema: PortfolioDownloadResource,
        headers: ['Location'],
      },
      400: { description: 'Invalid query (every invalid parameter listed).' },
      404: { description: 'No envelope for the fiscal year.' },
    },
    access: {
      budgets: 'read',
      requests: 'read',
      vendors: 'read',
      exports: 'report',
      settings: ['fiscalYearStartMonth'],
    },
    lambda: PORTFOLIO_LAMBDA,
  },
];
