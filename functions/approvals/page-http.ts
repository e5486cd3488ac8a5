import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { MiddlewareObj } from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { Context } from 'aws-lambda';
import { DomainError, ForbiddenError } from '../shared/errors.js';
import { type ApiEvent, type ApiResult, correlationIds } from '../shared/http.js';
import { logger } from '../shared/logger.js';
import { PAGE_HEADERS, problemPage } from './pages.js';

type PageMiddleware = MiddlewareObj<ApiEvent, ApiResult, Error, Context>;

export function htmlPage(statusCode: number, body: string): ApiResult {
  return { statusCode, headers: PAGE_HEADERS, body };
}

/** Refusals become a page that says what happened; anything unexpected a generic page, never its message. */
function pageErrorHandler(): PageMiddleware {
  return {
    onError: (request) => {
      const error = request.error;
      if (error instanceof DomainError) {
        logger.info('Approval page refused', { status: error.status, errorName: error.name });
        request.response = htmlPage(error.status, problemPage(error.title, error.message));
      } else {
        logger.error('Unhandled error', error as Error);
        request.response = htmlPage(
          500,
          problemPage('Something went wrong', 'Please try the link again in a few minutes.'),
        );
      }
    },
  };
}

/** The middleware stack of the approver's pages: as the API's, with HTML instead of problem+json. */
export function pageMiddlewares(): PageMiddleware[] {
  return [
    httpHeaderNormalizer() as PageMiddleware,
    injectLambdaContext(logger, { resetKeys: true }) as PageMiddleware,
    correlationIds(),
    pageErrorHandler(),
  ];
}

/** The link token from the path: the token is a bearer secret, so it is never logged. */
export const linkTokenOf = (event: ApiEvent) => event.pathParameters?.approval ?? '';

/** Where a browser says a request comes from: the same origin, or typed in (`none`). */
const SAME_ORIGIN_FETCH_SITES = new Set(['same-origin', 'none']);

/**
 * Defence in depth for the page's form post (the link's secret is the real guard): a browser
 * tells where a form was posted from by Sec-Fetch-Site and Origin, and a post from any other
 * site is refused before anything is read. Origin "null" tells nothing (the page's own
 * no-referrer policy makes browsers send it), and without either header (an older browser, a
 * script) the post is taken. The page's own origin is the API's public base URL, or the Host.
 */
export function refuseCrossSitePost(event: ApiEvent, publicBaseUrl: string | undefined): void {
  const site = event.headers?.['sec-fetch-site'];
  const origin = event.headers?.origin;
  const crossSite =
    (site !== undefined && !SAME_ORIGIN_FETCH_SITES.has(site.toLowerCase())) ||
    (origin !== undefined && origin !== 'null' && !isOwnOrigin(origin, event.headers?.host, publicBaseUrl));
  if (crossSite) {
    logger.info('Cross-site form post refused', { origin, secFetchSite: site });
    throw new ForbiddenError('This form can only be sent from its own page, not from another site.');
  }
}

function isOwnOrigin(origin: string, host: string | undefined, publicBaseUrl: string | undefined): boolean {
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (publicBaseUrl !== undefined && parsed.origin === new URL(publicBaseUrl).origin) return true;
  return host !== undefined && parsed.host === host.toLowerCase();
}
