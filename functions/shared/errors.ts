/**
 * Named errors of the domain. The HTTP layer maps each to a problem response in one
 * place (the error handler in http.ts; problem.ts describes the response's shape for the
 * OpenAPI document); anything else is an internal error whose message is never shown.
 */

export interface FieldIssue {
  /** Dotted path of the offending field, e.g. `estimatedCost.amount`; empty for the body itself. */
  field: string;
  message: string;
}

export abstract class DomainError extends Error {
  abstract readonly status: number;
  abstract readonly type: string;
  abstract readonly title: string;
  /** Extra members of the problem document (RFC 9457 extension members). */
  readonly extensions: Record<string, unknown> = {};
}

export class ValidationError extends DomainError {
  readonly status = 400;
  readonly type = 'validation-error';
  readonly title = 'The request is invalid';
  constructor(readonly issues: FieldIssue[]) {
    super(
      issues.map((issue) => (issue.field ? `${issue.field}: ${issue.message}` : issue.message)).join('; '),
    );
    this.name = 'ValidationError';
    this.extensions.errors = issues;
  }
}

export class BodyTooLargeError extends DomainError {
  readonly status = 400;
  readonly type = 'body-too-large';
  readonly title = 'The request body is too large';
  constructor(limitBytes: number) {
    super(`The request body may be at most ${limitBytes} bytes.`);
    this.name = 'BodyTooLargeError';
    this.extensions.limitBytes = limitBytes;
  }
}

export class UnauthorizedError extends DomainError {
  readonly status = 401;
  readonly type = 'unauthorized';
  readonly title = 'Authentication is required';
  constructor(message = 'A valid bearer token is required.') {
    super(message);
    this.name = 'UnauthorizedError';
  }
}

export class ForbiddenError extends DomainError {
  readonly status = 403;
  readonly type = 'forbidden';
  readonly title = 'Not allowed';
  constructor(message: string) {
    super(message);
    this.name = 'ForbiddenError';
  }
}

export class NotFoundError extends DomainError {
  readonly status = 404;
  readonly type = 'not-found';
  readonly title = 'Not found';
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}

export class ConflictError extends DomainError {
  readonly status = 409;
  readonly type = 'conflict';
  readonly title = 'Conflict with the current state';
  constructor(message: string, extensions: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ConflictError';
    Object.assign(this.extensions, extensions);
  }
}

export class PreconditionFailedError extends DomainError {
  readonly status = 412;
  readonly type = 'precondition-failed';
  readonly title = 'The resource has changed';
  constructor(message: string) {
    super(message);
    this.name = 'PreconditionFailedError';
  }
}

export class PreconditionRequiredError extends DomainError {
  readonly status = 428;
  readonly type = 'precondition-required';
  readonly title = 'If-Match is required';
  constructor(message: string) {
    super(message);
    this.name = 'PreconditionRequiredError';
  }
}

export class IdempotencyKeyReusedError extends DomainError {
  readonly status = 422;
  readonly type = 'idempotency-key-reused';
  readonly title = 'Idempotency-Key reused with a different request';
  constructor() {
    super('This Idempotency-Key was already used with a different request body; use a new key.');
    this.name = 'IdempotencyKeyReusedError';
  }
}

export class GoneError extends DomainError {
  readonly status = 410;
  readonly type = 'gone';
  readonly title = 'No longer available';
  constructor(message: string, extensions: Record<string, unknown> = {}) {
    super(message);
    this.name = 'GoneError';
    Object.assign(this.extensions, extensions);
  }
}

/** A dependency is down for a moment: the message (ours, never the dependency's) says how to recover. */
export class ServiceUnavailableError extends DomainError {
  readonly status = 503;
  readonly type = 'service-unavailable';
  readonly title = 'Temporarily unavailable';
  constructor(message: string) {
    super(message);
    this.name = 'ServiceUnavailableError';
  }
}
