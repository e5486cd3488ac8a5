import { REQUEST_CLOSED_ERROR } from '../../workflows/approval-contracts.js';
import type { ConsultancyRequest } from '../requests/model.js';

/** Named errors of the approval workflow's tasks: its Retry and Catch rules match on these names. */

export class RequestClosedError extends Error {
  constructor(request: ConsultancyRequest) {
    super(`Request ${request.id} is ${request.status}: no approval is needed any more.`);
    this.name = REQUEST_CLOSED_ERROR;
  }
}

/** Another write got to the request first (a withdrawal, say): a retry reads it afresh. */
export class ConcurrentChangeError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'ConcurrentChangeError';
  }
}

/** The workflow asked a step out of order (an earlier step is not approved): a bug, never retried. */
export class ChainOrderError extends Error {
  constructor(requestId: string, step: number, open: number) {
    super(`Request ${requestId}: step ${step} was asked while step ${open} is not approved.`);
    this.name = 'ChainOrderError';
  }
}
