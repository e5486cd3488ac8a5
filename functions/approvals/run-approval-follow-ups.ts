import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import * as z from 'zod';
import { BusinessFunctionCode } from '../reference-data/schemas.js';
import { logger } from '../shared/logger.js';
import { runApprovalFollowUps } from './approval-follow-ups.js';

/**
 * The schedule's event: EventBridge's scheduled event carries its `time`, which the run takes as
 * "now" (so a late or replayed run acts as of when it was due, and a test can move the clock).
 * An operator's run may name the business functions to follow up.
 */
const FollowUpEvent = z.looseObject({
  time: z.iso.datetime({ offset: true }).optional(),
  businessFunctions: z.array(BusinessFunctionCode).min(1).optional(),
});

export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event: unknown) => {
    const { time, businessFunctions } = FollowUpEvent.parse(event ?? {});
    const outcome = await runApprovalFollowUps(time ? new Date(time) : new Date(), businessFunctions);
    if (outcome.reminded.length + outcome.escalated.length > 0)
      logger.info('Approvals followed up', { ...outcome });
    return outcome;
  });
