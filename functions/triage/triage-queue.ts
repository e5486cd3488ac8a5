import type * as z from 'zod';
import { URGENCIES } from '../requests/model.js';
import { listRequestsMatching } from '../requests/request-queries.js';
import { type Caller, requireRole } from '../shared/auth.js';
import { formatMoney } from '../shared/money.js';
import { everyPage } from '../shared/pagination.js';
import type { TRIAGE_QUEUES, TriageQueue } from './model.js';

const STATUS_OF = { PENDING: 'IN_TRIAGE', NEEDS_INFO: 'NEEDS_INFO' } as const;

/** URGENCIES run from LOW to CRITICAL: the higher, the sooner. */
const urgencyRank = (urgency: string) => URGENCIES.indexOf(urgency as never);

/**
 * The triagers' queue: every request waiting for a triager (PENDING), or for its requester's
 * answer (NEEDS_INFO), most urgent first and, within an urgency, oldest first, each with its
 * age. Read from the requests-by-status index; a queue is tens of requests, so it is read whole
 * to be ordered.
 */
export async function triageQueue(
  caller: Caller,
  queue: (typeof TRIAGE_QUEUES)[number],
  now = new Date(),
): Promise<z.input<typeof TriageQueue>> {
  requireRole(caller, 'triager', 'admin');
  const requests = await everyPage((page) => listRequestsMatching({ status: STATUS_OF[queue] }, page));
  const items = requests
    .map((request) => {
      const since = queue === 'PENDING' ? (request.triage?.askedAt ?? request.updatedAt) : request.updatedAt;
      return {
        id: request.id,
        title: request.title,
        businessFunction: request.businessFunction,
        category: request.category,
        estimatedCost: formatMoney(request.estimatedCost),
        urgency: request.urgency,
        status: request.status,
        requester: request.requester,
        round: request.triage?.round ?? 1,
        ...(request.triage?.askedAt ? { askedAt: request.triage.askedAt } : {}),
        ageSeconds: Math.max(0, Math.floor((now.getTime() - Date.parse(since)) / 1000)),
        flags: (request.assessment?.flags ?? []).map((flag) => flag.code),
      };
    })
    .sort((a, b) => urgencyRank(b.urgency) - urgencyRank(a.urgency) || b.ageSeconds - a.ageSeconds);
  return { status: queue, count: items.length, items };
}
