import { isDeepStrictEqual } from 'node:util';
import type { PutOutcome } from '../reference-data/versioned-records.js';
import { appendAuditEvent } from '../shared/audit.js';
import { newAuditEvent } from '../shared/audit-event.js';
import { type Caller, personOf, requireRole } from '../shared/auth.js';
import { assertIfMatch, etagOf } from '../shared/concurrency.js';
import { ChangedMeanwhileError } from '../shared/db.js';
import { PreconditionFailedError } from '../shared/errors.js';
import type { ApprovalPolicy } from './model.js';
import { currentApprovalPolicy, publishPolicyVersion } from './policy-store.js';
import { validatedPolicyDocument } from './policy-validation.js';

/**
 * Publishes a new version (admin): If-Match names the version it is based on, the document is
 * checked in full, then the version, the pointer and the audit event land in one transaction.
 */
export async function publishApprovalPolicy(
  caller: Caller,
  input: unknown,
  ifMatch: string | undefined,
  now = new Date(),
): Promise<ApprovalPolicy> {
  requireRole(caller, 'admin');
  const current = await currentApprovalPolicy();
  assertIfMatch(ifMatch, current, 'approval policy', true);
  const document = await validatedPolicyDocument(input);
  const at = now.toISOString();
  const published: ApprovalPolicy = {
    version: current.version + 1,
    document,
    changedBy: personOf(caller),
    changedAt: at,
  };
  const event = newAuditEvent(caller, {
    entityType: 'APPROVAL_POLICY',
    entityId: 'APPROVAL',
    action: 'APPROVAL_POLICY_PUBLISHED',
    at,
    before: { version: current.version },
    after: { version: published.version, rules: document.rules.length },
  });
  try {
    await publishPolicyVersion(published, current.version, appendAuditEvent(event));
  } catch (error) {
    if (error instanceof ChangedMeanwhileError) {
      throw new PreconditionFailedError(
        'The approval policy was published meanwhile; read it and try again.',
      );
    }
    throw error;
  }
  return published;
}

/**
 * Makes the given document the policy in force (loading reference data): published as a new
 * version when it differs from the current one, left alone (no version, no audit event) when not.
 */
export async function ensureApprovalPolicy(
  caller: Caller,
  input: unknown,
  now = new Date(),
): Promise<PutOutcome> {
  requireRole(caller, 'admin');
  const current = await currentApprovalPolicy();
  const document = await validatedPolicyDocument(input);
  if (current.version > 0 && isDeepStrictEqual(current.document, document)) return 'unchanged';
  await publishApprovalPolicy(caller, document, etagOf(current), now);
  return current.version === 0 ? 'created' : 'changed';
}
