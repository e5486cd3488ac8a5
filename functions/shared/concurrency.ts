import { PreconditionFailedError, PreconditionRequiredError } from './errors.js';

/** The strong entity tag of a record version, for ETag / If-Match. */
export const etagOf = (record: { version: number }) => `"${record.version}"`;

/**
 * Optimistic concurrency at the edge: If-Match compares strongly, "*" matches any version, a
 * weak tag never does (nor anything, when there is no record yet). `required` refuses a change
 * that names no version at all (428).
 */
export function assertIfMatch(
  ifMatch: string | undefined,
  current: { version: number } | undefined,
  what: string,
  required = false,
): void {
  if (ifMatch === undefined) {
    if (required) {
      throw new PreconditionRequiredError(
        `Send If-Match with the ETag of the ${what} you read (or "*") so a concurrent change is not lost.`,
      );
    }
    return;
  }
  if (current === undefined) throw new PreconditionFailedError(`The ${what} does not exist yet.`);
  if (ifMatch.trim() !== '*' && ifMatch.trim() !== etagOf(current)) {
    throw new PreconditionFailedError(`The ${what} is at version ${etagOf(current)}, not ${ifMatch}.`);
  }
}
