import { downloadOf, type ExportFile, putFile } from '../exports/export-bucket.js';
import { fileStamp } from '../exports/model.js';
import { type Caller, requireRole } from '../shared/auth.js';
import { NotFoundError } from '../shared/errors.js';
import type { Portfolio, PortfolioInput } from './model.js';
import { portfolioOf } from './portfolio.js';
import { renderPortfolioPage } from './portfolio-page.js';

/** Who may see the whole portfolio: finance, admins, and the triagers who shape it. */
export const PORTFOLIO_ROLES = ['finance', 'admin', 'triager'] as const;

export async function requirePortfolio(fiscalYear: string, now: Date): Promise<Portfolio> {
  const portfolio = await portfolioOf(fiscalYear, now);
  if (!portfolio) throw new NotFoundError(`No budget envelope is set for ${fiscalYear}.`);
  return portfolio;
}

/**
 * The page goes to the exports bucket, as the spend export does, and is read through a
 * presigned link: shown in the browser (inline), not saved as an attachment.
 */
export async function publishPortfolioPage(portfolio: Portfolio, now: Date) {
  const fileName = `portfolio-${portfolio.fiscalYear}-${fileStamp(now)}.html`;
  const file: ExportFile = {
    key: `reports/portfolio/${portfolio.fiscalYear}/${fileName}`,
    contentType: 'text/html; charset=utf-8',
    contentDisposition: `inline; filename="${fileName}"`,
  };
  await putFile(file, renderPortfolioPage(portfolio));
  return downloadOf(file, fileName, now);
}

/** GET /reports/portfolio: the figures, or the page's download. */
export async function getPortfolio(caller: Caller, query: PortfolioInput, now = new Date()) {
  requireRole(caller, ...PORTFOLIO_ROLES);
  const portfolio = await requirePortfolio(query.fiscalYear, now);
  return query.format === 'html'
    ? { format: 'html' as const, download: await publishPortfolioPage(portfolio, now) }
    : { format: 'json' as const, portfolio };
}
