import { type ApproverAssignmentType, DetermineApproverTask } from '../../workflows/approval-contracts.js';
import { getBusinessFunction } from '../reference-data/business-functions.js';
import { getRequestById } from '../requests/request-queries.js';
import { requireEnv } from '../shared/config.js';
import { sameEmail } from '../shared/contacts.js';
import { taskHandler } from '../shared/task.js';

/** Whose head decides when a business function's own head is the requester (strategy & business ops). */
const segregationBusinessFunction = requireEnv('SEGREGATION_APPROVER_BUSINESS_FUNCTION');

/** Nobody may decide this request: a data problem for an admin, never retried. */
export class NoEligibleApproverError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'NoEligibleApproverError';
  }
}

/**
 * The approver is the head of the request's business function, from the reference data.
 * Segregation of duties: nobody decides their own request, so when that head is the requester
 * the approval goes to the head of strategy & business operations instead.
 */
export async function determineApprover(requestId: string): Promise<ApproverAssignmentType> {
  const request = await getRequestById(requestId);
  if (!request) throw new NoEligibleApproverError(`No request ${requestId}.`);
  const [own, segregation] = await Promise.all([
    getBusinessFunction(request.businessFunction),
    getBusinessFunction(segregationBusinessFunction),
  ]);
  if (!own)
    throw new NoEligibleApproverError(
      `Business function ${request.businessFunction} is not in the reference data.`,
    );
  if (!sameEmail(own.head.email, request.requester.email))
    return { approver: own.head, reassignedFrom: null };
  if (!segregation || sameEmail(segregation.head.email, request.requester.email)) {
    throw new NoEligibleApproverError(
      `The requester heads ${request.businessFunction} and no other approver (head of ${segregationBusinessFunction}) may decide.`,
    );
  }
  return { approver: segregation.head, reassignedFrom: own.head };
}

export const handler = taskHandler(DetermineApproverTask, ({ requestId }) => determineApprover(requestId));
