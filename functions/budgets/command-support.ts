import { ConflictError, PreconditionFailedError } from '../shared/errors.js';
import { formatMoney } from '../shared/money.js';

/** Shared by the budget commands: a refused transaction is re-read and decided again, a few times. */
export const MAX_ATTEMPTS = 5;

export function busy(): ConflictError {
  return new ConflictError('The budget changed repeatedly while saving; try again.');
}

/** If-Match compares strongly: "*" matches any existing version, a weak tag never does. */
export function assertIfMatch(ifMatch: string | undefined, version: number | undefined, what: string): void {
  if (ifMatch === undefined) return;
  const tag = ifMatch.trim();
  if (version !== undefined && (tag === '*' || tag === `"${version}"`)) return;
  throw new PreconditionFailedError(
    version === undefined ? `${what} does not exist yet.` : `${what} is at version "${version}", not ${tag}.`,
  );
}

export const moneyText = (minor: number, currency: string) => formatMoney({ minor, currency });
