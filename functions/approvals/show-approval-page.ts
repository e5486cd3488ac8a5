import middy from '@middy/core';
import type { ApiEvent } from '../shared/http.js';
import { approvalOfLink } from './links.js';
import { htmlPage, linkTokenOf, pageMiddlewares } from './page-http.js';
import { decisionPage } from './pages.js';

/**
 * GET /approvals/{token}: the request summary and the decision form. It never decides anything:
 * mail scanners open every link, so a decision takes a deliberate post from the form.
 */
export const handler = middy<ApiEvent>()
  .use(pageMiddlewares())
  .handler(async (event) => htmlPage(200, decisionPage(await approvalOfLink(linkTokenOf(event)))));
