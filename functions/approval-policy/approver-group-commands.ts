import {
  ensureVersionedRecord,
  type PutOutcome,
  putVersionedRecord,
  type VersionedRecordKind,
} from '../reference-data/versioned-records.js';
import type { Caller } from '../shared/auth.js';
import { type ApproverGroup, getApproverGroup, saveApproverGroup } from './approver-group-store.js';
import type { ApproverGroupBodyType } from './policy-checks.js';

/** Approver groups as versioned reference data: a description and members, replaced whole. */
const APPROVER_GROUPS: VersionedRecordKind<
  ApproverGroupBodyType,
  Pick<ApproverGroup, 'description' | 'members'>,
  ApproverGroup
> = {
  what: 'approver group',
  entityType: 'APPROVER_GROUP',
  get: getApproverGroup,
  save: saveApproverGroup,
  contentsOf: (of) => ({ ...(of.description ? { description: of.description } : {}), members: of.members }),
  recordOf: (name, contents, stamp) => ({ name, ...contents, ...stamp }),
};

/** Creates or replaces an approver group (admin; If-Match to replace). */
export async function putApproverGroup(
  caller: Caller,
  name: string,
  body: ApproverGroupBodyType,
  ifMatch: string | undefined,
  now = new Date(),
): Promise<{ record: ApproverGroup; created: boolean }> {
  return putVersionedRecord(APPROVER_GROUPS, caller, name, body, ifMatch, now);
}

/** Makes a group exactly as given (loading reference data); an unchanged one is left alone. */
export async function ensureApproverGroup(
  caller: Caller,
  name: string,
  body: ApproverGroupBodyType,
  now = new Date(),
): Promise<PutOutcome> {
  return ensureVersionedRecord(APPROVER_GROUPS, caller, name, body, now);
}
