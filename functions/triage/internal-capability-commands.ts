import { isDeepStrictEqual } from 'node:util';
import type { PutOutcome } from '../reference-data/business-function-commands.js';
import { appendAuditEvent } from '../shared/audit.js';
import { newAuditEvent } from '../shared/audit-event.js';
import { type Caller, personOf, requireRole } from '../shared/auth.js';
import { assertIfMatch, etagOf } from '../shared/concurrency.js';
import { ChangedMeanwhileError } from '../shared/db.js';
import { ConflictError, PreconditionFailedError } from '../shared/errors.js';
import { getInternalCapability, saveInternalCapability } from './internal-capability-store.js';
import type { InternalCapability, InternalCapabilityBodyType } from './model.js';

/** What an internal capability is, without its bookkeeping: what the audit trail and the seed compare. */
const contentsOf = (of: InternalCapabilityBodyType) => ({
  name: of.name,
  owner: { name: of.owner.name, email: of.owner.email },
  categories: of.categories,
  ...(of.note ? { note: of.note } : {}),
});

/**
 * Creates or replaces an internal capability (admin). Replacing needs If-Match, so a concurrent
 * change is not lost; the new version and its audit event land in one transaction.
 */
export async function putInternalCapability(
  caller: Caller,
  id: string,
  body: InternalCapabilityBodyType,
  ifMatch: string | undefined,
  now = new Date(),
): Promise<{ capability: InternalCapability; created: boolean }> {
  requireRole(caller, 'admin');
  const before = await getInternalCapability(id);
  assertIfMatch(ifMatch, before, `internal capability ${id}`, before !== undefined);
  const at = now.toISOString();
  const capability: InternalCapability = {
    id,
    ...contentsOf(body),
    version: (before?.version ?? 0) + 1,
    updatedAt: at,
    updatedBy: personOf(caller),
  };
  const event = newAuditEvent(caller, {
    entityType: 'INTERNAL_CAPABILITY',
    entityId: id,
    action: before ? 'INTERNAL_CAPABILITY_REPLACED' : 'INTERNAL_CAPABILITY_CREATED',
    at,
    ...(before ? { before: { ...contentsOf(before), version: before.version } } : {}),
    after: { ...contentsOf(capability), version: capability.version },
  });
  try {
    await saveInternalCapability(capability, before?.version, appendAuditEvent(event));
  } catch (error) {
    if (!(error instanceof ChangedMeanwhileError)) throw error;
    if (before)
      throw new PreconditionFailedError(
        `Internal capability ${id} changed meanwhile; read it and try again.`,
      );
    throw new ConflictError(`Internal capability ${id} was created meanwhile; read it and send If-Match.`);
  }
  return { capability, created: before === undefined };
}

/**
 * Makes an internal capability exactly as given (loading reference data): created when new,
 * replaced when it differs, left alone (no write, no audit event) when it does not.
 */
export async function ensureInternalCapability(
  caller: Caller,
  id: string,
  body: InternalCapabilityBodyType,
  now = new Date(),
): Promise<PutOutcome> {
  const before = await getInternalCapability(id);
  if (before && isDeepStrictEqual(contentsOf(before), contentsOf(body))) return 'unchanged';
  const { created } = await putInternalCapability(caller, id, body, before && etagOf(before), now);
  return created ? 'created' : 'changed';
}
