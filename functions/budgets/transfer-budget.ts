import middy from '@middy/core';
import * as z from 'zod';
import {
  type ApiEvent,
  apiMiddlewares,
  callerOf,
  json,
  parseJsonBody,
  validate,
  validateBoth,
} from '../shared/http.js';
import { createOnce, headersOf, idempotencyClaimOf } from '../shared/idempotency.js';
import { parseMoney } from '../shared/money.js';
import { budgetsTableName } from './budget-store.js';
import { FiscalYearPath, TransferBody } from './model.js';
import type { TransferOutcome } from './transfer-execution.js';
import { transferBudget } from './transfers.js';

/**
 * Moves allocation between two business functions, atomically (admin): 201 executed, or 202
 * PENDING a second person's approval above the four-eyes threshold. Idempotency-Key makes retries safe.
 */
export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    const raw = parseJsonBody(event, z.unknown());
    const [{ fiscalYear }, body] = validateBoth(
      () => validate(FiscalYearPath, event.pathParameters),
      () => validate(TransferBody, raw),
    );
    const result = await createOnce(
      idempotencyClaimOf(event, caller, budgetsTableName, raw),
      (alongside) =>
        transferBudget(caller, fiscalYear, { ...body, amount: parseMoney(body.amount) }, alongside),
      (outcome: TransferOutcome) => ({
        statusCode: outcome.status === 'PENDING' ? 202 : 201,
        body: outcome.body,
      }),
    );
    return json(result.statusCode, result.body, headersOf(result));
  });
