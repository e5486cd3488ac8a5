import { appendAuditEvent } from '../shared/audit.js';
import { newAuditEvent } from '../shared/audit-event.js';
import { type Caller, requireRole } from '../shared/auth.js';
import { insertBusinessFunction } from './business-functions.js';
import type { BusinessFunction } from './schemas.js';

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
