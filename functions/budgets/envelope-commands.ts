import { appendAuditEvent } from '../shared/audit.js';
import { newAuditEvent } from '../shared/audit-event.js';
import { type Caller, requireRole } from '../shared/auth.js';
import { assertIfMatch } from '../shared/concurrency.js';
import type { TransactItem } from '../shared/db.js';
import type { Money } from '../shared/money.js';
import { budgetKeys, envelopeItem } from './budget-items.js';
import { budgetsTableName, getEnvelope, transact } from './budget-store.js';
import { busy, MAX_ATTEMPTS, moneyText } from './command-support.js';
import { currencyMismatch, EnvelopeBelowAllocationsError } from './errors.js';
import type { StoredEnvelope } from './model.js';

/** Sets (or first creates) the envelope of a fiscal year. */
export async function setEnvelope(
  caller: Caller,
  fiscalYear: string,
  amount: Money,
  reason: string | undefined,
  ifMatch: string | undefined,
  now = new Date(),
): Promise<{ created: boolean }> {
  requireRole(caller, 'admin', 'finance');
  const at = now.toISOString();
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const current = await getEnvelope(fiscalYear);
    assertIfMatch(ifMatch, current, `${fiscalYear} envelope`);
    if (current && current.currency !== amount.currency)
      throw currencyMismatch('currency', amount.currency, current);
    if (current && amount.minor < current.allocated)
      throw new EnvelopeBelowAllocationsError(current, amount.minor);
    if (current && amount.minor === current.envelope) return { created: false };
    const after: StoredEnvelope = {
      fiscalYear,
      currency: amount.currency,
      envelope: amount.minor,
      allocated: current?.allocated ?? 0,
      version: (current?.version ?? 0) + 1,
    };
    const write: TransactItem = current
      ? {
          Update: {
            TableName: budgetsTableName,
            Key: budgetKeys.envelope(fiscalYear),
            UpdateExpression:
              'SET #envelope = :envelope, #version = :next, updatedAt = :at ADD #unallocated :increase',
            ConditionExpression: '#version = :version AND #allocated <= :envelope',
            ExpressionAttributeNames: {
              '#envelope': 'envelope',
              '#version': 'version',
              '#allocated': 'allocated',
              '#unallocated': 'unallocated',
            },
            ExpressionAttributeValues: {
              ':envelope': amount.minor,
              ':next': after.version,
              ':version': current.version,
              ':at': at,
              ':increase': amount.minor - current.envelope,
            },
          },
        }
      : {
          Put: {
            TableName: budgetsTableName,
            Item: envelopeItem(after, at),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        };
    const event = newAuditEvent(caller, {
      entityType: 'BUDGET',
      entityId: fiscalYear,
      action: 'BUDGET_ENVELOPE_SET',
      at,
      ...(current ? { before: { envelope: moneyText(current.envelope, current.currency) } } : {}),
      after: { envelope: moneyText(after.envelope, after.currency) },
      ...(reason ? { reason } : {}),
    });
    if ((await transact([write, appendAuditEvent(event)])) === undefined) return { created: !current };
    // Changed meanwhile: decide again on what is there now.
  }
  throw busy();
}
