import middy from '@middy/core';
import type * as z from 'zod';
import { getBusinessFunction } from '../reference-data/business-functions.js';
import type { Caller } from '../shared/auth.js';
import { NotFoundError } from '../shared/errors.js';
import { type ApiEvent, apiMiddlewares, callerOf, json, validate, validateBoth } from '../shared/http.js';
import type { Page } from '../shared/pagination.js';
import { getEnvelope, listLedgerEntries } from './budget-store.js';
import { BudgetLinePath, type LedgerEntryResource, LedgerQuery, toLedgerEntryResource } from './model.js';
import { assertMaySeeLine } from './policy.js';

/** A line's ledger, newest first: 404 for an unknown fiscal year or business function. */
export async function listLedgerVisibleTo(
  caller: Caller,
  fiscalYear: string,
  businessFunction: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<z.infer<typeof LedgerEntryResource>>> {
  assertMaySeeLine(caller, businessFunction);
  const [envelope, known, entries] = await Promise.all([
    getEnvelope(fiscalYear),
    getBusinessFunction(businessFunction),
    listLedgerEntries(fiscalYear, businessFunction, page),
  ]);
  if (!envelope) throw new NotFoundError(`No budget envelope is set for ${fiscalYear}.`);
  if (!known) throw new NotFoundError(`No business function ${businessFunction}.`);
  return { ...entries, items: entries.items.map(toLedgerEntryResource) };
}

/** A budget line's ledger entries, newest first, paginated. */
export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    const [{ fiscalYear, businessFunction }, page] = validateBoth(
      () => validate(BudgetLinePath, event.pathParameters),
      () => validate(LedgerQuery, event.queryStringParameters ?? {}),
    );
    return json(200, await listLedgerVisibleTo(caller, fiscalYear, businessFunction, page));
  });
