import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type * as z from 'zod';
import { appendAuditEvent } from '../shared/audit.js';
import { newAuditEvent } from '../shared/audit-event.js';
import { type Caller, requireRole } from '../shared/auth.js';
import { documentClient } from '../shared/db.js';
import { IdempotencyKeyReusedError } from '../shared/errors.js';
import { IDEMPOTENCY_TTL_SECONDS } from '../shared/fingerprint.js';
import { newId } from '../shared/ids.js';
import { formatMoney, type Money } from '../shared/money.js';
import { requireBusinessFunction, requireEnvelope } from './budget-commands.js';
import { budgetKeys, emptyLine, ledgerEntry } from './budget-items.js';
import {
  budgetsTableName,
  getLine,
  putLedgerEntry,
  refusedAt,
  transact,
  updateLine,
} from './budget-store.js';
import { busy, MAX_ATTEMPTS, moneyText } from './command-support.js';
import { currencyMismatch, InsufficientBudgetError } from './errors.js';
import { applyEffect, availableNeededFor, transferInEffect, transferOutEffect } from './ledger.js';
import { type StoredLine, type TransferResource, toLineResource } from './model.js';

/**
 * Moving allocation between business functions: both lines change in one transaction or
 * neither does. Each line is written at the version it was read at, so the answer shows the
 * lines exactly as they are after the transfer. With an Idempotency-Key a retried POST
 * answers the first transfer again instead of moving the money twice.
 */

type TransferBody = z.infer<typeof TransferResource>;

export interface TransferOutcome {
  body: TransferBody;
  replayed: boolean;
}

export interface IdempotencyClaim {
  key: string;
  fingerprint: string;
}

async function findTransfer(
  callerSub: string,
  claim: IdempotencyClaim,
): Promise<TransferOutcome | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({
      TableName: budgetsTableName,
      Key: budgetKeys.idempotency(callerSub, claim.key),
      ConsistentRead: true,
    }),
  );
  if (!Item || Number(Item.expiresAt) * 1000 < Date.now()) return undefined;
  if (Item.fingerprint !== claim.fingerprint) throw new IdempotencyKeyReusedError();
  return { body: Item.response as TransferBody, replayed: true };
}

const after = (line: StoredLine, effect: Parameters<typeof applyEffect>[1]): StoredLine => ({
  ...line,
  ...applyEffect(line, effect),
  version: line.version + 1,
});

export async function transferBudget(
  caller: Caller,
  fiscalYear: string,
  transfer: { from: string; to: string; amount: Money; reason: string },
  claim?: IdempotencyClaim,
  now = new Date(),
): Promise<TransferOutcome> {
  requireRole(caller, 'admin');
  if (claim) {
    const first = await findTransfer(caller.sub, claim);
    if (first) return first;
  }
  const at = now.toISOString();
  const transferId = newId('transfer', now.getTime());
  // Reference data does not change between attempts: read once, alongside the first attempt.
  const businessFunctionsExist = Promise.all([
    requireBusinessFunction(transfer.from),
    requireBusinessFunction(transfer.to),
  ]);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const [envelope, storedFrom, storedTo] = await Promise.all([
      requireEnvelope(fiscalYear),
      getLine(fiscalYear, transfer.from),
      getLine(fiscalYear, transfer.to),
      businessFunctionsExist,
    ]);
    if (transfer.amount.currency !== envelope.currency) {
      throw currencyMismatch('amount.currency', transfer.amount.currency, envelope);
    }
    const from = storedFrom ?? emptyLine(fiscalYear, transfer.from, envelope.currency);
    const to = storedTo ?? emptyLine(fiscalYear, transfer.to, envelope.currency);
    const out = transferOutEffect(transfer.amount.minor);
    const into = transferInEffect(transfer.amount.minor);
    const need = availableNeededFor('TRANSFER_OUT', out) ?? 0;
    if (from.available < need) throw new InsufficientBudgetError(from, need);

    const body: TransferBody = {
      transferId,
      fiscalYear,
      from: toLineResource(after(from, out)),
      to: toLineResource(after(to, into)),
      amount: formatMoney(transfer.amount),
      reason: transfer.reason,
    };
    const details = { transferId, reference: transfer.reason };
    const event = newAuditEvent(caller, {
      entityType: 'BUDGET',
      entityId: fiscalYear,
      action: 'BUDGET_TRANSFERRED',
      at,
      before: {
        [transfer.from]: moneyText(from.allocated, from.currency),
        [transfer.to]: moneyText(to.allocated, to.currency),
      },
      after: {
        [transfer.from]: body.from.allocated,
        [transfer.to]: body.to.allocated,
        transferId,
        amount: body.amount,
      },
      reason: transfer.reason,
    });
    const codes = await transact([
      updateLine(from, out, at, { availableAtLeast: need, version: from.version }),
      updateLine(to, into, at, { version: to.version }),
      putLedgerEntry(ledgerEntry(caller, from, 'TRANSFER_OUT', transfer.amount.minor, out, at, details)),
      putLedgerEntry(ledgerEntry(caller, to, 'TRANSFER_IN', transfer.amount.minor, into, at, details)),
      appendAuditEvent(event),
      ...(claim
        ? [
            {
              Put: {
                TableName: budgetsTableName,
                Item: {
                  ...budgetKeys.idempotency(caller.sub, claim.key),
                  fingerprint: claim.fingerprint,
                  response: body,
                  expiresAt: Math.floor(now.getTime() / 1000) + IDEMPOTENCY_TTL_SECONDS,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ]
        : []),
    ]);
    if (codes === undefined) return { body, replayed: false };
    if (claim && refusedAt(codes, 5)) {
      // The same key won a race: answer what it did.
      const first = await findTransfer(caller.sub, claim);
      if (first) return first;
    }
    // A line changed since it was read: decide again on what is there now.
  }
  throw busy();
}
