import { isDeepStrictEqual } from 'node:util';
import { appendAuditEvent } from '../shared/audit.js';
import { type AuditedEntity, newAuditEvent } from '../shared/audit-event.js';
import { type Caller, personOf, requireRole } from '../shared/auth.js';
import { assertIfMatch, etagOf } from '../shared/concurrency.js';
import { ChangedMeanwhileError, type TransactItem } from '../shared/db.js';
import { ConflictError, PreconditionFailedError } from '../shared/errors.js';

/**
 * Reference data kept as versioned records that an admin creates or replaces whole (approver
 * groups, internal capabilities): one way to put them, with If-Match, the new version and its
 * audit event in one transaction, and one way to load them idempotently (the seed).
 */

/** What putting reference data did: only `created` and `changed` wrote (with an audit event). */
export type PutOutcome = 'created' | 'changed' | 'unchanged';

export interface VersionStamp {
  version: number;
  updatedAt: string;
  updatedBy: { sub: string; name: string; email: string };
}

/** A kind of versioned record: how it is named, read, stored, and what of it counts as its contents. */
export interface VersionedRecordKind<
  Body,
  Contents extends Record<string, unknown>,
  Stored extends VersionStamp,
> {
  /** "approver group": for messages. */
  what: string;
  entityType: AuditedEntity;
  get(key: string): Promise<Stored | undefined>;
  save(record: Stored, basedOn: number | undefined, alongside: TransactItem): Promise<void>;
  /** What a body or a stored record says, without its bookkeeping: what is compared and audited. */
  contentsOf(of: Body | Stored): Contents;
  /** The record to store: its key, its contents, its version stamp. */
  recordOf(key: string, contents: Contents, stamp: VersionStamp): Stored;
}

/**
 * Creates or replaces a record (admin). Replacing needs If-Match, so a concurrent change is not
 * lost; the new version and its audit event (`<ENTITY>_CREATED` or `_REPLACED`) land together.
 */
export async function putVersionedRecord<
  Body,
  Contents extends Record<string, unknown>,
  Stored extends VersionStamp,
>(
  kind: VersionedRecordKind<Body, Contents, Stored>,
  caller: Caller,
  key: string,
  body: Body,
  ifMatch: string | undefined,
  now = new Date(),
): Promise<{ record: Stored; created: boolean }> {
  requireRole(caller, 'admin');
  const before = await kind.get(key);
  assertIfMatch(ifMatch, before, `${kind.what} ${key}`, before !== undefined);
  const at = now.toISOString();
  const record = kind.recordOf(key, kind.contentsOf(body), {
    version: (before?.version ?? 0) + 1,
    updatedAt: at,
    updatedBy: personOf(caller),
  });
  const audited = (of: Stored) => ({ ...kind.contentsOf(of), version: of.version });
  const event = newAuditEvent(caller, {
    entityType: kind.entityType,
    entityId: key,
    action: `${kind.entityType}_${before ? 'REPLACED' : 'CREATED'}`,
    at,
    ...(before ? { before: audited(before) } : {}),
    after: audited(record),
  });
  try {
    await kind.save(record, before?.version, appendAuditEvent(event));
  } catch (error) {
    if (!(error instanceof ChangedMeanwhileError)) throw error;
    const named = `${kind.what.charAt(0).toUpperCase()}${kind.what.slice(1)} ${key}`;
    if (before) throw new PreconditionFailedError(`${named} changed meanwhile; read it and try again.`);
    throw new ConflictError(`${named} was created meanwhile; read it and send If-Match.`);
  }
  return { record, created: before === undefined };
}

/**
 * Makes a record exactly as given (loading reference data): created when new, replaced when its
 * contents differ, left alone (no write, no audit event) when they do not.
 */
export async function ensureVersionedRecord<
  Body,
  Contents extends Record<string, unknown>,
  Stored extends VersionStamp,
>(
  kind: VersionedRecordKind<Body, Contents, Stored>,
  caller: Caller,
  key: string,
  body: Body,
  now = new Date(),
): Promise<PutOutcome> {
  const before = await kind.get(key);
  if (before && isDeepStrictEqual(kind.contentsOf(before), kind.contentsOf(body))) return 'unchanged';
  const { created } = await putVersionedRecord(kind, caller, key, body, before && etagOf(before), now);
  return created ? 'created' : 'changed';
}
