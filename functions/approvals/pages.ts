import { createHash } from 'node:crypto';
import type { ExceptionFigures } from '../budgets/exception-figures.js';
import type { FieldIssue } from '../shared/errors.js';
import { Html, html } from '../shared/html.js';
import { formatMoney } from '../shared/money.js';
import { readableDateTime } from '../shared/readable.js';
import { stepText, summaryRows } from './emails.js';
import { type Approval, decisionWords } from './model.js';

/**
 * The approver's pages: server-rendered, no script at all, nothing loaded from anywhere, one
 * inline style allowed by its hash. Usable on a phone (one column, large targets).
 */

const STYLE = `
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1b1f24;background:#f4f6f8}
main{max-width:44rem;margin:0 auto;padding:1rem}
h1{font-size:1.4rem;margin:.5rem 0 1rem}
.card{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:1rem;margin-bottom:1rem}
dl{display:grid;grid-template-columns:minmax(8rem,auto) 1fr;gap:.4rem 1rem;margin:0}
dt{font-weight:600;color:#57606a}dd{margin:0;overflow-wrap:anywhere;white-space:pre-line}
label{display:block;margin:.75rem 0 .25rem;font-weight:600}
.check{display:flex;gap:.5rem;align-items:flex-start;font-weight:600}
.check input{width:1.4rem;height:1.4rem;margin:0}
textarea{width:100%;box-sizing:border-box;min-height:6rem;font:inherit;padding:.5rem}
select,input[type=text]{width:100%;box-sizing:border-box;font:inherit;padding:.6rem}
h2{font-size:1.1rem;margin:0 0 .75rem}.warn{background:#fff8c5;border-color:#bf8700}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;margin-top:1rem}
button{font:inherit;font-weight:600;padding:.8rem 1.4rem;border-radius:6px;border:1px solid transparent;min-width:9rem;cursor:pointer}
.approve{background:#1a7f37;color:#fff}.reject{background:#fff;color:#cf222e;border-color:#cf222e}
.send-back{background:#fff;color:#0550ae;border-color:#0550ae}
.error{background:#ffebe9;border:1px solid #cf222e;border-radius:6px;padding:.75rem;margin-bottom:1rem}
.ok{background:#dafbe1;border:1px solid #1a7f37;border-radius:6px;padding:.75rem}
@media (max-width:30rem){dl{grid-template-columns:1fr}dt{margin-top:.4rem}button{flex:1 1 100%}}
`;

const styleHash = createHash('sha256').update(STYLE).digest('base64');

/** No script, no plugin, no frame, no foreign host (not even a favicon request): forms may only post back here. */
export const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': `default-src 'none'; style-src 'sha256-${styleHash}'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
};

function page(title: string, body: Html): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<link rel="icon" href="data:,">
<title>${title}</title>
<style>${new Html(STYLE)}</style>
</head>
<body><main>${body}</main></body>
</html>`.value;
}

function summary(approval: Approval): Html {
  const rows = summaryRows(approval.subject);
  return html`<section class="card" aria-label="Request summary">
<dl>${rows.map(([label, value]) => html`<dt>${label}</dt><dd>${value}</dd>`)}
<dt>Description</dt><dd>${approval.subject.description}</dd></dl>
</section>`;
}

/** What the last post brought back: what was wrong, and the values to show again. */
export interface FormState {
  issues?: FieldIssue[];
  comment?: string;
  reviewed?: boolean;
  fundFrom?: string;
  amount?: string;
}

const moneyOf = (minor: number, currency: string) => {
  const { amount } = formatMoney({ minor, currency });
  return `${currency} ${amount}`;
};

/** A budget exception's line and the lines that could fund it, as they stand now. */
function exceptionCard(figures: ExceptionFigures): Html {
  const { line } = figures;
  const rows: [string, string][] = [
    ['Budget line', `${line.businessFunction}, ${line.fiscalYear}`],
    ['Allocated', moneyOf(line.allocated, line.currency)],
    ['Committed', moneyOf(line.committed, line.currency)],
    ['Invoiced (actuals)', moneyOf(line.actual, line.currency)],
    ['Available', moneyOf(line.available, line.currency)],
    ['Shortfall', moneyOf(figures.shortfallMinor, line.currency)],
  ];
  return html`<section class="card warn" aria-labelledby="over-budget">
<h2 id="over-budget">Over budget: a budget exception</h2>
<p>Every approver approved this request, but its amount does not fit its budget line. Fund it by a transfer from another business function’s line of ${line.fiscalYear}, or reject it: then nothing is committed.</p>
<dl>${rows.map(([label, value]) => html`<dt>${label}</dt><dd>${value}</dd>`)}</dl>
</section>`;
}

function exceptionFields(figures: ExceptionFigures, form: FormState): Html {
  const { line } = figures;
  return html`<label for="fundFrom">Fund by a transfer from</label>
