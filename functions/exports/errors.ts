import * as z from 'zod';
import { DomainError } from '../shared/errors.js';
import { problemWith } from '../shared/problem.js';

/** GET /exports/spend for a year too large to write inside the API's Lambda: POST /exports writes it. */
export class ExportTooLargeError extends DomainError {
  readonly status = 422;
  readonly type = 'export-too-large';
  readonly title = 'Too large to export at once';
  constructor(rowLimit: number) {
    super(
      `This export has more than ${rowLimit} rows, more than GET /exports/spend writes at once. Ask POST /exports for it (an export job; any size), then follow GET /exports/{exportId}.`,
    );
    this.name = 'ExportTooLargeError';
    this.extensions.rowLimit = rowLimit;
    this.extensions.use = 'POST /exports';
  }
}

export const ExportTooLargeProblem = problemWith({
  rowLimit: z.number().int().describe('The most rows GET /exports/spend writes.'),
  use: z.literal('POST /exports').describe('Where to ask instead.'),
}).meta({ id: 'ExportTooLargeProblem' });
