import { isDeepStrictEqual } from 'node:util';
import { appendAuditEvent } from '../shared/audit.js';
import { newAuditEvent } from '../shared/audit-event.js';
import { type Caller, requireRole } from '../shared/auth.js';
import { ChangedMeanwhileError } from '../shared/db.js';
import {
  getBusinessFunction,
  insertBusinessFunction,
  replaceBusinessFunction,
} from './business-functions.js';
import type { BusinessFunction } from './schemas.js';
import type { PutOutcome } from './versioned-records.js';

/**
 * Adds a business function to the reference data, with its audit event in the same
 * transaction. Create-only: a code that exists is left as it is (false), so a retry is harmless.
 */
export async function addBusinessFunction(
  caller: Caller,
  businessFunction: BusinessFunction,
  now = new Date(),
): Promise<boolean> {
  requireRole(caller, 'admin');
  const event = newAuditEvent(caller, {
    entityType: 'BUSINESS_FUNCTION',
    entityId: businessFunction.code,
    action: 'BUSINESS_FUNCTION_ADDED',
    at: now.toISOString(),
    after: { ...businessFunction },
  });
  // Only this module loads the audit trail: the readers of business functions need no audit table.
  return insertBusinessFunction(businessFunction, appendAuditEvent(event));
}

/**
 * Makes a business function exactly as given: added when new, replaced when its name or head
 * differ, left alone (no write, no audit event) when they do not. So loading the same reference
 * data twice changes nothing the second time.
 */
export async function putBusinessFunction(
  caller: Caller,
  businessFunction: BusinessFunction,
  now = new Date(),
): Promise<PutOutcome> {
  requireRole(caller, 'admin');
  const current = await getBusinessFunction(businessFunction.code);
  if (!current) {
    if (await addBusinessFunction(caller, businessFunction, now)) return 'created';
    throw new ChangedMeanwhileError(`Business function ${businessFunction.code}`);
  }
  if (isDeepStrictEqual(current, businessFunction)) return 'unchanged';
  const event = newAuditEvent(caller, {
    entityType: 'BUSINESS_FUNCTION',
    entityId: businessFunction.code,
    action: 'BUSINESS_FUNCTION_CHANGED',
    at: now.toISOString(),
    before: { ...current },
    after: { ...businessFunction },
  });
  await replaceBusinessFunction(current, businessFunction, appendAuditEvent(event));
  return 'changed';
}
