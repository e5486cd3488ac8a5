import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { submissionRoundOf } from '../requests/model.js';
import { listRequestsMatching } from '../requests/request-queries.js';
import { requireEnv } from '../shared/config.js';
import { logger } from '../shared/logger.js';
import { recoverApprovalWorkflow } from './workflow.js';

const approvalWorkflowArn = requireEnv('APPROVAL_WORKFLOW_ARN');

/**
 * A request this long in SUBMITTED has lost its start, or its execution this long without asking
 * has lost its task (the workflow moves a request on within seconds).
 */
const strandedAfterMs = Number(requireEnv('STRANDED_AFTER_SECONDS')) * 1000;
const PAGE_SIZE = 100;

/**
 * The sweeper: starts the approval of every request left in SUBMITTED because starting its
 * workflow failed (`started`), and takes over from an execution that runs but never asked for
 * approval because its task was lost (`recovered`). Executions are named after requests, so a
 * request whose workflow runs normally is never started twice.
 */
export async function startStrandedApprovals(
  now = new Date(),
): Promise<{ started: string[]; recovered: string[] }> {
  const started: string[] = [];
  const recovered: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await listRequestsMatching({ status: 'SUBMITTED' }, { limit: PAGE_SIZE, cursor });
    for (const request of page.items) {
      // SUBMITTED since its last change: its submission, or its resubmission (after NEEDS_INFO or a send-back).
      if (now.getTime() - Date.parse(request.updatedAt) < strandedAfterMs) continue;
      const outcome = await recoverApprovalWorkflow(
        approvalWorkflowArn,
        { id: request.id, round: submissionRoundOf(request) },
        strandedAfterMs,
        now,
      );
      if (outcome === 'started') started.push(request.id);
      if (outcome === 'recovered') recovered.push(request.id);
    }
    cursor = page.nextCursor;
  } while (cursor);
  if (started.length + recovered.length > 0)
    logger.warn('Started stranded approvals', { started, recovered });
  return { started, recovered };
}

export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(() => startStrandedApprovals());
