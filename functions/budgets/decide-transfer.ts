import middy from '@middy/core';
import {
  type ApiEvent,
  apiMiddlewares,
  callerOf,
  json,
  parseJsonBody,
  validate,
  validateBoth,
} from '../shared/http.js';
import { TransferDecisionBody, TransferPath } from './model.js';
import { decideTransfer } from './transfer-decisions.js';

/** Approves (executes) or rejects a pending transfer: a second person with the finance or admin role. */
export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    const [{ fiscalYear, transferId }, body] = validateBoth(
      () => validate(TransferPath, event.pathParameters),
      () => parseJsonBody(event, TransferDecisionBody),
    );
    return json(200, await decideTransfer(caller, fiscalYear, transferId, body));
  });
