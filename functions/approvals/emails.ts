import { CATEGORY_NAMES, type RequestCategory } from '../reference-data/schemas.js';
import type { ConsultancyRequest } from '../requests/model.js';
import type { RequestApprovalChainType } from '../shared/approval-summary.js';
import type { Contact } from '../shared/contacts.js';
import type { OutgoingEmail } from '../shared/email.js';
import { html } from '../shared/html.js';
import { formatMoney, type Money, type MoneyDto } from '../shared/money.js';
import { groupedAmount, readableCode, readableDate, readableDateTime } from '../shared/readable.js';
import type { RequestTriageType, TriageOutcome } from '../shared/request-triage.js';
import type { TriageAssessmentType } from '../shared/triage-assessment.js';
import type { Approval, ApprovalSubject } from './model.js';

/** Emails of the approval workflow: what is asked of the approver, and what came of it. */

/** "USD 185,000.00": exact (from minor units), grouped for reading. */
export const amountText = (money: Money) => dtoText(formatMoney(money));

/** An amount as the API writes it ({amount, currency}; a line's running total may be zero or negative), grouped for reading. */
function dtoText({ amount, currency }: MoneyDto): string {
  return `${currency} ${groupedAmount(amount)}`;
}

export function summaryRows(subject: ApprovalSubject): [string, string][] {
  return [
    ['Title', subject.title],
    ['Business function', `${subject.businessFunctionName} (${subject.businessFunction})`],
    ['Category', categoryName(subject.category)],
    ['Amount', amountText(subject.estimatedCost)],
    ['Dates', `${readableDate(subject.startDate)} to ${readableDate(subject.endDate)}`],
    ['Urgency', readableCode(subject.urgency)],
    ['Vendor', subject.preferredVendorName ?? subject.preferredVendorId ?? 'None named'],
    ['Requester', `${subject.requester.name} <${subject.requester.email}>`],
    ['Justification', subject.justification],
    ['Request id', subject.requestId],
    ...(subject.assessment ? assessmentRows(subject.assessment) : []),
    ...(subject.triage ? triageRows(subject.triage) : []),
  ];
}

const categoryName = (category: string) =>
  CATEGORY_NAMES[category as RequestCategory] ?? readableCode(category);

const TRIAGE_OUTCOME_WORDS: Record<TriageOutcome, string> = {
  ACCEPT: 'Accepted',
  REDIRECT_INTERNAL: 'Redirected to an internal team',
  NEEDS_INFO: 'Sent back for information',
  DECLINE: 'Declined',
};

/** How triage decided the request, in rows a person reads. */
export function triageRows(triage: RequestTriageType): [string, string][] {
  if (!triage.outcome) return [];
  const when = triage.decidedAt ? ` on ${readableDateTime(triage.decidedAt)}` : '';
  const decision = triage.autoRule
    ? `Accepted by the auto-triage rule "${triage.autoRule}"${when}: ${(triage.why ?? []).join('; ')}.`
    : `${TRIAGE_OUTCOME_WORDS[triage.outcome]} by ${triage.decidedBy?.name ?? 'a triager'}${when}` +
      `${triage.priority ? `, priority ${triage.priority}` : ''}.`;
  return [
    ['Triage', decision],
    ...(triage.note ? ([["Triager's note", triage.note]] as [string, string][]) : []),
    ...(triage.categoryCorrectedFrom
      ? ([['Category corrected', `from ${categoryName(triage.categoryCorrectedFrom)}`]] as [string, string][])
      : []),
  ];
}

/** What a line has left: "USD 5,000.00 left", or "USD 55,000.00 short" when it would be overspent. */
const afterText = ({ amount, currency }: MoneyDto) =>
  amount.startsWith('-')
    ? `${dtoText({ amount: amount.slice(1), currency })} short`
    : `${dtoText({ amount, currency })} left`;

