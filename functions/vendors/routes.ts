import * as z from 'zod';
import type { RouteAccess, RouteDefinition } from '../platform/route.js';
import { AuditEventResource } from '../shared/audit-event.js';
import { idempotencyKeyHeader, idempotencyKeyReused } from '../shared/idempotency.js';
import { pageSchemaOf } from '../shared/pagination.js';
import { StateConflictProblem } from '../shared/problem.js';
import {
  AddContractBody,
  AddRateBody,
  AddReviewBody,
  ChangeVendorStatusBody,
  ContractResource,
  CreateVendorBody,
  DuplicateVendorProblem,
  ExpiringContractResource,
  ExpiringContractsQuery,
  IfMatchHeader,
  ListVendorsQuery,
  PageQuery,
  RateCardQuery,
  RateCardResource,
  RateResource,
  ReviewResource,
  UpdateVendorBody,
  VendorIdPath,
  VendorResource,
  VendorSummaryResource,
} from './model.js';

const tag = 'Vendors';
const READ: RouteAccess = { vendors: 'read' };
/** Every vendor change appends its audit event. */
const WRITE: RouteAccess = { vendors: 'write', audit: 'append' };
const WRITERS = 'Roles vendor-manager and admin.';
const notFound = { 404: { description: 'No such vendor.' } };
const invalid = (what: string) => ({ 400: { description: `${what}: every invalid field is listed.` } });

