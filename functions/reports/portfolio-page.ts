import { createHash } from 'node:crypto';
import { scaleBand, scaleLinear } from 'd3-scale';
import { stack } from 'd3-shape';
import { Html, html } from '../shared/html.js';
import type { MoneyDto } from '../shared/money.js';
import { groupedAmount } from '../shared/readable.js';
import type { Portfolio } from './model.js';

/**
 * The portfolio view as one self-contained page: inline SVG charts drawn on the server with
 * d3's scale and shape modules (d3 computes the geometry; we write the SVG markup), the figures
 * in tables beside them, no script, nothing loaded from anywhere (the CSP in a meta element,
 * since the page is downloaded from the exports bucket, which sends no such header).
 * Every figure a chart or table shows is a `<data value>` of the JSON's own amount string,
 * named by `data-figure`, so a test can hold the page to the JSON.
 */

/** Series colours, each dark enough for white-on-colour and colour-on-white contrast. */
const PALETTE = [
  '#0969da',
  '#1a7f37',
  '#9a6700',
  '#8250df',
  '#bf3989',
  '#0550ae',
  '#116329',
  '#953800',
  '#6639ba',
  '#57606a',
];

const STYLE = `
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1b1f24;background:#f4f6f8}
main{max-width:60rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;margin:.5rem 0}h2{font-size:1.15rem;margin:0 0 .5rem}
.card{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:1rem;margin-bottom:1rem}
.headline{display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:.75rem;margin:0}
.headline div{border-left:4px solid #0969da;padding-left:.5rem}.headline dt{color:#57606a;font-size:.85rem}
.headline dd{margin:0;font-weight:600;overflow-wrap:anywhere}
svg{display:block;width:100%;height:auto;margin:.5rem 0}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{padding:.3rem .5rem;border-bottom:1px solid #d0d7de;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left;white-space:normal}
caption{text-align:left;font-weight:600;padding:.25rem 0}
.legend{display:flex;flex-wrap:wrap;gap:.25rem 1rem;margin:0;padding:0;list-style:none;font-size:.9rem}
.swatch{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:middle;border-radius:2px}
${PALETTE.map((color, index) => `.c${index}{background:${color}}`).join('')}
.note{color:#57606a;font-size:.85rem}
@media (max-width:30rem){main{padding:.5rem}table{font-size:.8rem}}
`;

const styleHash = createHash('sha256').update(STYLE).digest('base64');

/** As the approver's pages: no script, no foreign host; no form. In a meta element (see above). */
export const PAGE_CSP = `default-src 'none'; style-src 'sha256-${styleHash}'; img-src data:; form-action 'none'; base-uri 'none'`;

/** A figure: the JSON's value for machines, grouped digits for people. */
const figure = (name: string, money: MoneyDto) =>
  html`<data data-figure="${name}" value="${money.amount}">${groupedAmount(money.amount)}</data>`;
const count = (name: string, value: number | string | null) =>
  html`<data data-figure="${name}" value="${value ?? ''}">${value ?? '–'}</data>`;
/** An amount's minor units, for a chart's geometry only (never for money arithmetic). */
const minorOf = (money: MoneyDto) => Number(money.amount.replace('.', ''));

const WIDTH = 640;

function svg(id: string, title: string, height: number, body: Html): Html {
  return html`<svg viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="${id}-title" xmlns="http://www.w3.org/2000/svg"><title id="${id}-title">${title}</title>${body}</svg>`;
}

const legend = (names: string[]) =>
  html`<ul class="legend">${names.map((name, index) => html`<li><span class="swatch c${index % PALETTE.length}"></span>${name}</li>`)}</ul>`;

