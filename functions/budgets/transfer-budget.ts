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
import { formatMoney, parseMoney } from '../shared/money.js';
import { transferBudget } from './budget-commands.js';
import { FiscalYearPath, TransferBody, toLineResource } from './model.js';

/** Moves allocation between two business functions, atomically (admin). */
export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    const [{ fiscalYear }, body] = validateBoth(
      () => validate(FiscalYearPath, event.pathParameters),
      () => parseJsonBody(event, TransferBody),
    );
    const amount = parseMoney(body.amount);
    const result = await transferBudget(caller, fiscalYear, { ...body, amount });
    return json(201, {
      transferId: result.transferId,
      fiscalYear,
      from: toLineResource(result.from),
      to: toLineResource(result.to),
      amount: formatMoney(amount),
      reason: body.reason,
    });
  });
