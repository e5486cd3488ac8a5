import * as z from 'zod';
import type { RouteAccess, RouteDefinition } from '../platform/route.js';
import { RequestIdPath, RequestResource } from '../requests/model.js';
import { pageSchemaOf } from '../shared/pagination.js';
import { StateConflictProblem } from '../shared/problem.js';
import {
  InternalCapabilityBody,
  InternalCapabilityPath,
  InternalCapabilityResource,
  ListInternalCapabilitiesQuery,
  TriageDecisionBody,
  TriageQueue,
  TriageQueueQuery,
} from './model.js';

const tag = 'Triage';
const READ: RouteAccess = { referenceData: 'read' };
/** Every change appends its audit event in the same transaction. */
const WRITE: RouteAccess = { referenceData: 'write', audit: 'append' };

export const triageRoutes: RouteDefinition[] = [
  {
    operationId: 'listTriageQueue',
    method: 'GET',
    path: '/triage',
    entry: 'functions/triage/list-triage-queue.ts',
    summary: "The triagers' queue: most urgent first, then oldest first, with each request's age",
    description:
      'Roles triager or admin. PENDING (the default): requests waiting for a triage decision; NEEDS_INFO: requests waiting for their requester.',
    tag,
    query: TriageQueueQuery,
    responses: {
      200: { description: 'The whole queue.', schema: TriageQueue },
      400: { description: 'Invalid status.' },
      403: { description: 'Not a triager.' },
    },
    access: { requests: 'read' },
  },
  {
    operationId: 'triageRequest',
    method: 'POST',
    path: '/requests/{id}/triage',
    entry: 'functions/triage/decide-triage.ts',
    summary: 'Decide a request in triage: accept, redirect inside, ask for information, or decline',
    description:
      'Roles triager or admin, never on your own request. ACCEPT (optionally correcting the category and setting a priority) starts the approval chain; REDIRECT_INTERNAL ends it REDIRECTED and tells the requester and the internal team; NEEDS_INFO asks the requester (who edits and resubmits); DECLINE ends it DECLINED. Of two triagers deciding at once, exactly one decision counts.',
    tag,
    pathParameters: RequestIdPath,
    headers: {
      'If-Match': { schema: z.string(), description: 'Optional: the ETag of the request you read.' },
    },
    body: TriageDecisionBody,
    responses: {
      200: { description: 'The triaged request.', schema: RequestResource, headers: ['ETag'] },
      400: {
        description:
          'Invalid decision, an unknown internal capability, or a duplicateOf that is not another request of the business function.',
      },
      403: { description: 'Not a triager, or your own request.' },
      404: { description: 'No such request.' },
      409: {
        description:
          'The request is not waiting for triage (another triager decided it, say): `currentStatus` says where it is.',
        schema: StateConflictProblem,
      },
      412: { description: 'The request changed since the ETag sent in If-Match.' },
    },
    access: {
      requests: 'write',
      // The internal capability of a redirection.
      referenceData: 'read',
      audit: 'append',
      workflow: 'decide',
    },
  },
  {
    operationId: 'listInternalCapabilities',
    method: 'GET',
    path: '/internal-capabilities',
    entry: 'functions/triage/list-internal-capabilities.ts',
    summary: 'List the internal capabilities, by id',
    description:
      "Every role. In-house teams that can do some categories of work: the triage assessment suggests those covering a request's category.",
    tag,
    query: ListInternalCapabilitiesQuery,
    responses: {
      200: {
        description: 'A page of internal capabilities.',
        schema: pageSchemaOf(InternalCapabilityResource),
      },
      400: { description: 'Invalid limit or cursor.' },
    },
    access: READ,
  },
  {
    operationId: 'getInternalCapability',
    method: 'GET',
    path: '/internal-capabilities/{id}',
    entry: 'functions/triage/get-internal-capability.ts',
    summary: 'An internal capability',
    description: 'Every role.',
    tag,
    pathParameters: InternalCapabilityPath,
    responses: {
      200: {
        description: 'The internal capability; its ETag is its version.',
        schema: InternalCapabilityResource,
        headers: ['ETag'],
      },
      400: { description: 'The id is not an internal capability id.' },
      404: { description: 'No such internal capability.' },
    },
    access: READ,
  },
  {
    operationId: 'putInternalCapability',
    method: 'PUT',
    path: '/internal-capabilities/{id}',
    entry: 'functions/triage/put-internal-capability.ts',
    summary: 'Create or replace an internal capability',
    description:
      'Role admin. The whole record: name, owner, the categories covered (at least one) and a note. If-Match is required to replace one that exists.',
    tag,
    pathParameters: InternalCapabilityPath,
    headers: {
      'If-Match': {
        schema: z.string(),
        description: 'The ETag of the internal capability the change is based on; required when it exists.',
        required: false,
      },
    },
    body: InternalCapabilityBody,
    responses: {
      200: {
        description: 'The replaced internal capability.',
        schema: InternalCapabilityResource,
        headers: ['ETag'],
      },
      201: {
        description: 'The created internal capability.',
        schema: InternalCapabilityResource,
        headers: ['ETag', 'Location'],
      },
      400: { description: 'An invalid id or body: every problem is listed; nothing is written.' },
      409: { description: 'It was created meanwhile by someone else: read it and send If-Match.' },
      412: { description: 'It changed since the ETag sent in If-Match.' },
      428: { description: 'It exists: send If-Match with its ETag so a concurrent change is not lost.' },
    },
    access: WRITE,
  },
];
