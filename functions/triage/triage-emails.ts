import { amountText, summaryRows } from '../approvals/emails.js';
import type { ApprovalSubject } from '../approvals/model.js';
import type { Contact } from '../shared/contacts.js';
import type { OutgoingEmail } from '../shared/email.js';
import { html } from '../shared/html.js';

/** The email asking the triagers to decide (the workflow's outcome emails are in approvals/emails.ts). */

/** Asks the triagers to decide: the request, its assessment, and how to decide. */
export function triageRequestEmail(
  triagers: Contact[],
  subject: ApprovalSubject,
  publicBaseUrl: string,
): OutgoingEmail {
  const rows = summaryRows(subject);
  const intro = `${subject.requester.name} asks for consultancy support. Please triage the request: accept it for approval, redirect it to an internal team, ask the requester for information, or decline it.`;
  const howToDecide = `Decide with POST ${publicBaseUrl}/requests/${subject.requestId}/triage; your queue is GET ${publicBaseUrl}/triage.`;
  return {
    to: triagers.map((triager) => triager.email),
    subject: `Triage needed: ${subject.title} (${amountText(subject.estimatedCost)})`,
    text: [
      'Dear triagers,',
      '',
      intro,
      '',
      ...rows.map(([label, value]) => `${label}: ${value}`),
      '',
      howToDecide,
    ].join('\n'),
    html: html`<p>Dear triagers,</p>
<p>${intro}</p>
<table>${rows.map(([label, value]) => html`<tr><th align="left">${label}</th><td>${value}</td></tr>`)}</table>
<p>${howToDecide}</p>`.value,
  };
}
