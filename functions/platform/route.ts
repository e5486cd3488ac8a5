import type * as z from 'zod';

/**
 * One route of the HTTP API, declared once: the CDK app makes its Lambda and API route from
 * it and the OpenAPI document describes it from the same zod schemas the handler validates with.
 */
export interface RouteDefinition {
  /** Also names the route's Lambda in the stack. */
  operationId: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** API Gateway path, with {name} parameters. */
  path: string;
  /** The handler module, relative to the project root; it exports `handler`. */
  entry: string;
  summary: string;
  description?: string;
  tag: string;
  /**
   * Why the route needs no token (health; the approver's emailed-link pages, where the link's
   * own secret authenticates). Every other route sits behind the JWT authorizer.
   */
  public?: string;
  /** What the route answers with, when not JSON. */
  produces?: 'text/html';
  pathParameters?: z.ZodObject;
  query?: z.ZodObject;
  headers?: Record<string, { schema: z.ZodType; description: string }>;
  body?: z.ZodType;
  /** An HTML form's fields (application/x-www-form-urlencoded), for the page routes. */
  formBody?: z.ZodType;
  responses: Record<number, { description: string; schema?: z.ZodType }>;
}

/** The problem responses every authorized route may give. */
export const authorizedProblems = {
  401: { description: 'Missing, malformed, expired or wrongly signed token.' },
  403: { description: 'The token lacks the role, or the business function, for this.' },
} as const;
