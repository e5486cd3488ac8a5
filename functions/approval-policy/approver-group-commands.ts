import { isDeepStrictEqual } from 'node:util';
import type { PutOutcome } from '../reference-data/business-function-commands.js';
import { appendAuditEvent } from '../shared/audit.js';
import { newAuditEvent } from '../shared/audit-event.js';
import { type Caller, personOf, requireRole } from '../shared/auth.js';
import { assertIfMatch, etagOf } from '../shared/concurrency.js';
import { ChangedMeanwhileError } from '../shared/db.js';
import { ConflictError, PreconditionFailedError } from '../shared/errors.js';
import { type ApproverGroup, getApproverGroup, saveApproverGroup } from './approver-group-store.js';
import type { ApproverGroupBodyType } from './policy-checks.js';

/**
 * Creates or replaces an approver group (admin). Replacing needs If-Match, so a concurrent
 * change is not lost; the new version and its audit event land in one transaction.
 */
export async function putApproverGroup(
  caller: Caller,
  name: string,
  body: ApproverGroupBodyType,
  ifMatch: string | undefined,
  now = new Date(),
): Promise<{ group: ApproverGroup; created: boolean }> {
  requireRole(caller, 'admin');
  const before = await getApproverGroup(name);
  assertIfMatch(ifMatch, before, `approver group ${name}`, before !== undefined);
  const at = now.toISOString();
  const group: ApproverGroup = {
    name,
    ...(body.description ? { description: body.description } : {}),
    members: body.members,
    version: (before?.version ?? 0) + 1,
    updatedAt: at,
    updatedBy: personOf(caller),
  };
  const contents = (of: ApproverGroup) => ({
    ...(of.description ? { description: of.description } : {}),
    members: of.members,
    version: of.version,
  });
  const event = newAuditEvent(caller, {
    entityType: 'APPROVER_GROUP',
    entityId: name,
    action: before ? 'APPROVER_GROUP_REPLACED' : 'APPROVER_GROUP_CREATED',
    at,
    ...(before ? { before: contents(before) } : {}),
    after: contents(group),
  });
  try {
    await saveApproverGroup(group, before?.version, appendAuditEvent(event));
  } catch (error) {
    if (!(error instanceof ChangedMeanwhileError)) throw error;
    if (before)
      throw new PreconditionFailedError(`Approver group ${name} changed meanwhile; read it and try again.`);
    throw new ConflictError(`Approver group ${name} was created meanwhile; read it and send If-Match.`);
  }
  return { group, created: before === undefined };
}

/**
 * Makes a group exactly as given (loading reference data): created when new, replaced when its
 * description or members differ, left alone (no write, no audit event) when they do not.
 */
export async function ensureApproverGroup(
  caller: Caller,
  name: string,
  body: ApproverGroupBodyType,
  now = new Date(),
): Promise<PutOutcome> {
  const before = await getApproverGroup(name);
  const contents = (of: ApproverGroupBodyType) => ({ description: of.description, members: of.members });
  if (before && isDeepStrictEqual(contents(before), contents(body))) return 'unchanged';
  const { created } = await putApproverGroup(caller, name, body, before && etagOf(before), now);
  return created ? 'created' : 'changed';
}
