import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { MiddlewareObj } from '@middy/core';
import httpEventNormalizer from '@middy/http-event-normalizer';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import type * as z from 'zod';
import { type Caller, callerFromClaims } from './auth.js';
import { BodyTooLargeError, DomainError, type FieldIssue, ValidationError } from './errors.js';
import { logger } from './logger.js';
import { PROBLEM_TYPE_PREFIX } from './problem.js';

export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type ApiResult = APIGatewayProxyStructuredResultV2;
type ApiMiddleware = MiddlewareObj<ApiEvent, ApiResult, Error, Context>;

/** A body over this many bytes is refused before it is parsed. */
export const MAX_BODY_BYTES = 64 * 1024;

/** No body of this API nests deeper than a few levels; anything past this is refused before it is walked. */
export const MAX_BODY_DEPTH = 32;

const CORRELATION_HEADER = 'x-correlation-id';
const WELL_FORMED_CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const baseHeaders = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

function correlationIdOf(event: ApiEvent): string {
  const supplied = event.headers?.[CORRELATION_HEADER];
  return supplied && WELL_FORMED_CORRELATION_ID.test(supplied) ? supplied : event.requestContext.requestId;
}

/**
 * Tags every log line and every response with the caller's correlation id (or the request id).
 * Before the error handler in the stack, so its onError sees the response the error became.
 */
export function correlationIds(): ApiMiddleware {
  const tag: NonNullable<ApiMiddleware['after']> = (request) => {
    if (request.response) {
      request.response.headers = {
        ...request.response.headers,
        [CORRELATION_HEADER]: correlationIdOf(request.event),
      };
    }
  };
  return {
    before: (request) => {
      logger.appendKeys({ correlationId: correlationIdOf(request.event), routeKey: request.event.routeKey });
    },
    after: tag,
    onError: tag,
  };
}

interface Problem {
  status: number;
  type: string;
  title: string;
  detail: string;
  extensions?: Record<string, unknown>;
}

function problemResponse(event: ApiEvent, problem: Problem): ApiResult {
  return {
    statusCode: problem.status,
    headers: {
      ...baseHeaders,
      'content-type': 'application/problem+json',
      [CORRELATION_HEADER]: correlationIdOf(event),
    },
    body: JSON.stringify({
      type: `${PROBLEM_TYPE_PREFIX}${problem.type}`,
      title: problem.title,
      status: problem.status,
      detail: problem.detail,
      instance: event.rawPath,
      ...problem.extensions,
    }),
  };
}

const INTERNAL_ERROR: Problem = {
  status: 500,
  type: 'internal-error',
  title: 'Internal error',
  detail: 'Something went wrong on our side. Quote the correlation id when you report it.',
};

/**
 * Maps named domain errors to problem+json in one place. Below 500 the message is shown;
 * anything unexpected is logged and answered with a generic 500, never its message or stack.
 */
function problemErrorHandler(): ApiMiddleware {
  return {
    onError: (request) => {
      const error = request.error;
      if (error instanceof DomainError) {
        logger.info('Request refused', {
          status: error.status,
          errorName: error.name,
          detail: error.message,
        });
        request.response = problemResponse(request.event, {
          status: error.status,
          type: error.type,
          title: error.title,
          detail: error.message,
          extensions: error.extensions,
        });
      } else {
        logger.error('Unhandled error', error as Error);
        request.response = problemResponse(request.event, INTERNAL_ERROR);
      }
    },
  };
}

/** The house middleware stack for API handlers: normalizers first, the error handler last. */
export function apiMiddlewares(): ApiMiddleware[] {
  return [
    httpHeaderNormalizer() as ApiMiddleware,
    httpEventNormalizer() as unknown as ApiMiddleware,
    injectLambdaContext(logger, { resetKeys: true }) as ApiMiddleware,
    correlationIds(),
    problemErrorHandler(),
  ];
}

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResult {
  return {
    statusCode,
    headers: { ...baseHeaders, 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

export function callerOf(event: ApiEvent): Caller {
  return callerFromClaims(event.requestContext.authorizer?.jwt?.claims, event.headers?.authorization);
}

export function zodIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.flatMap((issue) => {
    const field = issue.path.map(String);
    // Name each unknown field on its own, rather than one issue on the enclosing object.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: [...field, key].join('.'), message: 'Unknown field.' }));
    }
    return [{ field: field.join('.'), message: issue.message }];
  });
}

/** Validates with a zod schema at the edge; every invalid field is reported at once. */
export function validate<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(zodIssues(result.error));
  return result.data;
}

/** How deep arrays and objects nest in a JSON text, counted without recursion (strings skipped). */
function nestingDepthOf(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '[' || char === '{') deepest = Math.max(deepest, ++depth);
    else if (char === ']' || char === '}') depth -= 1;
  }
  return deepest;
}

/**
 * Reads a JSON body: size limit, media type, nesting depth (counted before parsing), syntax,
 * a JSON object, then the schema. So neither a schema's refinements nor the idempotency
 * fingerprint ever meet `null`, a bare value, or an array nested deep enough to exhaust the stack.
 */
export function parseJsonBody<T extends z.ZodType>(event: ApiEvent, schema: T): z.output<T> {
  const raw =
    event.body === undefined ? '' : event.isBase64Encoded ? Buffer.from(event.body, 'base64') : event.body;
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES) throw new BodyTooLargeError(MAX_BODY_BYTES);
  const contentType = event.headers?.['content-type'] ?? '';
  if (raw.length > 0 && !/^application\/([a-z.+-]+\+)?json\b/i.test(contentType)) {
    throw new ValidationError([
      { field: '', message: 'The body must be JSON (Content-Type: application/json).' },
    ]);
  }
  const text = raw.toString();
  if (nestingDepthOf(text) > MAX_BODY_DEPTH) {
    throw new ValidationError([
      { field: '', message: `The body is nested too deeply (at most ${MAX_BODY_DEPTH} levels).` },
    ]);
  }
  let parsed: unknown;
  try {
    parsed = text.length === 0 ? undefined : JSON.parse(text);
  } catch {
    throw new ValidationError([{ field: '', message: 'The body is not valid JSON.' }]);
  }
  if (parsed === undefined) throw new ValidationError([{ field: '', message: 'A JSON body is required.' }]);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ValidationError([{ field: '', message: 'The body must be a JSON object.' }]);
  }
  return validate(schema, parsed);
}

function attempt<T>(read: () => T): { value?: T; issues: FieldIssue[] } {
  try {
    return { value: read(), issues: [] };
  } catch (error) {
    if (error instanceof ValidationError) return { issues: error.issues };
    throw error;
  }
}

/** Runs two validations (path and body, say) and reports the invalid fields of both at once. */
export function validateBoth<A, B>(first: () => A, second: () => B): [A, B] {
  const [a, b] = [attempt(first), attempt(second)];
  const issues = [...a.issues, ...b.issues];
  if (issues.length > 0) throw new ValidationError(issues);
  return [a.value as A, b.value as B];
}
