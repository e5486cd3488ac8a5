import type { RouteAccess, RouteDefinition } from '../platform/route.js';
import { pageSchemaOf } from '../shared/pagination.js';
import {
  DelegationBody,
  DelegationIdPath,
  DelegationResource,
  ListDelegationsQuery,
} from './delegation-model.js';

const tag = 'Delegations';

/** Delegations are kept in the approvals table (delegation-store.ts). */
const READ: RouteAccess = { approvals: 'read' };

export const delegationRoutes: RouteDefinition[] = [
  {
    operationId: 'putMyDelegation',
    method: 'PUT',
    path: '/me/delegations',
    entry: 'functions/approvals/put-delegation.ts',
    summary: 'Delegate your approval steps to someone for a period',
    description:
      'Role approver (or admin, for themselves). While it is active, steps asked of you go to the delegate, who decides on behalf of you; ' +
      'one that has started moves the approvals pending on you now to the delegate (each a fresh link; you and the delegate are emailed). ' +
      'Putting the same delegation again answers it (200) and changes nothing.',
    tag,
    body: DelegationBody,
    responses: {
      200: { description: 'The same delegation existed: nothing changed.', schema: DelegationResource },
      201: { description: 'The delegation.', schema: DelegationResource },
      400: {
        description:
          'Invalid, or refused by a rule, every problem listed: to yourself, a loop, a second hop (a delegate delegating onwards, or a delegator who is a delegate in the period), ' +
          'an overlapping delegation of yours, or a delegate who requested a request waiting on you (named).',
      },
      409: {
        description: 'A delegation of you or the delegate changed meanwhile, again and again: try again.',
      },
    },
    access: {
      approvals: 'write',
      requests: 'write',
      // The holiday calendars: a moved approval's reminders and deadline count business days afresh.
      referenceData: 'read',
      audit: 'append',
      email: 'send',
      settings: ['publicBaseUrl'],
    },
  },
  {
    operationId: 'listMyDelegations',
    method: 'GET',
    path: '/me/delegations',
    entry: 'functions/approvals/list-my-delegations.ts',
    summary: 'Your delegations, given and received, newest first',
    description: 'Role approver (or admin). Matched by the email claim of the token.',
    tag,
    query: ListDelegationsQuery,
    responses: {
      200: { description: 'A page of delegations.', schema: pageSchemaOf(DelegationResource) },
      400: { description: 'Invalid limit or cursor.' },
    },
    access: READ,
  },
  {
    operationId: 'endMyDelegation',
    method: 'POST',
    path: '/me/delegations/{id}/end',
    entry: 'functions/approvals/end-delegation.ts',
    summary: 'End a delegation now',
    description:
      'Its delegator (or an admin). New steps go to the delegator again; approvals already moved to the delegate stay with them.',
    tag,
    pathParameters: DelegationIdPath,
    responses: {
      200: { description: 'The ended delegation.', schema: DelegationResource },
      404: { description: 'No such delegation of yours.' },
      409: { description: 'It has ended already, or changed meanwhile.' },
    },
    access: { approvals: 'write', audit: 'append' },
  },
  {
    operationId: 'listDelegations',
    method: 'GET',
    path: '/delegations',
    entry: 'functions/approvals/list-delegations.ts',
    summary: 'Every delegation, newest first',
    description: 'Role admin.',
    tag,
    query: ListDelegationsQuery,
    responses: {
      200: { description: 'A page of delegations.', schema: pageSchemaOf(DelegationResource) },
      400: { description: 'Invalid limit or cursor.' },
    },
    access: READ,
  },
];
