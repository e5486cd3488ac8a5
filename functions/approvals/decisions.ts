import { randomUUID } from 'node:crypto';
import { fundByTransferAndCommit } from '../budgets/exception-funding.js';
import { type ConsultancyRequest, submissionRoundOf } from '../requests/model.js';
import { applyRequestTransition, StaleRequestError } from '../requests/request-commands.js';
import { getRequestById } from '../requests/request-queries.js';
import { putRequestTransition, transitionOf } from '../requests/request-transitions.js';
import { chainDecidingFieldsOf } from '../requests/send-back-rules.js';
import { type RequestApprovalChainType, stepOf, withStep } from '../shared/approval-summary.js';
import { appendAuditEvent, recordAuditEvent } from '../shared/audit.js';
import { type AuditEvent, newAuditEvent } from '../shared/audit-event.js';
import { type Caller, hasRole } from '../shared/auth.js';
import { normalizedEmail, sameEmail } from '../shared/contacts.js';
import { ChangedMeanwhileError, type TransactItem } from '../shared/db.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { moneyIssues, parseMoney } from '../shared/money.js';
import { getApproval, getApprovals, putApproval } from './approval-store.js';
import { approvalOfLink, assertStillOpen } from './links.js';
import {
  type Approval,
  type ApprovalDecision,
  type Decision,
  type DecisionInput,
  decisionWords,
} from './model.js';
import { completeWorkflowTask } from './workflow.js';

/**
 * Deciding an approval, by emailed link or by API: the same rules and the same signed audit
 * event either way. The decision is recorded with a conditional write first (so of two racing
 * decisions exactly one wins), then handed to the waiting workflow task.
 */

type Decider = { sub: string; name: string; email: string };

/** How often a decision is tried again when only its request (not its approval) changed meanwhile. */
const DECISION_ATTEMPTS = 3;

async function decide(
  pending: Approval,
  decider: Decider,
  input: DecisionInput,
  method: ApprovalDecision['method'],
  now: Date,
): Promise<Approval> {
  let approval = pending;
  // Tells this call's own write from another click's, even one by the same person at the same instant.
  const attemptId = randomUUID();
  for (let attempt = 1; ; attempt++) {
    try {
      return await decideOnce(approval, decider, { ...input, attemptId }, method, now);
    } catch (error) {
      if (!(error instanceof StaleRequestError) || attempt >= DECISION_ATTEMPTS) throw error;
      const current = await getApproval(approval.id);
      if (!current) throw error;
      // Our own write landed, though its answer was lost (a retried call found its conditions
      // spent): the decision stands, and the waiting task still needs it.
      if (current.decision?.attemptId === attemptId) {
        await completeWorkflowTask(current.taskToken, {
          approvalId: current.id,
          outcome: current.decision.outcome,
        });
        return current;
      }
      // Someone (a second click, a withdrawal, the timeout) got there first: say what happened.
      assertStillOpen(current, now);
      if (current.version !== approval.version && !onlyFollowedUp(approval, current)) {
        throw new ConflictError('The approval changed while you were deciding; open the link again.');
      }
      approval = current;
    }
  }
}

/**
 * Still the approval the decider saw, only reminded or escalated meanwhile (the same ask: token,
 * link and approver): the decision goes ahead on it.
 */
const onlyFollowedUp = (seen: Approval, current: Approval) =>
  current.taskToken === seen.taskToken &&
  current.linkSecretHash === seen.linkSecretHash &&
  current.approver.email === seen.approver.email;

/** A budget exception step is funded or rejected; any other step approved, rejected or sent back. */
function assertDecisionFits(approval: Approval, input: DecisionInput): void {
  const exception = approval.kind === 'BUDGET_EXCEPTION';
  if (exception && (input.decision === 'APPROVED' || input.decision === 'SEND_BACK')) {
    throw new ValidationError([
      {
        field: 'decision',
        message:
          'This is a budget exception: fund it by a transfer (FUND_BY_TRANSFER, naming fundFrom) or reject it.',
      },
    ]);
  }
  if (!exception && input.decision === 'FUND_BY_TRANSFER') {
    throw new ValidationError([
      {
        field: 'decision',
        message: 'Only a budget exception step is funded by a transfer: approve or reject.',
      },
    ]);
  }
}

/** The transfer amount asked for, in the request's (the budget's) currency. */
function fundingAmountOf(input: DecisionInput, currency: string): number | undefined {
  if (input.amount === undefined) return undefined;
  const issues = moneyIssues({ amount: input.amount, currency });
  if (issues.length > 0) throw new ValidationError(issues.map((issue) => ({ ...issue, field: 'amount' })));
  const { minor } = parseMoney({ amount: input.amount, currency });
  if (minor <= 0) throw new ValidationError([{ field: 'amount', message: 'Must be more than zero.' }]);
  return minor;
}

