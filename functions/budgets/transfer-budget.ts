import middy from '@middy/core';
import * as z from 'zod';
import { IdempotencyKey } from '../requests/model.js';
import { fingerprintOf } from '../shared/fingerprint.js';
import {
  type ApiEvent,
  apiMiddlewares,
  callerOf,
  json,
  parseJsonBody,
  validate,
  validateBoth,
} from '../shared/http.js';
import { parseMoney } from '../shared/money.js';
import { FiscalYearPath, TransferBody } from './model.js';
import { transferBudget } from './transfers.js';

const IdempotencyHeaders = z.object({ 'idempotency-key': IdempotencyKey.optional() });

/** Moves allocation between two business functions, atomically (admin); Idempotency-Key makes retries safe. */
export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    const { 'idempotency-key': key } = validate(IdempotencyHeaders, event.headers);
    const [{ fiscalYear }, body] = validateBoth(
      () => validate(FiscalYearPath, event.pathParameters),
      () => parseJsonBody(event, TransferBody),
    );
    const claim = key ? { key, fingerprint: fingerprintOf({ fiscalYear, ...body }) } : undefined;
    const result = await transferBudget(
      caller,
      fiscalYear,
      { ...body, amount: parseMoney(body.amount) },
      claim,
    );
    return json(201, result.body, result.replayed ? { 'idempotent-replayed': 'true' } : {});
  });
