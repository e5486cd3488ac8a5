import { appendAuditEvent } from '../shared/audit.js';
import { newAuditEvent } from '../shared/audit-event.js';
import { type Caller, requireRole } from '../shared/auth.js';
import { assertIfMatch } from '../shared/concurrency.js';
import type { TransactItem } from '../shared/db.js';
import type { Money } from '../shared/money.js';
import { budgetKeys, envelopeItem } from './budget-items.js';
import { budgetsTableName, getEnvelope, transact } from './budget-store.js';
import { busy, MAX_ATTEMPTS, moneyText } from './command-support.js';
import { currencyMismatch, EnvelopeBelowAllocationsError, YearClosedError } from './errors.js';
import { type BudgetControls, DEFAULT_BUDGET_CONTROLS, type StoredEnvelope } from './model.js';

/** What PUT /budgets/{fiscalYear} sets: the amount always; the controls and threshold when given. */
export interface EnvelopeSettings {
  amount: Money;
  reason?: string | undefined;
  controls?: Partial<BudgetControls> | undefined;
  /** null: transfers never wait for a second person; undefined: unchanged. */
  fourEyesThreshold?: Money | null | undefined;
}

/** The envelope's settings as the audit trail shows them. */
function settingsOf(envelope: StoredEnvelope): Record<string, unknown> {
  return {
    envelope: moneyText(envelope.envelope, envelope.currency),
    controls: envelope.controls,
    fourEyesThreshold:
      envelope.fourEyesThreshold === undefined
        ? null
        : moneyText(envelope.fourEyesThreshold, envelope.currency),
  };
}

const sameSettings = (a: StoredEnvelope, b: StoredEnvelope) =>
  JSON.stringify(settingsOf(a)) === JSON.stringify(settingsOf(b));

/** Sets (or first creates) the envelope of a fiscal year, with its controls and four-eyes threshold. */
export async function setEnvelope(
  caller: Caller,
  fiscalYear: string,
  settings: EnvelopeSettings,
  ifMatch: string | undefined,
  now = new Date(),
): Promise<{ created: boolean }> {
  requireRole(caller, 'admin', 'finance');
  const { amount, reason } = settings;
  const at = now.toISOString();
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const current = await getEnvelope(fiscalYear);
    assertIfMatch(ifMatch, current, `${fiscalYear} envelope`);
    if (current?.closedAt) throw new YearClosedError(fiscalYear, current.closedAt);
    if (current && current.currency !== amount.currency)
      throw currencyMismatch('currency', amount.currency, current);
    if (settings.fourEyesThreshold && settings.fourEyesThreshold.currency !== amount.currency) {
      throw currencyMismatch(
        'fourEyesThreshold.currency',
        settings.fourEyesThreshold.currency,
        current ?? { fiscalYear, currency: amount.currency },
      );
    }
    if (current && amount.minor < current.allocated)
      throw new EnvelopeBelowAllocationsError(current, amount.minor);
    const threshold =
      settings.fourEyesThreshold === undefined
        ? current?.fourEyesThreshold
        : (settings.fourEyesThreshold?.minor ?? undefined);
    const after: StoredEnvelope = {
      fiscalYear,
      currency: amount.currency,
      envelope: amount.minor,
      allocated: current?.allocated ?? 0,
      controls: { ...(current?.controls ?? DEFAULT_BUDGET_CONTROLS), ...settings.controls },
      ...(threshold !== undefined ? { fourEyesThreshold: threshold } : {}),
      version: (current?.version ?? 0) + 1,
    };
    if (current && sameSettings(current, after)) return { created: false };
    const write: TransactItem = current
      ? {
          Update: {
            TableName: budgetsTableName,
            Key: budgetKeys.envelope(fiscalYear),
            UpdateExpression: `SET #envelope = :envelope, #controls = :controls, #version = :next, updatedAt = :at ${threshold === undefined ? 'REMOVE #threshold' : ', #threshold = :threshold'} ADD #unallocated :increase`,
            // Not closed meanwhile: a closed year's settings stay as the close found them.
            ConditionExpression:
              '#version = :version AND #allocated <= :envelope AND attribute_not_exists(closedAt)',
            ExpressionAttributeNames: {
              '#envelope': 'envelope',
              '#controls': 'controls',
              '#threshold': 'fourEyesThreshold',
              '#version': 'version',
              '#allocated': 'allocated',
              '#unallocated': 'unallocated',
            },
            ExpressionAttributeValues: {
              ':envelope': amount.minor,
              ':controls': after.controls,
              ...(threshold !== undefined ? { ':threshold': threshold } : {}),
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
      ...(current ? { before: settingsOf(current) } : {}),
      after: settingsOf(after),
      ...(reason ? { reason } : {}),
    });
    if ((await transact([write, appendAuditEvent(event)])) === undefined) return { created: !current };
    // Changed meanwhile: decide again on what is there now.
  }
  throw busy();
}
