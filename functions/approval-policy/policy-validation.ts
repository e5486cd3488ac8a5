import { listAllBusinessFunctions } from '../reference-data/business-functions.js';
import { getApproverGroups } from './approver-group-store.js';
import type { ApprovalPolicyDocumentType } from './model.js';
import { checkedPolicyDocument, groupsReferencedBy, type KnownNames } from './policy-checks.js';

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
