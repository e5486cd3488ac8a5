import middy from '@middy/core';
import { exceptionFiguresOf } from '../budgets/exception-figures.js';
import type { ApiEvent } from '../shared/http.js';
import { approvalOfLink } from './links.js';
import type { Approval } from './model.js';
import { htmlPage, linkTokenOf, pageMiddlewares } from './page-http.js';
import { decisionPage, type FormState } from './pages.js';

/** The decision page; a budget exception's with its line's figures and the lines that could fund it, read now. */
export async function decisionPageOf(approval: Approval, form: FormState = {}): Promise<string> {
  if (approval.kind !== 'BUDGET_EXCEPTION') return decisionPage(approval, form);
  const { subject } = approval;
  const figures = await exceptionFiguresOf({
    id: subject.requestId,
    fiscalYear: subject.fiscalYear,
    businessFunction: subject.businessFunction,
    estimatedCost: subject.estimatedCost,
  });
  return decisionPage(approval, form, figures);
}

/**
 * GET /approvals/{token}: the request summary and the decision form. It never decides anything:
 * mail scanners open every link, so a decision takes a deliberate post from the form.
 */
export const handler = middy<ApiEvent>()
  .use(pageMiddlewares())
  .handler(async (event) => htmlPage(200, await decisionPageOf(await approvalOfLink(linkTokenOf(event)))));
