import {
  ensureVersionedRecord,
  type PutOutcome,
  putVersionedRecord,
  type VersionedRecordKind,
} from '../reference-data/versioned-records.js';
import type { Caller } from '../shared/auth.js';
import { getInternalCapability, saveInternalCapability } from './internal-capability-store.js';
import type { InternalCapability, InternalCapabilityBodyType } from './model.js';

/** Internal capabilities as versioned reference data: the team, its owner and categories, replaced whole. */
const INTERNAL_CAPABILITIES: VersionedRecordKind<
  InternalCapabilityBodyType,
  Pick<InternalCapability, 'name' | 'owner' | 'categories' | 'note'>,
  InternalCapability
> = {
  what: 'internal capability',
  entityType: 'INTERNAL_CAPABILITY',
  get: getInternalCapability,
  save: saveInternalCapability,
  contentsOf: (of) => ({
    name: of.name,
    owner: { name: of.owner.name, email: of.owner.email },
    categories: of.categories,
    ...(of.note ? { note: of.note } : {}),
  }),
  recordOf: (id, contents, stamp) => ({ id, ...contents, ...stamp }),
};

/** Creates or replaces an internal capability (admin; If-Match to replace). */
export async function putInternalCapability(
  caller: Caller,
  id: string,
  body: InternalCapabilityBodyType,
  ifMatch: string | undefined,
  now = new Date(),
): Promise<{ record: InternalCapability; created: boolean }> {
  return putVersionedRecord(INTERNAL_CAPABILITIES, caller, id, body, ifMatch, now);
}

/** Makes an internal capability exactly as given (loading reference data); an unchanged one is left alone. */
export async function ensureInternalCapability(
  caller: Caller,
  id: string,
  body: InternalCapabilityBodyType,
  now = new Date(),
): Promise<PutOutcome> {
  return ensureVersionedRecord(INTERNAL_CAPABILITIES, caller, id, body, now);
}
