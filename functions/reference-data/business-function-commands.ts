import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { appendAuditEvent } from '../shared/audit.js';
import { newAuditEvent } from '../shared/audit-event.js';
import { type Caller, requireRole } from '../shared/auth.js';
import { requireEnv } from '../shared/config.js';
import { documentClient, isConditionFailure } from '../shared/db.js';
import { type BusinessFunction, businessFunctionItem } from './schemas.js';

const referenceTableName = requireEnv('REFERENCE_TABLE_NAME');

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
  try {
    await documentClient.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: referenceTableName,
              Item: businessFunctionItem(businessFunction),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          appendAuditEvent(event),
        ],
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
