import * as z from 'zod';
import type { RouteAccess, RouteDefinition } from '../platform/route.js';
import { pageSchemaOf } from '../shared/pagination.js';
import {
  ApprovalPolicyResource,
  ApprovalPolicyVersionSummary,
  ApproverGroupPath,
  ApproverGroupResource,
  ChainPreviewResource,
  ListPolicyVersionsQuery,
  PolicyVersionPath,
  PreviewChainBody,
} from './api-schemas.js';
import { ApprovalPolicyDocument } from './model.js';
import { ApproverGroupBody } from './policy-checks.js';

const tag = 'Approval policy';
const READERS = 'Roles admin, finance and approver.';
const READ: RouteAccess = { referenceData: 'read' };
/** Every change appends its audit event in the same transaction. */
const WRITE: RouteAccess = { referenceData: 'write', audit: 'append' };
const ifMatch = (description: string, required: boolean) => ({
  'If-Match': { schema: z.string(), description, required },
});

export const approvalPolicyRoutes: RouteDefinition[] = [
  {
    operationId: 'getApprovalPolicy',
    method: 'GET',
    path: '/policies/approval',
    entry: 'functions/approval-policy/get-approval-policy.ts',
    summary: 'The approval policy in force',
    description: `${READERS} Version 0 is the built-in policy (the head of the business function), in force until one is published.`,
    tag,
    responses: {
      200: {
        description: 'The current version; its ETag is its version number.',
        schema: ApprovalPolicyResource,
        headers: ['ETag'],
      },
    },
    access: READ,
  },
  {
    operationId: 'publishApprovalPolicy',
    method: 'PUT',
    path: '/policies/approval',
    entry: 'functions/approval-policy/publish-approval-policy.ts',
    summary: 'Publish a new version of the approval policy',
    description:
      'Role admin. The whole document; checked in full against the reference data (business functions, approver groups) and the limits, every problem listed at once. Chains already resolved keep their version.',
    tag,
    headers: ifMatch('The ETag of the version the change is based on.', true),
    body: ApprovalPolicyDocument,
    responses: {
      200: { description: 'The new version.', schema: ApprovalPolicyResource, headers: ['ETag'] },
      400: { description: 'An invalid document: every problem is listed; nothing is published.' },
      412: { description: 'Another version was published since the ETag sent in If-Match.' },
    },
    access: WRITE,
  },
  {
    operationId: 'listApprovalPolicyVersions',
    method: 'GET',
    path: '/policies/approval/versions',
    entry: 'functions/approval-policy/list-approval-policy-versions.ts',
    summary: 'Every published version of the approval policy, newest first',
    description: `${READERS} Who published each and when; the built-in version 0 is not listed.`,
    tag,
    query: ListPolicyVersionsQuery,
    responses: {
      200: { description: 'A page of versions.', schema: pageSchemaOf(ApprovalPolicyVersionSummary) },
      400: { description: 'Invalid limit or cursor.' },
    },
    access: READ,
  },
  {
    operationId: 'getApprovalPolicyVersion',
    method: 'GET',
    path: '/policies/approval/versions/{version}',
    entry: 'functions/approval-policy/get-approval-policy-version.ts',
    summary: 'One version of the approval policy, with its document',
    description: READERS,
    tag,
    pathParameters: PolicyVersionPath,
    responses: {
      200: { description: 'The version.', schema: ApprovalPolicyResource, headers: ['ETag'] },
      404: { description: 'No such version.' },
    },
    access: READ,
  },
  {
    operationId: 'previewApprovalChain',
    method: 'POST',
    path: '/policies/approval/preview',
    entry: 'functions/approval-policy/preview-approval-chain.ts',
    summary: 'The approval chain a request would get',
    description: `${READERS} From the current policy, or from a draft sent as \`policy\` (checked like a publish). Says which rule matched and why, and each step's approvers. Nothing is stored.`,
    tag,
    body: PreviewChainBody,
    responses: {
      200: { description: 'The chain, step by step.', schema: ChainPreviewResource },
      400: {
        description:
          'Invalid request facts (an unknown business function or vendor among them) or an invalid draft: every problem is listed.',
      },
      422: {
        description: 'No one may decide a step: the chain cannot be resolved (the detail says which step).',
      },
    },
    access: { referenceData: 'read', vendors: 'read' },
  },
  {
    operationId: 'getApproverGroup',
    method: 'GET',
    path: '/approver-groups/{name}',
    entry: 'functions/approval-policy/get-approver-group.ts',
    summary: 'An approver group and its members',
    description: READERS,
    tag,
    pathParameters: ApproverGroupPath,
    responses: {
      200: {
        description: 'The group; its ETag is its version.',
        schema: ApproverGroupResource,
        headers: ['ETag'],
      },
      404: { description: 'No such group.' },
    },
    access: READ,
  },
  {
    operationId: 'putApproverGroup',
    method: 'PUT',
    path: '/approver-groups/{name}',
    entry: 'functions/approval-policy/put-approver-group.ts',
    summary: 'Create or replace an approver group',
    description:
      'Role admin. Any one member decides a group step. If-Match is required to replace a group that exists.',
    tag,
    pathParameters: ApproverGroupPath,
    headers: ifMatch('The ETag of the group the change is based on; required when the group exists.', false),
    body: ApproverGroupBody,
    responses: {
      200: { description: 'The replaced group.', schema: ApproverGroupResource, headers: ['ETag'] },
      201: {
        description: 'The created group.',
        schema: ApproverGroupResource,
        headers: ['ETag', 'Location'],
      },
      400: { description: 'An invalid group (over 20 members, a repeated email): every problem is listed.' },
      409: { description: 'The group was created meanwhile by someone else: read it and send If-Match.' },
      412: { description: 'The group changed since the ETag sent in If-Match.' },
      428: {
        description: 'The group exists: send If-Match with its ETag so a concurrent change is not lost.',
      },
    },
    access: WRITE,
  },
];
