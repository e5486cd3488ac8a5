import { describe, expect, it } from 'vitest';
import {
  allowedEvents,
  nextStatus,
  REQUEST_LIFECYCLE,
  RequestTransitionError,
} from '../../functions/requests/lifecycle.js';
import { REQUEST_STATUSES, UNDECIDED_STATUSES } from '../../functions/requests/model.js';

describe('the request lifecycle table', () => {
  it('lets nothing happen to a request once it is closed', () => {
    for (const status of [
      'REJECTED',
      'EXPIRED',
      'BUDGET_EXCEEDED',
      'WITHDRAWN',
      'ERROR',
      'REDIRECTED',
      'DECLINED',
    ] as const) {
      expect(allowedEvents(status), status).toEqual([]);
    }
  });

  it('names only known statuses, and every status is reachable or the start', () => {
    const reached = new Set<string>(['SUBMITTED', ...REQUEST_LIFECYCLE.map((transition) => transition.to)]);

    for (const transition of REQUEST_LIFECYCLE) {
      expect(REQUEST_STATUSES).toContain(transition.from);
      expect(REQUEST_STATUSES).toContain(transition.to);
    }
    expect([...reached].sort()).toEqual([...REQUEST_STATUSES].sort());
  });

  it('has one outcome per status and event', () => {
    const pairs = REQUEST_LIFECYCLE.map((transition) => `${transition.from} ${transition.event}`);

    expect(new Set(pairs).size).toBe(pairs.length);
  });

  it('withdraws an approved request, and commits only a request in approval', () => {
    expect(nextStatus({ id: 'req_1', status: 'APPROVED' }, 'WITHDRAW')).toBe('WITHDRAWN');
    expect(nextStatus({ id: 'req_1', status: 'IN_APPROVAL' }, 'COMMIT_BUDGET')).toBe('APPROVED');
  });

  it('lets withdrawal happen in every undecided status', () => {
    for (const status of UNDECIDED_STATUSES) {
      expect(allowedEvents(status), status).toContain('WITHDRAW');
    }
  });

  it('asks for approval only after triage accepted the request, and lets the requester revise only while asked for information or changes', () => {
    expect(allowedEvents('SUBMITTED')).not.toContain('ASK_APPROVAL');
    expect(nextStatus({ id: 'req_1', status: 'IN_TRIAGE' }, 'ACCEPT')).toBe('IN_APPROVAL');
    expect(nextStatus({ id: 'req_1', status: 'NEEDS_INFO' }, 'RESUBMIT')).toBe('SUBMITTED');
    expect(nextStatus({ id: 'req_1', status: 'IN_APPROVAL' }, 'SEND_BACK')).toBe('CHANGES_REQUESTED');
    expect(nextStatus({ id: 'req_1', status: 'CHANGES_REQUESTED' }, 'RESUBMIT')).toBe('SUBMITTED');
    const revisable = ['NEEDS_INFO', 'CHANGES_REQUESTED'];
    for (const status of REQUEST_STATUSES.filter((candidate) => !revisable.includes(candidate))) {
      expect(allowedEvents(status), status).not.toContain('EDIT');
      expect(allowedEvents(status), status).not.toContain('RESUBMIT');
    }
  });

  it('refuses an event the status does not allow with a 409 naming what is allowed', () => {
    const refuse = () => nextStatus({ id: 'req_1', status: 'APPROVED' }, 'COMMIT_BUDGET');

    expect(refuse).toThrow(RequestTransitionError);
    try {
      refuse();
    } catch (error) {
      expect(error).toMatchObject({
        status: 409,
        extensions: { currentStatus: 'APPROVED', allowedTransitions: ['WITHDRAW', 'RECORD_ACTUAL'] },
      });
    }
  });
});
