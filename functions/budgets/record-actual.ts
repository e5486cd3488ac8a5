import middy from '@middy/core';
import * as z from 'zod';
import { type ApiEvent, apiMiddlewares, callerOf, json, parseJsonBody, validate } from '../shared/http.js';
import { createOnce, headersOf, idempotencyClaimOf } from '../shared/idempotency.js';
import { recordActual } from './actuals.js';
import { budgetsTableName } from './budget-store.js';
import { RecordActualBody } from './model.js';

/**
 * Finance records an invoice against an approved request; the same invoice again is the same
 * actual (200), and a retry with the same Idempotency-Key answers the first response again.
 */
export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    const raw = parseJsonBody(event, z.unknown());
    const body = validate(RecordActualBody, raw);
    const result = await createOnce(
      idempotencyClaimOf(event, caller, budgetsTableName, raw),
      (alongside) => recordActual(caller, body, new Date(), alongside),
      ({ statusCode, body: actual }: Awaited<ReturnType<typeof recordActual>>) => ({
        statusCode,
        body: actual,
        headers: { location: `/budgets/${actual.fiscalYear}/${actual.businessFunction}/ledger` },
      }),
    );
    return json(result.statusCode, result.body, headersOf(result));
  });
