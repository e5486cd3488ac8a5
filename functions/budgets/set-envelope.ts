import middy from '@middy/core';
import { etagOf } from '../shared/concurrency.js';
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
import { getBudgetView } from './budget-queries.js';
import { setEnvelope } from './envelope-commands.js';
import { FiscalYearPath, SetEnvelopeBody } from './model.js';

/** Sets a fiscal year's consultancy envelope, controls and four-eyes threshold (admin, finance): 201 when first set, else 200. */
export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    const [{ fiscalYear }, body] = validateBoth(
      () => validate(FiscalYearPath, event.pathParameters),
      () => parseJsonBody(event, SetEnvelopeBody),
    );
    const { created } = await setEnvelope(
      caller,
      fiscalYear,
      {
        amount: parseMoney(body),
        reason: body.reason,
        controls: body.controls,
        fourEyesThreshold: body.fourEyesThreshold && parseMoney(body.fourEyesThreshold),
      },
      event.headers['if-match'],
    );
    const view = await getBudgetView(caller, fiscalYear);
    return json(created ? 201 : 200, view, { etag: etagOf(view), location: `/budgets/${fiscalYear}` });
  });