<select id="fundFrom" name="fundFrom">
<option value="">Choose a business function</option>
${figures.sources.map(
  (source) =>
    html`<option value="${source.businessFunction}"${form.fundFrom === source.businessFunction ? html` selected` : ''}>${source.businessFunction} (${moneyOf(source.available, source.currency)} available)</option>`,
)}
</select>
<label for="amount">Amount to transfer, ${line.currency} (empty: the shortfall, ${formatMoney({ minor: figures.shortfallMinor, currency: line.currency }).amount})</label>
<input type="text" id="amount" name="amount" inputmode="decimal" autocomplete="off" value="${form.amount ?? ''}">`;
}

/** The decision form; `form` brings back what was wrong with the last post. A budget exception shows its figures. */
export function decisionPage(approval: Approval, form: FormState = {}, figures?: ExceptionFigures): string {
  const issues = form.issues ?? [];
  const exception = figures !== undefined;
  return page(
    `${exception ? 'Budget exception' : 'Approval'}: ${approval.subject.title}`,
    html`<h1>${exception ? 'Budget exception' : 'Approval needed'}: ${approval.subject.title}</h1>
<p>For ${approval.approver.name}${approval.onBehalfOf ? ` on behalf of ${approval.onBehalfOf.name}` : ''}. Decide by ${readableDateTime(approval.linkExpiresAt)}.</p>
${stepText(approval) ? html`<p>${stepText(approval)}</p>` : ''}
${
  issues.length > 0
    ? html`<div class="error" role="alert"><strong>Nothing was decided.</strong><ul>${issues.map((issue) => html`<li>${issue.message}</li>`)}</ul></div>`
    : ''
}
${figures ? exceptionCard(figures) : ''}
${summary(approval)}
<form method="post" class="card">
<label class="check"><input type="checkbox" name="reviewed" value="yes" required${form.reviewed ? html` checked` : ''}> I have reviewed this request</label>
${figures ? exceptionFields(figures, form) : ''}
<label for="comment">Comment (required to reject${exception ? '' : ', or to send it back: say what should change'})</label>
<textarea id="comment" name="comment" maxlength="2000">${form.comment ?? ''}</textarea>
<div class="actions">
${
  exception
    ? html`<button type="submit" name="decision" value="FUND_BY_TRANSFER" class="approve">Fund by transfer</button>`
    : html`<button type="submit" name="decision" value="APPROVED" class="approve">Approve</button>`
}
${exception ? '' : html`<button type="submit" name="decision" value="SEND_BACK" class="send-back">Send back for changes</button>`}
<button type="submit" name="decision" value="REJECTED" class="reject">Reject</button>
</div>
</form>`,
  );
}

export function decidedPage(approval: Approval): string {
  const decision = approval.decision;
  const word = decision?.funding ? 'funded' : decision ? decisionWords(decision.outcome) : 'decided';
  const { number, of } = approval.step;
  const funding = decision?.funding;
  const next = funding
    ? `A transfer of ${moneyOf(funding.amount.minor, funding.amount.currency)} from ${funding.from} funded it, and its amount is committed: the request is approved. ${approval.subject.requester.name} will be told by email.`
    : decision?.outcome === 'APPROVED' && number < of
      ? `The request moves on through its approval chain; ${approval.subject.requester.name} will be told the outcome by email.`
      : decision?.outcome === 'SENT_BACK'
        ? `${approval.subject.requester.name} will be emailed your comment. When they resubmit the request, this step is asked again (or the chain starts again, if what decides it changed).`
        : `${approval.subject.requester.name} will be told by email.`;
  return page(
    `Request ${word}`,
    html`<h1>You ${word} the request</h1>
<p class="ok" role="status">Your decision on “${approval.subject.title}” was recorded on ${decision ? readableDateTime(decision.decidedAt) : ''} as your electronic signature (${approval.approver.name}, ${approval.approver.email}${approval.onBehalfOf ? `, on behalf of ${approval.onBehalfOf.name}` : ''}). ${next}</p>
${decision?.comment ? html`<p>Your comment: ${decision.comment}</p>` : ''}
${summary(approval)}`,
  );
}

/** A link that cannot (or can no longer) be used: what happened, and that nothing was decided. */
export function problemPage(title: string, message: string): string {
  return page(
    title,
    html`<h1>${title}</h1><div class="error" role="alert"><p>${message}</p><p>Nothing was decided.</p></div>`,
  );
}