/** Budget against commitments and actuals, per business function: three bars each. */
function budgetChart(portfolio: Portfolio): Html {
  const rows = portfolio.byBusinessFunction;
  const measures = ['allocated', 'committed', 'actual'] as const;
  const label = 110;
  const y = scaleBand<string>()
    .domain(rows.map((row) => row.businessFunction))
    .range([0, Math.max(1, rows.length) * 54])
    .padding(0.2);
  const max = Math.max(1, ...rows.flatMap((row) => measures.map((measure) => minorOf(row[measure]))));
  const x = scaleLinear()
    .domain([0, max])
    .range([0, WIDTH - label - 10]);
  const inner = scaleBand<string>()
    .domain([...measures])
    .range([0, y.bandwidth()])
    .padding(0.1);
  const bars = rows.map(
    (row) =>
      html`<g transform="translate(0,${y(row.businessFunction)})"><text x="0" y="${y.bandwidth() / 2}" dy="0.35em" font-size="14" fill="#1b1f24">${row.businessFunction}</text>${measures.map(
        (measure, index) =>
          html`<rect x="${label}" y="${inner(measure)}" width="${x(minorOf(row[measure])).toFixed(1)}" height="${inner.bandwidth().toFixed(1)}" fill="${PALETTE[index]}"><title>${row.businessFunction} ${measure}: ${groupedAmount(row[measure].amount)}</title></rect>`,
      )}</g>`,
  );
  return html`${svg('budget', 'Budget against commitments and actuals by business function', y.range()[1] ?? 54, html`${bars}`)}${legend(['allocated', 'committed', 'actual'])}`;
}

/** Actuals per quarter (by invoice date), stacked by business function with d3-shape's stack. */
function quarterChart(portfolio: Portfolio): Html {
  const functions = portfolio.byBusinessFunction.map((row) => row.businessFunction);
  const data = portfolio.byQuarter.map(
    (quarter) =>
      Object.fromEntries([
        ['quarter', 0],
        ...functions.map((code) => [
          code,
          minorOf(quarter.actualByBusinessFunction[code] ?? { amount: '0', currency: portfolio.currency }),
        ]),
      ]) as Record<string, number>,
  );
  const series = stack<Record<string, number>>().keys(functions)(data);
  const height = 220;
  const x = scaleBand<string>()
    .domain(portfolio.byQuarter.map((quarter) => quarter.quarter))
    .range([40, WIDTH])
    .padding(0.25);
  const max = Math.max(1, ...data.map((row) => functions.reduce((sum, code) => sum + (row[code] ?? 0), 0)));
  const y = scaleLinear()
    .domain([0, max])
    .range([height - 24, 8]);
  const rects = series.flatMap((layer, index) =>
    layer.map((point, quarterIndex) => {
      const quarter = portfolio.byQuarter[quarterIndex]!;
      return html`<rect x="${x(quarter.quarter)!.toFixed(1)}" y="${y(point[1]).toFixed(1)}" width="${x.bandwidth().toFixed(1)}" height="${(y(point[0]) - y(point[1])).toFixed(1)}" fill="${PALETTE[index % PALETTE.length]}"><title>${quarter.quarter} ${layer.key}: ${groupedAmount(quarter.actualByBusinessFunction[layer.key]?.amount ?? '0')}</title></rect>`;
    }),
  );
  const labels = portfolio.byQuarter.map(
    (quarter) =>
      html`<text x="${(x(quarter.quarter)! + x.bandwidth() / 2).toFixed(1)}" y="${height - 6}" text-anchor="middle" font-size="14" fill="#1b1f24">${quarter.quarter}</text>`,
  );
  return html`${svg('quarters', 'Actuals by quarter, stacked by business function', height, html`${rects}${labels}`)}${legend(functions)}`;
}

/** Vendors ranked by spend, with their share. */
function vendorChart(portfolio: Portfolio): Html {
  const vendors = portfolio.byVendor.vendors;
  if (vendors.length === 0) return html`<p>No spend with a vendor yet.</p>`;
  const label = 200;
  const y = scaleBand<string>()
    .domain(vendors.map((vendor) => vendor.vendorId))
    .range([0, vendors.length * 30])
    .padding(0.2);
  const x = scaleLinear()
    .domain([0, Math.max(1, minorOf(vendors[0]!.spend))])
    .range([0, WIDTH - label - 70]);
  const bars = vendors.map(
    (vendor) =>
      html`<g transform="translate(0,${y(vendor.vendorId)!.toFixed(1)})"><text x="0" y="${y.bandwidth() / 2}" dy="0.35em" font-size="13" fill="#1b1f24">${vendor.name.length > 26 ? `${vendor.name.slice(0, 25)}…` : vendor.name}</text><rect x="${label}" width="${x(minorOf(vendor.spend)).toFixed(1)}" height="${y.bandwidth().toFixed(1)}" fill="${PALETTE[0]}"><title>${vendor.name}: ${groupedAmount(vendor.spend.amount)}</title></rect><text x="${(label + x(minorOf(vendor.spend)) + 6).toFixed(1)}" y="${y.bandwidth() / 2}" dy="0.35em" font-size="13" fill="#1b1f24">${vendor.sharePercent ?? '–'}%</text></g>`,
  );
  return svg('vendors', 'Vendors ranked by spend, with their share', y.range()[1]!, html`${bars}`);
}

