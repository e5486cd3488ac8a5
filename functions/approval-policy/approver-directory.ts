import { listAllBusinessFunctions } from '../reference-data/business-functions.js';
import { getApproverGroups } from './approver-group-store.js';
import type { ApprovalPolicyDocumentType, ApproverDirectory } from './model.js';

/** The heads and group members a policy document can name, read once for a resolution. */
export async function loadApproverDirectory(
  document: ApprovalPolicyDocumentType,
): Promise<ApproverDirectory> {
  const groupNames = [
    ...document.rules.flatMap((rule) =>
      rule.steps.flatMap((step) => [
        step.approver,
        ...(step.escalationApprover ? [step.escalationApprover] : []),
      ]),
    ),
    ...(document.followUp?.escalationApprover ? [document.followUp.escalationApprover] : []),
    ...(document.fallbackApprovers ?? []),
    ...(document.budgetExceptionApprover ? [document.budgetExceptionApprover] : []),
  ].flatMap((ref) => (ref.kind === 'GROUP' ? [ref.group] : []));
  const [businessFunctions, groups] = await Promise.all([
    listAllBusinessFunctions(),
    groupNames.length > 0 ? getApproverGroups(groupNames) : [],
  ]);
  const heads = new Map(
    businessFunctions.map((businessFunction) => [businessFunction.code, businessFunction.head]),
  );
  const members = new Map(groups.map((group) => [group.name, group.members]));
  return { headOf: (code) => heads.get(code), membersOf: (name) => members.get(name) };
}