/** What the triage assessment found at submission, in rows a person reads. */
export function assessmentRows(assessment: TriageAssessmentType): [string, string][] {
  const { budget, vendor } = assessment;
  const contract = (check: { valid: boolean; expiryDate?: string | undefined }) =>
    check.valid ? `valid${check.expiryDate ? ` until ${readableDate(check.expiryDate)}` : ''}` : 'none valid';
  return [
    ...(budget
      ? ([
          [
            'Budget line',
            `${budget.businessFunction} ${budget.fiscalYear}: ${dtoText(budget.available)} available, ` +
              `${dtoText(budget.pipeline)} asked by ${budget.pipelineRequests} other undecided request(s)` +
              (budget.remainingAfter ? `, ${afterText(budget.remainingAfter)} after this one` : ''),
          ],
        ] as [string, string][])
      : []),
    ...(vendor
      ? ([
          [
            'Vendor fit',
            `${vendor.displayName}: ${readableCode(vendor.status)}; ` +
              (vendor.coversCategory ? 'covers the category' : 'does not cover the category') +
              `; ${vendor.reviews.averageScore === undefined ? 'no reviews' : `average review ${vendor.reviews.averageScore.toFixed(2)} of 5 (${vendor.reviews.count})`}` +
              `; MSA ${contract(vendor.msa)}; NDA ${contract(vendor.nda)}; ${vendor.hasRateCard ? 'rate card' : 'no rate card'}`,
          ],
        ] as [string, string][])
      : []),
    [
      'Internal capabilities',
      assessment.internalCapabilities.length > 0
        ? assessment.internalCapabilities
            .map((team) => `${team.name} (${team.owner.name} <${team.owner.email}>)`)
            .join('; ')
        : 'None covers the category.',
    ],
    ...(assessment.possibleDuplicates.length > 0
      ? ([
          [
            'Possible duplicates',
            assessment.possibleDuplicates
              .map((other) => `${other.title} (${other.id}, ${readableCode(other.status)})`)
              .join('; '),
          ],
        ] as [string, string][])
      : []),
    [
      'Assessment flags',
      assessment.flags.length > 0
        ? assessment.flags.map((flag) => flag.message).join(' ')
        : 'Nothing flagged.',
    ],
  ];
}

/** What the approver should know of the chain around their step. */
export interface ChainContext {
  /** "Step 1 (Head of QA): approved by Dr. Ingrid Hale", for each earlier step decided. */
  decidedEarlier: string[];
  /** Segregation of duties moved the step to this approver. */
  reassignedReason?: string;
  /** A budget exception step: why the commitment was refused, with the line's figures then. */
  budgetRefusal?: { reason: string; figures: Record<string, unknown> };
}

/** The line's figures of a budget refusal, one "Label: USD 1.00" per line. */
function figureLinesOf(figures: Record<string, unknown>): string[] {
  return (
    [
      ['Needed', figures.requested],
      ['Available', figures.available],
      ['Allocated', figures.allocated],
      ['Committed', figures.committed],
      ['Invoiced (actuals)', figures.actual],
    ] as [string, Figure][]
  )
    .map(([label, figure]) => [label, figureText(figure)])
    .filter(([, text]) => text !== undefined)
    .map(([label, text]) => `${label}: ${text}`);
}

/** What a budget exception's approver is asked, and the figures that made it one. */
function budgetExceptionLines(context: ChainContext): string[] {
  if (!context.budgetRefusal) return [];
  return [
    'Every approver approved this request, but its amount does not fit its business function’s budget line:',
    context.budgetRefusal.reason,
    ...figureLinesOf(context.budgetRefusal.figures),
    'Fund it by a transfer from another business function’s line of the same fiscal year (at least the shortfall), or reject it: then nothing is committed.',
  ];
}

/** "Step 1 (Head of QA): approved by Dr. Ingrid Hale", for each step before `step` that was decided. */
export function decidedEarlierLines(chain: RequestApprovalChainType, step: number): string[] {
  return chain.steps
    .filter((candidate) => candidate.step < step && candidate.decidedBy !== undefined)
    .map((done) => `Step ${done.step} (${done.name}): approved by ${done.decidedBy?.name}`);
}

/** Where the approval stands in its chain, in one sentence. */
export function stepText(approval: Pick<Approval, 'step' | 'group'>): string {
  const { number, of, name } = approval.step;
  const position = of > 1 ? `This is step ${number} of ${of} (${name}).` : '';
  const group = approval.group
    ? ` You are asked as one of the ${approval.group} group: the first member's decision counts for all.`
    : '';
  return `${position}${group}`.trim();
}

