import { getBusinessFunction } from '../reference-data/business-functions.js';
import { appendAuditEvent } from '../shared/audit.js';
import { newAuditEvent } from '../shared/audit-event.js';
import { type Caller, requireRole } from '../shared/auth.js';
import { assertIfMatch } from '../shared/concurrency.js';
import type { TransactItem } from '../shared/db.js';
import { NotFoundError, PreconditionFailedError } from '../shared/errors.js';
import type { Money } from '../shared/money.js';
import { budgetKeys, emptyLine, ledgerEntry } from './budget-items.js';
import {
  budgetsTableName,
  getLine,
  putLedgerEntry,
  refusedAt,
  requireEnvelope,
  transact,
  updateLine,
} from './budget-store.js';
import { busy, MAX_ATTEMPTS, moneyText } from './command-support.js';
import {
  AllocationBelowConsumptionError,
  currencyMismatch,
  EnvelopeExceededError,
  YearClosedError,
} from './errors.js';
import { allocationEffect, availableNeededFor } from './ledger.js';
import type { StoredEnvelope, StoredLine } from './model.js';

/**
 * The acts of strategy & business operations (and finance, for the envelope): set the envelope,
 * set an allocation, move budget. Each reads, decides with the ledger rules, and writes one
 * transaction whose conditions re-check the rules, so a concurrent change can never slip past:
 * a refused transaction is re-read and decided again (409 with the figures, or a retry).
 */

export async function requireBusinessFunction(code: string): Promise<void> {
  if ((await getBusinessFunction(code)) === undefined) {
    throw new NotFoundError(`No business function ${code}.`);
  }
}

/** Sets a business function's allocation; the envelope's allocated total moves with it. */
export async function setAllocation(
  caller: Caller,
  fiscalYear: string,
  businessFunction: string,
  amount: Money,
  reason: string | undefined,
  ifMatch: string | undefined,
  now = new Date(),
): Promise<StoredLine> {
  requireRole(caller, 'admin');
  const at = now.toISOString();
  // Reference data does not change between attempts: read once, alongside the first attempt.
  const businessFunctionExists = requireBusinessFunction(businessFunction);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const [envelope, stored] = await Promise.all([
      requireEnvelope(fiscalYear),
      getLine(fiscalYear, businessFunction),
      businessFunctionExists,
    ]);
    if (envelope.closedAt) throw new YearClosedError(fiscalYear, envelope.closedAt);
    if (amount.currency !== envelope.currency) throw currencyMismatch('currency', amount.currency, envelope);
    assertIfMatch(ifMatch, stored, `${businessFunction} line of ${fiscalYear}`);
    const line = stored ?? emptyLine(fiscalYear, businessFunction, envelope.currency);
    const effect = allocationEffect(line.allocated, amount.minor);
    if (effect.allocated === 0) return line;
    if (effect.allocated > envelope.envelope - envelope.allocated) {
      throw new EnvelopeExceededError(envelope, effect.allocated);
    }
    const need = availableNeededFor('ALLOCATION', effect);
    if (need !== undefined && line.available < need)
      throw new AllocationBelowConsumptionError(line, amount.minor);

    const entry = ledgerEntry(caller, line, 'ALLOCATION', effect.allocated, effect, at, {
      ...(reason ? { reference: reason } : {}),
    });
    const event = newAuditEvent(caller, {
      entityType: 'BUDGET',
      entityId: fiscalYear,
      action: 'BUDGET_ALLOCATION_SET',
      at,
      before: { businessFunction, allocated: moneyText(line.allocated, line.currency) },
      after: { businessFunction, allocated: moneyText(amount.minor, line.currency) },
      ...(reason ? { reason } : {}),
    });
    const codes = await transact([
      updateLine(line, effect, at, { availableAtLeast: need }),
      envelopeAllocatedChange(envelope, effect.allocated),
      putLedgerEntry(entry),
      appendAuditEvent(event),
    ]);
    if (codes === undefined) {
      return {
        ...line,
        allocated: amount.minor,
        available: line.available + effect.allocated,
        version: line.version + 1,
      };
    }
    if (ifMatch !== undefined && refusedAt(codes, 0)) {
      throw new PreconditionFailedError('The line changed while you were setting it; read it and try again.');
    }
  }
  throw busy();
}

/** Moves the envelope's allocated total; an increase only while the envelope has room. */
function envelopeAllocatedChange(envelope: StoredEnvelope, increase: number): TransactItem {
  return {
    Update: {
      TableName: budgetsTableName,
      Key: budgetKeys.envelope(envelope.fiscalYear),
      UpdateExpression: 'ADD #allocated :increase, #unallocated :decrease',
      // Never in a closed year: the close reads the year's lines once the envelope says so.
      ConditionExpression: `attribute_not_exists(closedAt) AND ${increase > 0 ? '#unallocated >= :increase' : 'attribute_exists(pk)'}`,
      ExpressionAttributeNames: { '#allocated': 'allocated', '#unallocated': 'unallocated' },
      ExpressionAttributeValues: { ':increase': increase, ':decrease': -increase },
    },
  };
}
