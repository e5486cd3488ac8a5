import middy from '@middy/core';
import { InsufficientBudgetError } from '../budgets/errors.js';
import { optionalEnv } from '../shared/config.js';
import { ValidationError } from '../shared/errors.js';
import { type ApiEvent, MAX_BODY_BYTES, validate } from '../shared/http.js';
import { decideByLink } from './decisions.js';
import { approvalOfLink } from './links.js';
import { DecisionBody } from './model.js';
import { htmlPage, linkTokenOf, pageMiddlewares, refuseCrossSitePost } from './page-http.js';
import { decidedPage } from './pages.js';
import { decisionPageOf } from './show-approval-page.js';

/** The API's public URL, where approvers' links point; the form posts back to it. */
const publicBaseUrl = optionalEnv('PUBLIC_BASE_URL', '') || undefined;

function formOf(event: ApiEvent): URLSearchParams {
  const raw =
    event.body === undefined
      ? ''
      : event.isBase64Encoded
        ? Buffer.from(event.body, 'base64').toString('utf8')
        : event.body;
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES) return new URLSearchParams();
  return new URLSearchParams(raw);
}

/**
 * POST /approvals/{token}: the form's decision. The "I have reviewed this request" tick is the
 * deliberate act a mail scanner does not perform; without it, or without a comment to reject,
 * the form comes back with the error and nothing is decided.
 */
export async function submitApprovalForm(token: string, form: URLSearchParams) {
  const comment = form.get('comment') ?? '';
  const reviewed = form.get('reviewed') === 'yes';
  // A budget exception's source and amount; empty fields are left out.
  const fundFrom = form.get('fundFrom') || undefined;
  const amount = form.get('amount')?.trim() || undefined;
  try {
    if (!reviewed) {
      throw new ValidationError([
        { field: 'reviewed', message: 'Tick “I have reviewed this request” to confirm your decision.' },
      ]);
    }
    const decision = form.get('decision') ?? undefined;
    const funding = decision === 'FUND_BY_TRANSFER' ? { fundFrom, amount } : {};
    const input = validate(DecisionBody, { decision, comment, ...funding });
    const decided = await decideByLink(token, input);
    return htmlPage(200, decidedPage(decided));
  } catch (error) {
    // A source line without that much available: the approval stays pending, another source may be chosen.
    const shortOfBudget = error instanceof InsufficientBudgetError;
    if (!(error instanceof ValidationError) && !shortOfBudget) throw error;
    const approval = await approvalOfLink(token);
    const issues = shortOfBudget
      ? [{ field: 'fundFrom', message: `${error.message} Choose another source or a smaller amount.` }]
      : error.issues.map((issue) =>
          issue.field === 'decision' && !issue.message.includes('budget exception')
            ? {
                ...issue,
                message: approval.kind ? 'Choose Fund by transfer or Reject.' : 'Choose Approve or Reject.',
              }
            : issue,
        );
    const state = {
      issues,
      comment,
      reviewed,
      ...(fundFrom ? { fundFrom } : {}),
      ...(amount ? { amount } : {}),
    };
    return htmlPage(shortOfBudget ? 409 : 400, await decisionPageOf(approval, state));
  }
}

export const handler = middy<ApiEvent>()
  .use(pageMiddlewares())
  .handler((event) => {
    refuseCrossSitePost(event, publicBaseUrl);
    return submitApprovalForm(linkTokenOf(event), formOf(event));
  });