export function approvalRequestEmail(approval: Approval, link: string, context: ChainContext): OutgoingEmail {
  const { approver, subject } = approval;
  const expiresAt = readableDateTime(approval.linkExpiresAt);
  const rows = summaryRows(subject);
  const delegated = approval.onBehalfOf
    ? `You are asked as the delegate of ${approval.onBehalfOf.name}: your decision is recorded on behalf of them.`
    : '';
  const chainLines = [
    stepText(approval),
    delegated,
    ...context.decidedEarlier,
    context.reassignedReason ?? '',
    ...budgetExceptionLines(context),
  ].filter((line) => line !== '');
  return {
    to: [approver.email],
    subject: `${approval.kind ? 'Budget exception' : 'Approval needed'}: ${subject.title} (${amountText(subject.estimatedCost)})`,
    text: [
      `Dear ${approver.name},`,
      '',
      `${subject.requester.name} asks for consultancy support. Please review the request and approve or reject it.`,
      ...(chainLines.length > 0 ? ['', ...chainLines] : []),
      '',
      ...rows.map(([label, value]) => `${label}: ${value}`),
      '',
      'Review and decide here (the link is personal to you, works once, and expires on',
      `${expiresAt}):`,
      link,
      '',
      'If you did not expect this email, do not forward it; simply ignore it.',
    ].join('\n'),
    html: html`<p>Dear ${approver.name},</p>
<p>${subject.requester.name} asks for consultancy support. Please review the request and approve or reject it.</p>
${chainLines.map((line) => html`<p>${line}</p>`)}
<table>${rows.map(([label, value]) => html`<tr><th align="left">${label}</th><td>${value}</td></tr>`)}</table>
<p><a href="${link}">Review and decide</a> (personal to you, works once, expires ${expiresAt}).</p>`.value,
  };
}

const OUTCOME_TEXT: Record<string, string> = {
  APPROVED: 'was approved',
  REJECTED: 'was rejected',
  BUDGET_EXCEEDED: "is over budget: it was approved, but its business function's budget cannot cover it",
  EXPIRED: 'expired: nobody decided it in time',
  NEEDS_INFO: 'needs more information: triage has questions for you',
  CHANGES_REQUESTED: 'was sent back to you for changes by an approver',
  REDIRECTED: 'was redirected to an internal team: triage found the work can be done inside',
  DECLINED: 'was declined at triage',
  ERROR: 'could not be processed: please contact TechOps strategy & business operations',
};

/** Figures of a budget line as the budget API reports them ({amount, currency}). */
type Figure = { amount?: unknown; currency?: unknown } | undefined;
const figureText = (figure: Figure) =>
  figure && typeof figure.amount === 'string' ? `${figure.currency} ${figure.amount}` : undefined;

export interface OutcomeDetails {
  decidedBy?: Contact;
  /** The decider was a delegate of this approver. */
  onBehalfOf?: Contact;
  comment?: string;
  decidedAt?: string;
  /** Told as well when the approval could not be committed (BUDGET_EXCEEDED). */
  approver?: Contact;
  budgetRefusal?: { reason: string; figures: Record<string, unknown> };
  /** The triage decision that ended (or paused) the request: its questions, team or duplicate. */
  triage?: RequestTriageType;
}

/** What a triage decision asks of the requester, or where it sent the work. */
function triageLines(triage: RequestTriageType | undefined, requestId: string): string[] {
  if (!triage) return [];
  const capability = triage.internalCapability;
  return [
    ...(triage.questions && triage.outcome === 'NEEDS_INFO'
      ? [
          '',
          'Questions:',
          ...triage.questions.map((question, index) => `${index + 1}. ${question}`),
          '',
          `Change the request with PATCH /requests/${requestId} if needed, then send your answer with POST /requests/${requestId}/resubmit: it goes back to triage.`,
        ]
      : []),
    ...(capability
      ? [
          '',
          `The work goes to ${capability.name}; ${capability.owner.name} <${capability.owner.email}> will contact you.`,
        ]
      : []),
    ...(triage.duplicateOf ? ['', `It duplicates request ${triage.duplicateOf}.`] : []),
  ];
}