const OUTCOMES: Record<DecisionInput['decision'], Decision> = {
  APPROVED: 'APPROVED',
  FUND_BY_TRANSFER: 'APPROVED',
  REJECTED: 'REJECTED',
  SEND_BACK: 'SENT_BACK',
};

async function decideOnce(
  approval: Approval,
  decider: Decider,
  input: DecisionInput & { attemptId: string },
  method: ApprovalDecision['method'],
  now: Date,
): Promise<Approval> {
  assertDecisionFits(approval, input);
  const { comment } = input;
  const funded = input.decision === 'FUND_BY_TRANSFER';
  const outcome = OUTCOMES[input.decision];
  const sentBack = outcome === 'SENT_BACK';
  const at = now.toISOString();
  const request = await getRequestById(approval.requestId);
  if (!request?.approvalChain) throw new NotFoundError(`No request ${approval.requestId} in approval.`);
  const funding =
    funded && input.fundFrom
      ? {
          transferId: newId('transfer', now.getTime()),
          from: input.fundFrom,
          amountMinor: fundingAmountOf(input, request.estimatedCost.currency),
        }
      : undefined;
  const decision: ApprovalDecision = {
    outcome,
    ...(comment ? { comment } : {}),
    decidedBy: decider,
    decidedAt: at,
    method,
    ...(approval.onBehalfOf ? { onBehalfOf: approval.onBehalfOf } : {}),
    attemptId: input.attemptId,
  };
  const after: Approval = {
    ...approval,
    status: outcome,
    decision,
    updatedAt: at,
    version: approval.version + 1,
  };
  const meaning = funded ? 'funded by a transfer' : decisionWords(outcome);
  const event = newAuditEvent(decider, {
    entityType: 'REQUEST',
    entityId: approval.requestId,
    action: 'APPROVAL_DECIDED',
    at,
    before: { approvalId: approval.id, approvalStatus: approval.status, step: approval.step.number },
    after: {
      approvalId: approval.id,
      approvalStatus: outcome,
      step: approval.step.number,
      ...(funding ? { fundFrom: funding.from, transferId: funding.transferId } : {}),
      ...(sentBack ? { requestStatus: 'CHANGES_REQUESTED' } : {}),
    },
    ...(comment ? { reason: comment } : {}),
    signature: {
      printedName: decider.name,
      email: decider.email,
      signedAt: at,
      meaning: outcome,
      ...(comment ? { comment } : {}),
      method,
      ...(approval.onBehalfOf ? { onBehalfOf: approval.onBehalfOf } : {}),
    },
  });
  const chain = request.approvalChain;
  const step = stepOf(chain, approval.step.number);
  // A group step: the first decision wins, and the other members' links stop working with it.
  const siblings = await getApprovals((step.approvalIds ?? []).filter((id) => id !== approval.id));
  const voidedSiblings = siblings
    .filter((sibling) => sibling.status === 'PENDING')
    .map((sibling) => ({
      before: sibling,
      after: {
        ...sibling,
        status: 'VOIDED' as const,
        voidedReason: approval.group
          ? `${decider.name} decided this step for the ${approval.group} group first (${meaning}).`
          : `${decider.name} decided this step first (${meaning}).`,
        updatedAt: at,
        version: sibling.version + 1,
      },
    }));
  // The request moves with its approval (its chain, its version), in one transaction: a
  // withdrawal read before the decision is then stale, and one read after it sees the decision.
  // Sent back, it waits on its requester (CHANGES_REQUESTED), remembering what decided the chain.
  const by = { name: decider.name, email: decider.email };
  const requestAfter = transitionOf(
    request,
    funding ? 'FUND_BY_TRANSFER' : sentBack ? 'SEND_BACK' : 'RECORD_DECISION',
    {
      approvalChain: withStep(chain, step.step, {
        status: outcome,
        decidedAt: at,
        decidedBy: by,
        ...(approval.onBehalfOf ? { decidedOnBehalfOf: approval.onBehalfOf } : {}),
        ...(comment ? { comment } : {}),
        ...(funding ? { transferId: funding.transferId } : {}),
      }),
      ...(sentBack
        ? {
            sendBacks: [
              ...(request.sendBacks ?? []),
              {
                round: submissionRoundOf(request),
                step: step.step,
                stepName: step.name,
                approvalId: approval.id,
                by,
                ...(approval.onBehalfOf ? { onBehalfOf: approval.onBehalfOf } : {}),
                at,
                comment: comment ?? '',
                asSentBack: chainDecidingFieldsOf(request),
              },
            ],
          }
        : {}),
    },
    at,
  );
  const approvals = voidedSiblings.map((sibling) => putApproval(sibling.after, sibling.before));
  if (funding) {
    await fundException(
      request,
      requestAfter,
      { ...after, decision },
      approval,
      funding,
      decider,
      event,
      approvals,
      now,
    );
  } else {
    await applyRequestTransition(request, requestAfter, event, [putApproval(after, approval), ...approvals]);
  }
  const decided = funding ? await getApproval(approval.id) : after;
  await completeWorkflowTask(approval.taskToken, { approvalId: approval.id, outcome });
  return decided ?? after;
}

