import { ConflictError } from '../shared/errors.js';
import { formatMoney } from '../shared/money.js';

/** Shared by the budget commands: a refused transaction is re-read and decided again, a few times. */
export const MAX_ATTEMPTS = 5;

export function busy(what = 'The budget'): ConflictError {
  return new ConflictError(`${what} changed repeatedly while saving; try again.`);
}

export const moneyText = (minor: number, currency: string) => formatMoney({ minor, currency });