export const vendorRoutes: RouteDefinition[] = [
  {
    operationId: 'createVendor',
    method: 'POST',
    path: '/vendors',
    entry: 'functions/vendors/create-vendor.ts',
    summary: 'Record a vendor (status PROSPECT)',
    description: `${WRITERS} A vendor whose normalized legal name or tax id matches an existing one is a duplicate.`,
    tag,
    headers: idempotencyKeyHeader,
    body: CreateVendorBody,
    responses: {
      201: {
        description: 'The stored vendor; its ETag is its version.',
        schema: VendorResource,
        headers: ['Location', 'ETag'],
      },
      ...invalid('Invalid vendor'),
      409: {
        description: 'A duplicate: `existingVendor` names the existing record.',
        schema: DuplicateVendorProblem,
      },
      ...idempotencyKeyReused,
    },
    access: WRITE,
  },
  {
    operationId: 'listVendors',
    method: 'GET',
    path: '/vendors',
    entry: 'functions/vendors/list-vendors.ts',
    summary: 'List vendors by display name',
    description: 'Filter by status, capability and display name prefix (any case).',
    tag,
    query: ListVendorsQuery,
    responses: {
      200: { description: 'A page of vendor summaries.', schema: pageSchemaOf(VendorSummaryResource) },
      ...invalid('Invalid filter, limit or cursor'),
    },
    access: READ,
  },
  {
    operationId: 'listExpiringContracts',
    method: 'GET',
    path: '/vendors/contracts/expiring',
    entry: 'functions/vendors/list-expiring-contracts.ts',
    summary: 'Contracts across all vendors expiring soon, soonest first',
    tag,
    query: ExpiringContractsQuery,
    responses: {
      200: {
        description: 'A page of contracts expiring from today to withinDays ahead.',
        schema: pageSchemaOf(ExpiringContractResource),
      },
      ...invalid('Invalid withinDays, limit or cursor'),
    },
    access: READ,
  },
  {
    operationId: 'getVendor',
    method: 'GET',
    path: '/vendors/{id}',
    entry: 'functions/vendors/get-vendor.ts',
    summary: 'One vendor with its contracts and review averages',
    tag,
    pathParameters: VendorIdPath,
    responses: {
      200: { description: 'The vendor; its ETag is its version.', schema: VendorResource, headers: ['ETag'] },
      ...notFound,
    },
    access: READ,
  },
  {
    operationId: 'updateVendor',
    method: 'PATCH',
    path: '/vendors/{id}',
    entry: 'functions/vendors/update-vendor.ts',
    summary: "Change a vendor's fields (JSON merge patch)",
    description: `${WRITERS} If-Match is required.`,
    tag,
    pathParameters: VendorIdPath,
    headers: {
      'If-Match': { schema: IfMatchHeader, description: 'The ETag the change is based on.', required: true },
    },
    body: UpdateVendorBody,
    responses: {
      200: { description: 'The changed vendor.', schema: VendorResource, headers: ['ETag'] },
      ...invalid('Invalid change'),
      ...notFound,
      409: {
        description: 'The new legal name or tax id belongs to another vendor.',
        schema: DuplicateVendorProblem,
      },
      412: { description: 'The vendor changed since the ETag sent in If-Match.' },
    },
    access: WRITE,
  },
  {
    operationId: 'changeVendorStatus',
    method: 'POST',
    path: '/vendors/{id}/status',
    entry: 'functions/vendors/change-vendor-status.ts',
    summary: 'Move a vendor through its lifecycle',
    description: `${WRITERS} PROSPECT -> ONBOARDING -> APPROVED -> PREFERRED (and back to APPROVED); any active status to ON_HOLD (reason) and back; OFFBOARDED (reason) for good.`,
    tag,
    pathParameters: VendorIdPath,
    headers: {
      'If-Match': { schema: IfMatchHeader, description: 'Optional: the ETag the change is based on.' },
    },
    body: ChangeVendorStatusBody,
    responses: {
      200: { description: 'The vendor in its new status.', schema: VendorResource, headers: ['ETag'] },
      ...invalid('Invalid status or missing reason'),
      ...notFound,
      409: {
        description:
          'Not allowed from the current status: `allowedTransitions` names what is. Without If-Match, also when the vendor changed meanwhile: try again.',
        schema: StateConflictProblem,
      },
      412: { description: 'The vendor changed since the ETag sent in If-Match.' },
    },
    access: WRITE,
  },
  {
    operationId: 'getVendorHistory',
    method: 'GET',
    path: '/vendors/{id}/history',
    entry: 'functions/vendors/get-vendor-history.ts',
    summary: "The vendor's audit trail, oldest first",
    tag,
    pathParameters: VendorIdPath,
    query: PageQuery,
    responses: {
      200: { description: 'A page of audit events.', schema: pageSchemaOf(AuditEventResource) },
      ...notFound,
    },
    access: { vendors: 'read', audit: 'read' },
  },
  {
    operationId: 'addVendorContract',
    method: 'POST',
    path: '/vendors/{id}/contracts',
    entry: 'functions/vendors/add-contract.ts',
    summary: 'Add a contract (MSA, NDA, quality agreement, SOW template, insurance)',
    description: WRITERS,
    tag,
    pathParameters: VendorIdPath,
    headers: idempotencyKeyHeader,
    body: AddContractBody,
    responses: {
      201: { description: 'The stored contract.', schema: ContractResource, headers: ['Location'] },
      ...invalid('Invalid contract'),
      ...notFound,
      409: { description: 'The vendor is offboarded (`currentStatus`).', schema: StateConflictProblem },
      ...idempotencyKeyReused,
    },
    access: WRITE,
  },
  {
    operationId: 'addVendorRate',
    method: 'POST',
    path: '/vendors/{id}/rates',
    entry: 'functions/vendors/add-rate.ts',
    summary: 'Add a rate for a role to the rate card',
    description: `${WRITERS} Rates of the same role must not overlap in time.`,
    tag,
    pathParameters: VendorIdPath,
    headers: idempotencyKeyHeader,
    body: AddRateBody,
    responses: {
      201: {
        description: 'The stored rate with its role.',
        schema: RateResource.extend({ role: z.string() }),
        headers: ['Location'],
      },
      ...invalid('Invalid or overlapping rate'),
      ...notFound,
      409: {
        description: 'The vendor is offboarded (`currentStatus`), or its rate card is changing right now.',
        schema: StateConflictProblem,
      },
      ...idempotencyKeyReused,
    },
    access: WRITE,
  },
  {
    operationId: 'getVendorRateCard',
    method: 'GET',
    path: '/vendors/{id}/rates',
    entry: 'functions/vendors/get-rate-card.ts',
    summary: "The vendor's rate card by role, optionally as of a date",
    tag,
    pathParameters: VendorIdPath,
    query: RateCardQuery,
    responses: {
      200: { description: 'Rates per role, oldest validity first.', schema: RateCardResource },
      ...invalid('Invalid asOf'),
      ...notFound,
    },
    access: READ,
  },
  {
    operationId: 'addVendorReview',
    method: 'POST',
    path: '/vendors/{id}/reviews',
    entry: 'functions/vendors/add-review.ts',
    summary: 'Score the vendor 1-5 on quality, timeliness, value for money and communication',
    description: WRITERS,
    tag,
    pathParameters: VendorIdPath,
    headers: idempotencyKeyHeader,
    body: AddReviewBody,
    responses: {
      201: { description: 'The stored review.', schema: ReviewResource, headers: ['Location'] },
      ...invalid('Invalid review or unknown requestId'),
      ...notFound,
      409: { description: 'The vendor kept changing while the review was added: try again.' },
      ...idempotencyKeyReused,
    },
    access: {
      ...WRITE,
      // A review may name the request it is about: that request must exist.
      requests: 'read',
    },
  },
  {
    operationId: 'listVendorReviews',
    method: 'GET',
    path: '/vendors/{id}/reviews',
    entry: 'functions/vendors/list-reviews.ts',
    summary: "The vendor's performance reviews, newest first",
    tag,
    pathParameters: VendorIdPath,
    query: PageQuery,
    responses: {
      200: { description: 'A page of reviews.', schema: pageSchemaOf(ReviewResource) },
      ...notFound,
    },
    access: READ,
  },
];
