import * as z from 'zod';
import { FiscalYear } from '../budgets/model.js';
import { requireEnv } from '../shared/config.js';
import { parseContacts } from '../shared/contacts.js';
import { sendEmail } from '../shared/email.js';
import { fiscalYearOfDate } from '../shared/fiscal-calendar.js';
import { logger } from '../shared/logger.js';
import { portfolioOf } from './portfolio.js';
import { portfolioDigestEmail } from './portfolio-digest.js';

/** Links in the digest point at the API's public URL; recipients are configuration (`techops:portfolioDigestRecipients`). */
const baseUrl = requireEnv('PUBLIC_BASE_URL');
const recipients = parseContacts(requireEnv('PORTFOLIO_DIGEST_RECIPIENTS'), 'PORTFOLIO_DIGEST_RECIPIENTS');

/** A run for another year than the current one (`npm run portfolio-digest -- '{"fiscalYear":"FY2027"}'`). */
const DigestEvent = z.looseObject({ fiscalYear: FiscalYear.optional() });

/**
 * The weekly schedule's target: the current fiscal year's headline figures and the page's link,
 * emailed to the recipients. A year without an envelope sends nothing. A failed send fails the
 * run, for the schedule's retry.
 */
export async function handler(event: unknown) {
  const now = new Date();
  const fiscalYear =
    DigestEvent.parse(event ?? {}).fiscalYear ?? fiscalYearOfDate(now.toISOString().slice(0, 10));
  const portfolio = await portfolioOf(fiscalYear, now);
  if (!portfolio) {
    logger.info('Portfolio digest: no envelope for the fiscal year, nothing sent', { fiscalYear });
    return { fiscalYear, sent: [] as string[] };
  }
  const email = portfolioDigestEmail(portfolio, recipients, baseUrl);
  await sendEmail(email);
  logger.info('Portfolio digest sent', { fiscalYear, recipients: email.to.length });
  return { fiscalYear, sent: email.to };
}
