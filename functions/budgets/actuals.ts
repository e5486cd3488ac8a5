import type * as z from 'zod';
import { getRequestById } from '../requests/request-queries.js';
import { checkRequestUnchanged } from '../requests/request-transitions.js';
import { type Caller, requireRole } from '../shared/auth.js';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors.js';
import { fiscalYearOfDate } from '../shared/fiscal-calendar.js';
import { type Alongside, nothingAlongside } from '../shared/idempotency.js';
import { formatMoney, parseMoney } from '../shared/money.js';
import { fiscalYearsAskedOf } from '../shared/phasing.js';
import { getVendor } from '../vendors/vendor-queries.js';
import { emptyLine, ledgerEntry, newPosition } from './budget-items.js';
import {
  afterLostRace,
  getEnvelope,
  getInvoice,
  getLine,
  getPosition,
  LINE_RACE_ATTEMPTS,
  putInvoice,
  putLedgerEntry,
  putPosition,
  refusedAt,
  transact,
  updateLine,
} from './budget-store.js';
import { busy } from './command-support.js';
import { currencyMismatch } from './errors.js';
import { actualEffect, isBeyondCommitment, positionAfter } from './ledger.js';
import type { ActualResourceType, RecordActualBody } from './model.js';

/**
 * Finance records invoices against approved requests. One vendor's invoice number is one actual:
 * the invoice item is created in the same transaction as the entry, so a repeat (a retry, or
 * the same invoice keyed in twice) answers the first actual again instead of counting twice.
 */

type RecordActualInput = z.output<typeof RecordActualBody>;

/** The same invoice again is the same actual; the same number with other details is a conflict. */
function replay(
  existing: ActualResourceType,
  input: RecordActualInput,
): { statusCode: 200; body: ActualResourceType } {
  const same =
    existing.requestId === input.requestId &&
    existing.invoiceDate === input.invoiceDate &&
    existing.amount.amount === formatMoney(parseMoney(input.amount)).amount &&
    existing.amount.currency === input.amount.currency;
  if (!same) {
    throw new ConflictError(
      `Invoice ${input.invoiceNumber} of vendor ${existing.vendorId} is already recorded with other details.`,
      { existingActual: existing },
    );
  }
  return { statusCode: 200, body: existing };
}

function vendorOf(request: { preferredVendorId?: string | undefined }, input: RecordActualInput): string {
  if (request.preferredVendorId === undefined) {
    if (input.vendorId === undefined) {
      throw new ValidationError([{ field: 'vendorId', message: 'Required: the request names no vendor.' }]);
    }
    return input.vendorId;
  }
  if (input.vendorId !== undefined && input.vendorId !== request.preferredVendorId) {
    throw new ValidationError([
      { field: 'vendorId', message: `The request's vendor is ${request.preferredVendorId}.` },
    ]);
  }
  return request.preferredVendorId;
}

/**
 * The fiscal year whose line an invoice posts to: its invoice date's, when the request asks
 * money of that year (a multi-year request has a part there), else the request's start year.
 */
export function fiscalYearOfActual(
  request: Parameters<typeof fiscalYearsAskedOf>[0],
  invoiceDate: string,
): string {
  const invoiced = fiscalYearOfDate(invoiceDate);
  return fiscalYearsAskedOf(request).includes(invoiced) ? invoiced : request.fiscalYear;
}

export async function recordActual(
  caller: Caller,
  input: RecordActualInput,
  now = new Date(),
  // Written in the actual's transaction: an Idempotency-Key's record of the 201.
  alongside: Alongside<{ statusCode: 201; body: ActualResourceType }> = nothingAlongside,
): Promise<{ statusCode: 200 | 201; body: ActualResourceType }> {
  requireRole(caller, 'finance');
  const amount = parseMoney(input.amount);
  const at = now.toISOString();
  // Both reads at once: a vendor named in the body must exist (the request's own was checked on submit).
  const [found, namedVendor] = await Promise.all([
    getRequestById(input.requestId),
    input.vendorId === undefined ? undefined : getVendor(input.vendorId),
  ]);
  if (!found) throw new NotFoundError(`No request ${input.requestId}.`);
  let request = found;
  const fiscalYear = fiscalYearOfActual(request, input.invoiceDate);
  const vendorId = vendorOf(request, input);
  if (input.vendorId !== undefined && namedVendor === undefined) {
    throw new ValidationError([{ field: 'vendorId', message: `Unknown vendor "${input.vendorId}".` }]);
  }
  for (let attempt = 0; attempt < LINE_RACE_ATTEMPTS; attempt++) {
    if (attempt > 0) await afterLostRace(attempt);
    const [existing, envelope, stored, storedLine] = await Promise.all([
      getInvoice(vendorId, input.invoiceNumber),
      getEnvelope(fiscalYear),
      getPosition(fiscalYear, request.businessFunction, request.id),
      getLine(fiscalYear, request.businessFunction),
    ]);
    if (existing) return replay(existing, input);
    // The request must still be APPROVED when the invoice lands: checked in the same transaction.
    const requestCheck = checkRequestUnchanged(
      request,
      'RECORD_ACTUAL',
      `Actuals are recorded against approved requests; ${request.id} is ${request.status}.`,
    );
    if (!envelope) throw new ConflictError(`No budget envelope is set for ${fiscalYear}.`);
    if (amount.currency !== envelope.currency)
      throw currencyMismatch('amount.currency', amount.currency, envelope);

    const position = stored ?? newPosition({ ...request, fiscalYear }, envelope.currency);
    const line = storedLine ?? emptyLine(fiscalYear, request.businessFunction, envelope.currency);
    const effect = actualEffect(position, amount.minor);
    const beyondCommitment = isBeyondCommitment(position, amount.minor);
    const entry = ledgerEntry(caller, line, 'ACTUAL', amount.minor, effect, at, {
      requestId: request.id,
      vendorId,
      invoiceNumber: input.invoiceNumber,
      invoiceDate: input.invoiceDate,
      beyondCommitment,
      reference: `Invoice ${input.invoiceNumber}`,
    });
    const actual: ActualResourceType = {
      id: entry.id,
      requestId: request.id,
      vendorId,
      invoiceNumber: input.invoiceNumber,
      invoiceDate: input.invoiceDate,
      amount: formatMoney(amount),
      fiscalYear,
      businessFunction: request.businessFunction,
      beyondCommitment,
      recordedAt: at,
      recordedBy: entry.by,
    };
    const codes = await transact([
      putInvoice(actual),
      putPosition(
        {
          ...position,
          ...positionAfter(position, effect),
          vendorId: position.vendorId ?? vendorId,
          invoiceCount: position.invoiceCount + 1,
          version: position.version + 1,
        },
        stored?.version,
        at,
      ),
      updateLine(line, effect, at),
      putLedgerEntry(entry),
      requestCheck,
      ...alongside({ statusCode: 201, body: actual }),
    ]);
    if (codes === undefined) return { statusCode: 201, body: actual };
    if (refusedAt(codes, 0)) {
      const first = await getInvoice(vendorId, input.invoiceNumber);
      if (first) return replay(first, input);
    }
    // Withdrawn meanwhile, say, or another entry landed on the line first: the next attempt
    // reads the request (when it changed), the position and the line again.
    if (refusedAt(codes, 4)) request = (await getRequestById(input.requestId)) ?? request;
  }
  throw busy('The request’s budget position');
}