export function outcomeEmail(
  requester: Contact,
  subject: Pick<ApprovalSubject, 'title' | 'estimatedCost'> & { requestId: string },
  outcome: string,
  details: OutcomeDetails,
): OutgoingEmail {
  const what = OUTCOME_TEXT[outcome] ?? `is now ${outcome}`;
  const figureLines = figureLinesOf(details.budgetRefusal?.figures ?? {});
  const lines = [
    `Dear ${requester.name},`,
    '',
    `Your consultancy request "${subject.title}" (${amountText(subject.estimatedCost)}, ${subject.requestId}) ${what}.`,
    ...(details.decidedBy
      ? [
          '',
          `Decided by ${details.decidedBy.name} <${details.decidedBy.email}>${details.onBehalfOf ? ` on behalf of ${details.onBehalfOf.name}` : ''}${details.decidedAt ? ` on ${readableDateTime(details.decidedAt)}` : ''}.`,
        ]
      : []),
    ...(details.comment ? ['', `Comment: ${details.comment}`] : []),
    ...triageLines(details.triage, subject.requestId),
    ...(details.budgetRefusal ? ['', details.budgetRefusal.reason, ...figureLines] : []),
    ...(outcome === 'BUDGET_EXCEEDED'
      ? ['', 'Nothing was committed. Ask for a transfer or a larger allocation, then submit it again.']
      : []),
    ...(outcome === 'EXPIRED' ? ['', 'You may submit it again if the need remains.'] : []),
    ...(outcome === 'CHANGES_REQUESTED'
      ? [
          '',
          `Change the request with PATCH /requests/${subject.requestId}, then resubmit it with POST /requests/${subject.requestId}/resubmit (or withdraw it).`,
          "Its approval then goes on from the step that sent it back; it starts again from the first step if the estimated cost rises beyond the approval policy's threshold, or the vendor, category or business function changes.",
        ]
      : []),
  ];
  const cc = outcome === 'BUDGET_EXCEEDED' && details.approver ? [details.approver.email] : [];
  return emailOf([requester.email, ...cc], `Your request ${what.split(':')[0]}: ${subject.title}`, lines);
}

/** An email of paragraphs: the text part line by line, the HTML part a paragraph per line. */
export function emailOf(to: string[], subject: string, lines: string[]): OutgoingEmail {
  return {
    to,
    subject,
    text: lines.join('\n'),
    html: html`${lines.filter(Boolean).map((line) => html`<p>${line}</p>`)}`.value,
  };
}

/** Tells an internal team's owner that triage sent them a request's work. */
export function redirectedToTeamEmail(request: ConsultancyRequest): OutgoingEmail | undefined {
  const capability = request.triage?.internalCapability;
  if (!capability) return undefined;
  return emailOf([capability.owner.email], `Work redirected to ${capability.name}: ${request.title}`, [
    `Dear ${capability.owner.name},`,
    '',
    `Triage redirected a consultancy request of ${request.businessFunction} to ${capability.name} rather than buying it outside.`,
    '',
    `Request: ${request.title} (${request.id})`,
    `Requester: ${request.requester.name} <${request.requester.email}>`,
    `Estimated cost outside: ${amountText(request.estimatedCost)}`,
    `What is asked: ${request.description}`,
    ...(request.triage?.note ? [`Triager's note: ${request.triage.note}`] : []),
    '',
    'Please contact the requester to plan the work.',
  ]);
}

/** Tells an approver whose pending approval their delegation moved to the delegate that it no longer needs them. */
export function delegatedAwayEmail(
  approver: Contact,
  subject: ApprovalSubject,
  delegate: Contact,
): OutgoingEmail {
  return emailOf([approver.email], `No longer needed: ${subject.title}`, [
    `Dear ${approver.name},`,
    '',
    `The consultancy request "${subject.title}" (${amountText(subject.estimatedCost)}, ${subject.requestId}) waited for your approval.` +
      ` Your delegation gave it to ${delegate.name} <${delegate.email}>, who decides it on behalf of you.`,
    '',
    'Nothing is asked of you any more: the approval link you were sent no longer works.',
  ]);
}

/** Tells an approver whose link a withdrawal voided that the request no longer needs them. */
export function noLongerNeededEmail(approver: Contact, request: ConsultancyRequest): OutgoingEmail {
  const withdrawal = request.withdrawal;
  return emailOf([approver.email], `No longer needed: ${request.title}`, [
    `Dear ${approver.name},`,
    '',
    `The consultancy request "${request.title}" (${amountText(request.estimatedCost)}, ${request.id}) was withdrawn` +
      (withdrawal
        ? ` by ${withdrawal.by.name} on ${readableDateTime(withdrawal.at)}: ${withdrawal.reason}`
        : '') +
      '.',
    '',
    'Nothing is asked of you any more: the approval link you were sent no longer works.',
  ]);
}
