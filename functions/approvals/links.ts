import { ConflictError, GoneError, NotFoundError } from '../shared/errors.js';
import { readableDateTime } from '../shared/readable.js';
import { getApproval } from './approval-store.js';
import { type Approval, decisionWords, parseLinkToken, secretMatches } from './model.js';

/** Emailed links: whether one is genuine and still usable. Reading only: the page never decides. */

/** Why an approval can no longer be decided, as the person holding the link should hear it. */
export function assertStillOpen(approval: Approval, now: Date): void {
  const decision = approval.decision;
  if (decision) {
    throw new ConflictError(
      `This request was already ${decisionWords(decision.outcome)} by ${decision.decidedBy.name} on ${readableDateTime(decision.decidedAt)}. Nothing was changed.`,
      { approvalStatus: approval.status },
    );
  }
  if (approval.status === 'VOIDED') {
    throw new GoneError(
      approval.voidedReason
        ? `${approval.voidedReason} There is nothing left for you to decide.`
        : 'The request was withdrawn (or closed) while it waited for you: there is nothing to decide.',
      { approvalStatus: approval.status },
    );
  }
  if (approval.status === 'EXPIRED' || now.toISOString() > approval.linkExpiresAt) {
    throw new GoneError(
      `The time to decide ran out on ${readableDateTime(approval.linkExpiresAt)}: the request has expired.`,
      {
        approvalStatus: 'EXPIRED',
      },
    );
  }
}

/** The approval a link points at, if the link is genuine and still usable; decides nothing. */
export async function approvalOfLink(token: string, now = new Date()): Promise<Approval> {
  const parsed = parseLinkToken(token);
  if (!parsed)
    throw new NotFoundError(
      'This approval link is not valid: it may be incomplete. Open it from the email again.',
    );
  const approval = await getApproval(parsed.approvalId);
  // An unknown approval and a wrong secret look the same: a link either works or it does not.
  if (!approval || !secretMatches(approval, parsed.secret)) {
    throw new NotFoundError('This approval link is not valid, or has been replaced by a newer email.');
  }
  assertStillOpen(approval, now);
  return approval;
}
