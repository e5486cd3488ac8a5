import { describe, expect, it } from 'vitest';
import { type Delegation, delegationProblems } from '../../functions/approvals/delegation-model.js';

const ann = { name: 'Ann', email: 'ann@techops.example' };
const bob = { name: 'Bob', email: 'bob@techops.example' };
const cy = { name: 'Cy', email: 'cy@techops.example' };
const JULY = { startsAt: '2030-07-01T00:00:00.000Z', endsAt: '2030-07-15T00:00:00.000Z' };
const AUGUST = { startsAt: '2030-08-01T00:00:00.000Z', endsAt: '2030-08-15T00:00:00.000Z' };

const existing = (delegator: typeof ann, delegate: typeof ann, period = JULY): Delegation => ({
  id: `dlg_${delegator.name}_${delegate.name}`,
  delegator,
  delegate,
  ...period,
  reason: 'Leave',
  createdAt: '2030-06-01T00:00:00.000Z',
  version: 1,
});
const none = { ofDelegator: [], ofDelegate: [], pendingOnDelegator: [] };
const messages = (issues: { message: string }[]) => issues.map((issue) => issue.message).join(' | ');

describe('delegation rules', () => {
  it('allows a delegation to someone with no delegation in the period', () => {
    const issues = delegationProblems(
      ann,
      { delegate: bob, ...JULY, reason: 'Leave' },
      {
        ...none,
        ofDelegate: [existing(bob, cy, AUGUST)],
      },
    );

    expect(issues).toEqual([]);
  });

  it('refuses a delegation to oneself', () => {
    const issues = delegationProblems(
      ann,
      { delegate: { ...ann, email: 'ANN@techops.example' }, ...JULY, reason: 'x' },
      none,
    );

    expect(issues).toEqual([{ field: 'delegate.email', message: 'You cannot delegate to yourself.' }]);
  });

  it('refuses a loop once, as a loop', () => {
    const loop = existing(bob, ann);

    const issues = delegationProblems(
      ann,
      { delegate: bob, ...JULY, reason: 'x' },
      {
        ...none,
        ofDelegator: [loop],
        ofDelegate: [loop],
      },
    );

    expect(issues).toHaveLength(1);
    expect(messages(issues)).toContain('A delegation loop: Bob delegates to you');
  });

  it('refuses a second hop either way: a delegate who delegates, and a delegator who is a delegate', () => {
    const onwards = delegationProblems(
      ann,
      { delegate: bob, ...JULY, reason: 'x' },
      {
        ...none,
        ofDelegate: [existing(bob, cy)],
      },
    );
    const asDelegate = delegationProblems(
      ann,
      { delegate: bob, ...JULY, reason: 'x' },
      {
        ...none,
        ofDelegator: [existing(cy, ann)],
      },
    );

    expect(messages(onwards)).toContain('Bob delegates to Cy');
    expect(messages(asDelegate)).toContain("You are Cy's delegate");
  });

  it('refuses a delegate who requested a request waiting on the delegator, naming it', () => {
    const issues = delegationProblems(
      ann,
      { delegate: bob, ...JULY, reason: 'x' },
      {
        ...none,
        pendingOnDelegator: [{ requestId: 'req_1', requester: bob }],
      },
    );

    expect(messages(issues)).toContain('Bob requested req_1');
  });
});