/**
 * The budget exception funded: the transfer, the commitment, the request's move to APPROVED,
 * the approval's decision (with the transfer) and the audit events, in one transaction.
 */
async function fundException(
  request: ConsultancyRequest,
  requestAfter: ConsultancyRequest,
  after: Approval,
  before: Approval,
  funding: { transferId: string; from: string; amountMinor: number | undefined },
  decider: Decider,
  decisionEvent: AuditEvent,
  alongside: TransactItem[],
  now: Date,
): Promise<void> {
  const at = now.toISOString();
  // Without a transfer (the line had room by the time of the decision): nothing names one.
  const withoutTransfer = (chain: RequestApprovalChainType): RequestApprovalChainType => ({
    ...chain,
    steps: chain.steps.map(({ transferId: _, ...step }) => step),
  });
  try {
    await fundByTransferAndCommit(request, funding, decider, now, (transferMinor) => {
      const transferred = transferMinor > 0;
      const approvedRequest =
        transferred || !requestAfter.approvalChain
          ? requestAfter
          : { ...requestAfter, approvalChain: withoutTransfer(requestAfter.approvalChain) };
      const approved = newAuditEvent(decider, {
        entityType: 'REQUEST',
        entityId: request.id,
        action: 'REQUEST_APPROVED',
        at,
        before: { status: request.status, version: request.version },
        after: {
          status: requestAfter.status,
          version: requestAfter.version,
          approvalId: after.id,
          step: after.step.number,
          ...(transferred ? { transferId: funding.transferId } : {}),
        },
      });
      const decision: ApprovalDecision = {
        ...(after.decision as ApprovalDecision),
        ...(transferred
          ? {
              funding: {
                transferId: funding.transferId,
                from: funding.from,
                amount: { minor: transferMinor, currency: request.estimatedCost.currency },
              },
            }
          : {}),
      };
      return [
        putRequestTransition(request, approvedRequest),
        appendAuditEvent(decisionEvent),
        appendAuditEvent(approved),
        putApproval({ ...after, decision }, before),
        ...alongside,
      ];
    });
  } catch (error) {
    if (error instanceof ChangedMeanwhileError) throw new StaleRequestError();
    throw error;
  }
}

/** A decision posted from the emailed link's page: the link stands for its approver. */
export async function decideByLink(token: string, input: DecisionInput, now = new Date()): Promise<Approval> {
  const approval = await approvalOfLink(token, now);
  const approver = { sub: `email:${normalizedEmail(approval.approver.email)}`, ...approval.approver };
  if (sameEmail(approval.approver.email, approval.subject.requester.email)) {
    await refuseOwnRequest(approval, approver, 'EMAIL_LINK', now);
  }
  return decide(approval, approver, input, 'EMAIL_LINK', now);
}

/** A decision through the API: only the assigned approver, never the requester. */
export async function decideByApi(
  caller: Caller,
  approvalId: string,
  input: DecisionInput,
  now = new Date(),
): Promise<Approval> {
  if (!hasRole(caller, 'approver', 'admin')) {
    throw new ForbiddenError('Deciding approvals needs the approver (or admin) role.');
  }
  const approval = await getApproval(approvalId);
  if (!approval) throw new NotFoundError(`No approval ${approvalId}.`);
  const requester = approval.subject.requester;
  if (caller.sub === requester.sub || sameEmail(caller.email, requester.email)) {
    await refuseOwnRequest(approval, caller, 'API', now);
  }
  if (!sameEmail(caller.email, approval.approver.email)) {
    throw new ForbiddenError(`This approval is assigned to ${approval.approver.name}, not to you.`);
  }
  assertStillOpen(approval, now);
  return decide(approval, { sub: caller.sub, name: caller.name, email: caller.email }, input, 'API', now);
}

/** Segregation of duties: an attempt to decide one's own request is refused, and the attempt audited. */
async function refuseOwnRequest(
  approval: Approval,
  who: Decider,
  method: ApprovalDecision['method'],
  now: Date,
): Promise<never> {
  await recordAuditEvent(
    newAuditEvent(who, {
      entityType: 'REQUEST',
      entityId: approval.requestId,
      action: 'APPROVAL_DECISION_REFUSED',
      at: now.toISOString(),
      after: { approvalId: approval.id, method },
      reason: 'Segregation of duties: nobody decides their own request.',
    }),
  );
  throw new ForbiddenError(
    'You requested this yourself: segregation of duties means someone else must decide it.',
  );
}
