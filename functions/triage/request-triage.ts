import type * as z from 'zod';
import { RequestTriageTask, TRIAGE_DECIDED_ERROR } from '../../workflows/approval-contracts.js';
import { ConcurrentChangeError, RequestClosedError } from '../approvals/errors.js';
import { subjectOf } from '../approvals/model.js';
import { applyTaskTransition } from '../approvals/task-transitions.js';
import { getBusinessFunction } from '../reference-data/business-functions.js';
import { allows } from '../requests/lifecycle.js';
import { getRequestById } from '../requests/request-queries.js';
import { transitionOf } from '../requests/request-transitions.js';
import { newAuditEvent, WORKFLOW_ACTOR } from '../shared/audit-event.js';
import { requireEnv } from '../shared/config.js';
import { sameEmail } from '../shared/contacts.js';
import { sendEmail } from '../shared/email.js';
import { taskHandler } from '../shared/task.js';
import { triageRequestEmail } from './triage-emails.js';
import { parseTriagers } from './triagers.js';

const publicBaseUrl = requireEnv('PUBLIC_BASE_URL');
const triagers = parseTriagers(requireEnv('TRIAGERS'));

type Input = z.output<typeof RequestTriageTask>;

/**
 * The ask was delivered again after a triager decided (the decision completed an earlier
 * attempt's token): the workflow goes straight on to read the decision.
 */
export class TriageDecidedError extends Error {
  constructor(requestId: string) {
    super(`Request ${requestId} was triaged before this ask was delivered.`);
    this.name = TRIAGE_DECIDED_ERROR;
  }
}

/** Every configured triager is the requester: nobody else may triage it (an admin must step in). */
export class NoTriagerError extends Error {
  constructor(requestId: string) {
    super(`Request ${requestId}: every configured triager is its requester; nobody else may triage it.`);
    this.name = 'NoTriagerError';
  }
}

/**
 * Asks the triagers to decide a request: moves it to IN_TRIAGE with the workflow's task token
 * (one conditional write, with its audit event), then emails every triager but the requester.
 * A retry (new token) replaces the token, so the newest wait is the one a decision completes.
 * Delivered again after the decision landed, it fails with TriageDecidedError, which the
 * workflow catches to read the decision.
 */
export async function requestTriage(input: Input, now = new Date()): Promise<void> {
  const request = await getRequestById(input.requestId);
  if (!request) throw new ConcurrentChangeError(`Request ${input.requestId} is not readable yet.`);
  if (!allows(request.status, 'ASK_TRIAGE')) {
    if (request.triage?.outcome && request.status !== 'WITHDRAWN') throw new TriageDecidedError(request.id);
    throw new RequestClosedError(request);
  }
  const asked = triagers.filter((triager) => !sameEmail(triager.email, request.requester.email));
  if (asked.length === 0) throw new NoTriagerError(request.id);

  const at = now.toISOString();
  const round = request.triage?.round ?? 1;
  const after = transitionOf(
    request,
    'ASK_TRIAGE',
    {
      triage: { ...request.triage, round, askedAt: request.triage?.askedAt ?? at, triagers: asked },
      triageTaskToken: input.taskToken,
      executionArn: input.executionArn,
    },
    at,
  );
  const event = newAuditEvent(WORKFLOW_ACTOR, {
    entityType: 'REQUEST',
    entityId: request.id,
    action: 'TRIAGE_REQUESTED',
    at,
    before: { status: request.status, version: request.version },
    after: { status: after.status, version: after.version, round, triagers: asked },
  });
  await applyTaskTransition(request, after, event);
  const businessFunction = await getBusinessFunction(request.businessFunction);
  await sendEmail(
    triageRequestEmail(
      asked,
      subjectOf(after, businessFunction?.name ?? request.businessFunction),
      publicBaseUrl,
    ),
  );
}

export const handler = taskHandler(RequestTriageTask, (input) => requestTriage(input));
