import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type * as z from 'zod';
import { zodIssues } from './http.js';
import { logger } from './logger.js';

/** A task's input broke its contract: a bug, never retried. */
export class TaskInputError extends Error {
  constructor(detail: string) {
    super(`Invalid task input: ${detail}`);
    this.name = 'TaskInputError';
  }
}

/**
 * A Step Functions task handler: the input is validated against the workflow's contract at
 * the edge, then handed to plain domain logic. Errors keep their names: the workflow's Retry
 * and Catch rules match on them.
 */
export function taskHandler<S extends z.ZodType, R>(schema: S, run: (input: z.output<S>) => Promise<R>) {
  return middy<unknown, R>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event) => {
      const parsed = schema.safeParse(event);
      if (!parsed.success) {
        throw new TaskInputError(
          zodIssues(parsed.error)
            .map((issue) => `${issue.field}: ${issue.message}`)
            .join('; '),
        );
      }
      return run(parsed.data);
    });
}
