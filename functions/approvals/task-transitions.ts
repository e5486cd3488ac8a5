import type { ConsultancyRequest } from '../requests/model.js';
import { applyRequestTransition, StaleRequestError } from '../requests/request-commands.js';
import type { AuditEvent } from '../shared/audit-event.js';
import type { TransactItem } from '../shared/db.js';
import { ConcurrentChangeError } from './errors.js';

/**
 * A workflow task's change of a request (with whatever must land with it). A write that lost to
 * another change meanwhile (a decision, a withdrawal) fails with ConcurrentChangeError, which
 * the workflow retries: the task then reads the request afresh and acts on what it finds.
 */
export async function applyTaskTransition(
  before: ConsultancyRequest,
  after: ConsultancyRequest,
  event: AuditEvent,
  alongside: TransactItem[] = [],
): Promise<void> {
  try {
    await applyRequestTransition(before, after, event, alongside);
  } catch (error) {
    if (error instanceof StaleRequestError) throw new ConcurrentChangeError(error.message);
    throw error;
  }
}
