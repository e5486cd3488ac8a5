import type * as z from 'zod';

/** The groups of operations in the OpenAPI document, with what each is for. */
export const TAGS = {
  Platform: 'Liveness and this OpenAPI document.',
  'Reference data':
    'Business functions and their heads: the organisation units that ask for consultancy support.',
  Requests: 'Consultancy support requests: submit, find, list, withdraw, and their audit trail.',
  Approvals:
    "Approvers' decisions: the pending approvals of the caller, deciding by API, and the emailed link's page and form.",
  Budgets:
    'Budget envelope per fiscal year, allocations per business function, transfers, the commitment ledger and actuals.',
  Exports:
    "Finance's spend exports: small downloads at once, and export jobs of a fiscal year's ledger of any size (incremental, re-runnable).",
  Vendors:
    'Vendor relationship records: vendors and their lifecycle, contracts, rate cards and performance reviews.',
  'Approval policy':
    'The delegation-of-authority matrix as versioned data: who approves what, approver groups, and a preview of the chain a request would get.',
  Delegations:
    "Approvers' time-limited hand-over of their steps to a delegate, who decides on behalf of them.",
  Triage:
    "What triage works from: the internal capabilities (in-house teams) a request's assessment suggests.",
  Reports:
    'The portfolio view: where the consultancy money goes, by business function, category, vendor and quarter, as figures and as a page.',
} as const;

export type Tag = keyof typeof TAGS;

/** A request header the route reads. */
export interface RouteHeader {
  schema: z.ZodType;
  description: string;
  /** The server refuses a request without it (If-Match: 428). */
  required?: boolean;
}

/** Response headers a response carries besides those every response has (see openapi-document.ts). */
export type ResponseHeaderName = 'Location' | 'ETag';

export interface RouteResponse {
  description: string;
  /**
   * The JSON body. For an error status, the whole problem schema (e.g. one made with
   * `problemWith` its extension members); without it the status's standard problem schema.
   */
  schema?: z.ZodType;
  /** Headers this response always carries. */
  headers?: ResponseHeaderName[];
}

/**
 * What a route's Lambda may touch, declared beside the route so least privilege reads where the
 * route does. The CDK app grants exactly this and nothing more (infra/constructs/route-access.ts):
 * each table grant sets the table's environment variable and its IAM actions together.
 * `check` on requests: reads plus condition checks in transactions; `append` on audit: create-only
 * Puts, no reads.
 */
export interface RouteAccess {
  requests?: 'read' | 'check' | 'write';
  approvals?: 'read' | 'write';
  budgets?: 'read' | 'write';
  vendors?: 'read' | 'write';
  /** `write`: conditional Puts in transactions (the approval policy, approver groups). */
  referenceData?: 'read' | 'write';
  audit?: 'read' | 'append';
  /** The approval workflow: start a request's execution, stop it, or hand a decision to its waiting task. */
  workflow?: 'start' | 'stop' | 'decide';
  /**
   * Exports: `write` spend files to the exports bucket and sign links to them (GET
   * /exports/spend); `start` record export jobs and invoke the export job Lambda; `read` read
   * export jobs and sign links to their files; `report` write report pages (under reports/) and
   * sign links to them.
   */
  exports?: 'write' | 'start' | 'read' | 'report';
  /** Email: `send` from the configured sender (SES), e.g. telling approvers a withdrawn request no longer needs them. */
  email?: 'send';
  /** Settings of the app the handler reads from its environment. */
  settings?: ('fiscalYearStartMonth' | 'publicBaseUrl')[];
}

/**
 * One route of the HTTP API, declared once: the CDK app makes its Lambda and API route from
 * it and the OpenAPI document describes it from the same zod schemas the handler validates with.
 * The document adds the responses every route of its kind can give (400 for validated input,
 * 401/403 behind the authorizer, 412/428 for If-Match, 422 for Idempotency-Key, 413, 429, 500,
 * 503): declare one here only to say more about it (its description, its extension members).
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
  tag: Tag;
  /**
   * Why the route needs no token (health; the approver's emailed-link pages, where the link's
   * own secret authenticates). Every other route sits behind the JWT authorizer.
   */
  public?: string;
  /** What the route answers with, when not JSON. */
  produces?: 'text/html';
  pathParameters?: z.ZodObject;
  query?: z.ZodObject;
  headers?: Record<string, RouteHeader>;
  body?: z.ZodType;
  /** An HTML form's fields (application/x-www-form-urlencoded), for the page routes. */
  formBody?: z.ZodType;
  responses: Record<number, RouteResponse>;
  /** What its Lambda may touch, and nothing more: `{}` for nothing. */
  access: RouteAccess;
  /** Its Lambda's size, when the house default (512 MB, 10 s) is not enough for its reads. */
  lambda?: { memorySize: number; timeoutSeconds: number };
}

/** Kept for routes that still spread it: the document adds 401 and 403 to every authorized route itself. */
export const authorizedProblems = {} as const;
