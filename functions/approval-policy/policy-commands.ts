import { listAllBusinessFunctions } from '../reference-data/business-functions.js';
import { appendAuditEvent } from '../shared/audit.js';
import { newAuditEvent } from '../shared/audit-event.js';
import { type Caller, personOf, type Role, requireRole } from '../shared/auth.js';
import { assertIfMatch } from '../shared/concurrency.js';
import { ChangedMeanwhileError } from '../shared/db.js';
import { PreconditionFailedError } from '../shared/errors.js';
import { getApproverGroups } from './approver-group-store.js';
import type { ApprovalPolicy, ApprovalPolicyDocumentType } from './model.js';
import { checkedPolicyDocument, groupsReferencedBy, type KnownNames } from './policy-checks.js';
import { currentApprovalPolicy, publishPolicyVersion } from './policy-store.js';

/** Who may read the policy, its versions and groups, and preview chains: those who run or decide approvals. */
export const POLICY_READERS: Role[] = ['admin', 'finance', 'approver'];

export function assertMayReadApprovalPolicy(caller: Caller): void {
  requireRole(caller, ...POLICY_READERS);
}

/** The reference data a document's checks need: the business functions, and the groups it names. */
async function knownNamesFor(input: unknown): Promise<KnownNames> {
  const [businessFunctions, groups] = await Promise.all([
    listAllBusinessFunctions(),
    getApproverGroups(groupsReferencedBy(input)),
  ]);
  return {
    businessFunctions: new Set(businessFunctions.map((businessFunction) => businessFunction.code)),
    groups: new Set(groups.map((group) => group.name)),
  };
}

/** A document checked against its shape and the reference data; a ValidationError lists every problem. */
export async function validatedPolicyDocument(input: unknown): Promise<ApprovalPolicyDocumentType> {
  return checkedPolicyDocument(input, await knownNamesFor(input));
}

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