const table = (caption: string, head: string[], rows: Html[]) =>
  html`<div class="scroll" role="region" aria-label="${caption}" tabindex="0"><table><caption>${caption}</caption><thead><tr>${head.map((cell) => html`<th scope="col">${cell}</th>`)}</tr></thead><tbody>${rows}</tbody></table></div>`;

export function renderPortfolioPage(portfolio: Portfolio): string {
  const { totals, byVendor, triage, cycleTimes, pending } = portfolio;
  const headline: [string, Html][] = [
    ['Envelope', figure('totals.envelope', totals.envelope)],
    ['Allocated', figure('totals.allocated', totals.allocated)],
    ['Committed', figure('totals.committed', totals.committed)],
    ['Actual', figure('totals.actual', totals.actual)],
    ['Available', figure('totals.available', totals.available)],
    ['Requested (pipeline)', figure('totals.requested', totals.requested)],
    ['Utilisation', html`${count('totals.utilizationPercent', totals.utilizationPercent)}%`],
    ['Redirected in-house', figure('triage.redirected', triage.redirectedToInternalCapabilities.amount)],
  ];
  const durationRow = (
    name: string,
    key: string,
    figures: Portfolio['cycleTimes']['submissionToTriageDecision'],
  ) =>
    html`<tr><th scope="row">${name}</th><td>${count(`${key}.count`, figures.count)}</td><td>${count(`${key}.medianDays`, figures.medianDays)}</td><td>${count(`${key}.p90Days`, figures.p90Days)}</td></tr>`;
  const body = html`<h1>Consultancy portfolio ${portfolio.fiscalYear}</h1>
<p class="note">All amounts in ${portfolio.currency}. Generated ${portfolio.generatedAt}.</p>
<section class="card" aria-labelledby="h-headline"><h2 id="h-headline">Headline</h2>
<dl class="headline">${headline.map(([name, value]) => html`<div><dt>${name}</dt><dd>${value}</dd></div>`)}</dl></section>
<section class="card" aria-labelledby="h-functions"><h2 id="h-functions">Budget against actuals by business function</h2>
${budgetChart(portfolio)}
${table(
  'By business function',
  ['Business function', 'Allocated', 'Requested', 'Committed', 'Actual', 'Available', 'Utilisation %'],
  portfolio.byBusinessFunction.map((row) => {
    const key = `byBusinessFunction.${row.businessFunction}`;
    return html`<tr><th scope="row">${row.businessFunction}</th><td>${figure(`${key}.allocated`, row.allocated)}</td><td>${figure(`${key}.requested`, row.requested)}</td><td>${figure(`${key}.committed`, row.committed)}</td><td>${figure(`${key}.actual`, row.actual)}</td><td>${figure(`${key}.available`, row.available)}</td><td>${count(`${key}.utilizationPercent`, row.utilizationPercent)}</td></tr>`;
  }),
)}</section>
<section class="card" aria-labelledby="h-quarters"><h2 id="h-quarters">By quarter</h2>
${quarterChart(portfolio)}
${table(
  'Actuals by invoice date, commitments by start date',
  ['Quarter', 'From', 'To', 'Actual', 'Committed'],
  portfolio.byQuarter.map(
    (quarter) =>
      html`<tr><th scope="row">${quarter.quarter}</th><td>${quarter.from}</td><td>${quarter.to}</td><td>${figure(`byQuarter.${quarter.quarter}.actual`, quarter.actual)}</td><td>${figure(`byQuarter.${quarter.quarter}.committed`, quarter.committed)}</td></tr>`,
  ),
)}</section>
<section class="card" aria-labelledby="h-vendors"><h2 id="h-vendors">Vendors and concentration</h2>
<p>Top 5 vendors' share of spend: <strong>${count('byVendor.top5SharePercent', byVendor.top5SharePercent)}%</strong>;
Herfindahl-Hirschman index: <strong>${count('byVendor.herfindahlHirschmanIndex', byVendor.herfindahlHirschmanIndex)}</strong> (0-10,000; above 2,500 is highly concentrated).</p>
${vendorChart(portfolio)}
${table(
  'By vendor (spend: the larger of commitment and actuals, per request)',
  ['Vendor', 'Status', 'Risk', 'Review', 'Committed', 'Actual', 'Spend', 'Share %'],
  [
    ...byVendor.vendors.map((vendor) => {
      const key = `byVendor.${vendor.vendorId}`;
      return html`<tr><th scope="row">${vendor.name}</th><td>${vendor.status ?? ''}</td><td>${vendor.riskTier ?? ''}</td><td>${vendor.averageReviewScore ?? '–'}</td><td>${figure(`${key}.committed`, vendor.committed)}</td><td>${figure(`${key}.actual`, vendor.actual)}</td><td>${figure(`${key}.spend`, vendor.spend)}</td><td>${count(`${key}.sharePercent`, vendor.sharePercent)}</td></tr>`;
    }),
    html`<tr><th scope="row">No vendor named</th><td></td><td></td><td></td><td>${figure('byVendor.withoutVendor.committed', byVendor.withoutVendor.committed)}</td><td>${figure('byVendor.withoutVendor.actual', byVendor.withoutVendor.actual)}</td><td>${figure('byVendor.withoutVendor.spend', byVendor.withoutVendor.spend)}</td><td></td></tr>`,
  ],
)}</section>
<section class="card" aria-labelledby="h-categories"><h2 id="h-categories">By category</h2>
${table(
  'By category',
  ['Category', 'Requests', 'Requested', 'Committed', 'Actual'],
  portfolio.byCategory.map((row) => {
    const key = `byCategory.${row.category}`;
    return html`<tr><th scope="row">${row.category}</th><td>${count(`${key}.requests`, row.requests)}</td><td>${figure(`${key}.requested`, row.requested)}</td><td>${figure(`${key}.committed`, row.committed)}</td><td>${figure(`${key}.actual`, row.actual)}</td></tr>`;
  }),
)}</section>
<section class="card" aria-labelledby="h-pipeline"><h2 id="h-pipeline">Pipeline: what waits, and how long</h2>
${table(
  `Waiting now (as of ${pending.asOf})`,
  ['Age', 'In triage', 'Amount', 'In approval', 'Amount'],
  pending.triage.map((band, index) => {
    const approvals = pending.approvals[index]!;
    const key = `pending.${band.band}`;
    return html`<tr><th scope="row">${band.band}</th><td>${count(`${key}.triage.requests`, band.requests)}</td><td>${figure(`${key}.triage.amount`, band.amount)}</td><td>${count(`${key}.approvals.requests`, approvals.requests)}</td><td>${figure(`${key}.approvals.amount`, approvals.amount)}</td></tr>`;
  }),
)}
${table(
  'Triage outcomes',
  ['Outcome', 'Requests', 'Amount'],
  triage.outcomes.map(
    (row) =>
      html`<tr><th scope="row">${row.outcome}</th><td>${count(`triage.${row.outcome}.requests`, row.requests)}</td><td>${figure(`triage.${row.outcome}.amount`, row.amount)}</td></tr>`,
  ),
)}
${table(
  'Cycle times (days)',
  ['From submission to', 'Requests', 'Median', '90th percentile'],
  [
    durationRow(
      'triage decision',
      'cycleTimes.submissionToTriageDecision',
      cycleTimes.submissionToTriageDecision,
    ),
    durationRow(
      'final decision',
      'cycleTimes.submissionToFinalDecision',
      cycleTimes.submissionToFinalDecision,
    ),
    ...cycleTimes.byApprovalStep.map((step) =>
      durationRow(`approval step: ${step.step}`, `cycleTimes.step.${step.step}`, step),
    ),
  ],
)}</section>`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${PAGE_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<link rel="icon" href="data:,">
<title>Consultancy portfolio ${portfolio.fiscalYear}</title>
<style>${new Html(STYLE)}</style>
</head>
<body><main>${body}</main></body>
</html>`.value;
}
