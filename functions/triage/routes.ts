import * as z from 'zod';
import type { RouteAccess, RouteDefinition } from '../platform/route.js';
import { pageSchemaOf } from '../shared/pagination.js';
import {
  InternalCapabilityBody,
  InternalCapabilityPath,
  InternalCapabilityResource,
  ListInternalCapabilitiesQuery,
} from './model.js';

const tag = 'Triage';
const READ: RouteAccess = { referenceData: 'read' };
/** Every change appends its audit event in the same transaction. */
const WRITE: RouteAccess = { referenceData: 'write', audit: 'append' };

export const triageRoutes: RouteDefinition[] = [
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
