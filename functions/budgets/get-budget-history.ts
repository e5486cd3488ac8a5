import middy from '@middy/core';
import { listAuditEventsOfEntity } from '../shared/audit.js';
import { ForbiddenError, NotFoundError } from '../shared/errors.js';
import { type ApiEvent, apiMiddlewares, callerOf, json, validate, validateBoth } from '../shared/http.js';
import { getEnvelope } from './budget-store.js';
import { FiscalYearPath, LedgerQuery } from './model.js';
import { budgetScopeOf } from './policy.js';

/** The fiscal year's audit trail (envelope, allocation changes, transfers), oldest first. */
export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    const [{ fiscalYear }, page] = validateBoth(
      () => validate(FiscalYearPath, event.pathParameters),
      () => validate(LedgerQuery, event.queryStringParameters ?? {}),
    );
    if (!budgetScopeOf(caller).all) {
      throw new ForbiddenError('The budget history is shown to approvers, finance and admin.');
    }
    const [envelope, events] = await Promise.all([
      getEnvelope(fiscalYear),
      listAuditEventsOfEntity('BUDGET', fiscalYear, page),
    ]);
    if (!envelope) throw new NotFoundError(`No budget envelope is set for ${fiscalYear}.`);
    return json(200, events);
  });
