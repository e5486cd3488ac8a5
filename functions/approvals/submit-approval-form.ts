import middy from '@middy/core';
import { optionalEnv } from '../shared/config.js';
import { ValidationError } from '../shared/errors.js';
import { type ApiEvent, MAX_BODY_BYTES, validate } from '../shared/http.js';
import { decideByLink } from './decisions.js';
import { approvalOfLink } from './links.js';
import { DecisionBody } from './model.js';
import { htmlPage, linkTokenOf, pageMiddlewares, refuseCrossSitePost } from './page-http.js';
import { decidedPage, decisionPage } from './pages.js';

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
  try {
    if (!reviewed) {
      throw new ValidationError([
        { field: 'reviewed', message: 'Tick “I have reviewed this request” to confirm your decision.' },
      ]);
    }
    const input = validate(DecisionBody, { decision: form.get('decision') ?? undefined, comment });
    const decided = await decideByLink(token, input);
    return htmlPage(200, decidedPage(decided));
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const approval = await approvalOfLink(token);
    const issues = error.issues.map((issue) =>
      issue.field === 'decision' ? { ...issue, message: 'Choose Approve or Reject.' } : issue,
    );
    return htmlPage(400, decisionPage(approval, { issues, comment, reviewed }));
  }
}

export const handler = middy<ApiEvent>()
  .use(pageMiddlewares())
  .handler((event) => {
    refuseCrossSitePost(event, publicBaseUrl);
    return submitApprovalForm(linkTokenOf(event), formOf(event));
  });
