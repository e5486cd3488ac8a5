import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { MiddlewareObj } from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { Context } from 'aws-lambda';
import { DomainError } from '../shared/errors.js';
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
