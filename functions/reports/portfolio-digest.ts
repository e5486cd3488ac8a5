import type { Contact } from '../shared/contacts.js';
import type { OutgoingEmail } from '../shared/email.js';
import { groupedAmount } from '../shared/readable.js';
import type { Portfolio } from './model.js';

/** The link the digest gives: the API's page route, which answers a fresh short-lived download. */
export const portfolioPageLink = (baseUrl: string, fiscalYear: string) =>
  `${baseUrl}/reports/portfolio?fiscalYear=${fiscalYear}&format=html`;

/** The headline figures, one line each, as the page's headline shows them. */
export function headlineLines(portfolio: Portfolio): string[] {
  const { totals, byVendor, triage, pending } = portfolio;
  const amount = (money: { amount: string; currency: string }) =>
    `${groupedAmount(money.amount)} ${money.currency}`;
  const waiting = (bands: Portfolio['pending']['triage']) =>
    bands.reduce((sum, band) => sum + band.requests, 0);
  return [
    `Allocated: ${amount(totals.allocated)} of an envelope of ${amount(totals.envelope)}`,
    `Committed: ${amount(totals.committed)}`,
    `Actual (invoiced): ${amount(totals.actual)}`,
    `Available: ${amount(totals.available)}`,
    `Requested (pipeline): ${amount(totals.requested)}`,
    `Utilisation: ${totals.utilizationPercent ?? '-'}%`,
    `Top 5 vendors' share of spend: ${byVendor.top5SharePercent ?? '-'}%; Herfindahl-Hirschman index: ${byVendor.herfindahlHirschmanIndex ?? '-'}`,
    `Redirected to internal capabilities: ${amount(triage.redirectedToInternalCapabilities.amount)}`,
    `Waiting now: ${waiting(pending.triage)} in triage, ${waiting(pending.approvals)} in approval`,
  ];
}

/** The weekly digest: one email to every configured recipient. */
export function portfolioDigestEmail(
  portfolio: Portfolio,
  recipients: Contact[],
  baseUrl: string,
): OutgoingEmail {
  const link = portfolioPageLink(baseUrl, portfolio.fiscalYear);
  return {
    to: recipients.map((recipient) => recipient.email),
    subject: `Consultancy portfolio ${portfolio.fiscalYear}: the week's figures`,
    text: [
      `The consultancy portfolio of ${portfolio.fiscalYear}, as of ${portfolio.generatedAt}:`,
      '',
      ...headlineLines(portfolio).map((line) => `- ${line}`),
      '',
      `The page, with charts by business function, quarter and vendor: ${link}`,
      '(open it with your API token; it answers with a download link valid for 5 minutes)',
      '',
    ].join('\n'),
  };
}
