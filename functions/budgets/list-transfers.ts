import middy from '@middy/core';
import type * as z from 'zod';
import { type Caller, requireRole } from '../shared/auth.js';
import { type ApiEvent, apiMiddlewares, callerOf, json, validate, validateBoth } from '../shared/http.js';
import type { Page } from '../shared/pagination.js';
import { requireEnvelope } from './budget-store.js';
import { FiscalYearPath, TransferListQuery, type TransferRecordResource } from './model.js';
import { listTransfers, type TransferStatus, toTransferRecord } from './transfer-store.js';

/** A fiscal year's transfers, newest first (finance, admin, approvers). */
type TransferRecord = z.infer<typeof TransferRecordResource>;

export async function transfersOf(
  caller: Caller,
  fiscalYear: string,
  page: { limit: number; cursor?: string | undefined },
  status?: TransferStatus,
): Promise<Page<TransferRecord>> {
  requireRole(caller, 'finance', 'admin', 'approver');
  await requireEnvelope(fiscalYear);
  const found = await listTransfers(fiscalYear, page, status);
  return { ...found, items: found.items.map((transfer) => toTransferRecord(transfer)) };
}

/** A fiscal year's transfers, newest first, with their status, paginated. */
export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    const [{ fiscalYear }, query] = validateBoth(
      () => validate(FiscalYearPath, event.pathParameters),
      () => validate(TransferListQuery, event.queryStringParameters ?? {}),
    );
    const { limit, cursor, status } = query;
    return json(200, await transfersOf(caller, fiscalYear, { limit, cursor }, status));
  });
