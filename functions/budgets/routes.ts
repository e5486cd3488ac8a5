import * as z from 'zod';
import type { RouteDefinition } from '../platform/route.js';
import { AuditEventResource } from '../shared/audit-event.js';
import { idempotencyKeyHeader, idempotencyKeyReused } from '../shared/idempotency.js';
import { pageSchemaOf } from '../shared/pagination.js';
import { ActualConflictProblem, BudgetRefusalProblem } from './errors.js';
import {
  ActualResource,
  BudgetLinePath,
  BudgetLineResource,
  BudgetResource,
  FiscalYearPath,
  LedgerEntryResource,
  LedgerQuery,
  RecordActualBody,
  SetBudgetAmountBody,
  TransferBody,
  TransferResource,
} from './model.js';

const tag = 'Budgets';
const ifMatch = {
  'If-Match': { schema: z.string(), description: 'The ETag the change is based on; a stale one gets 412.' },
};

export const budgetRoutes: RouteDefinition[] = [
  {
    operationId: 'setBudgetEnvelope',
    method: 'PUT',
    path: '/budgets/{fiscalYear}',
    entry: 'functions/budgets/set-envelope.ts',
    summary: "Set a fiscal year's consultancy envelope",
    description:
      'Roles admin or finance. The first envelope fixes the fiscal year’s currency; the envelope never drops below what is allocated.',
    tag,
    pathParameters: FiscalYearPath,
    headers: ifMatch,
    body: SetBudgetAmountBody,
    responses: {
      200: {
        description: 'The updated budget of the fiscal year.',
        schema: BudgetResource,
        headers: ['ETag', 'Location'],
      },
      201: {
        description: 'The envelope was set for the first time.',
        schema: BudgetResource,
        headers: ['ETag', 'Location'],
      },
      400: { description: 'Invalid fiscal year or amount, or another currency than the year’s.' },
      409: {
        description: 'The envelope would be below the allocations (with the figures).',
        schema: BudgetRefusalProblem,
      },
      412: { description: 'The envelope changed since the ETag sent in If-Match.' },
    },
    access: { budgets: 'write', audit: 'append' },
  },
  {
    operationId: 'getBudget',
    method: 'GET',
    path: '/budgets/{fiscalYear}',
    entry: 'functions/budgets/get-budget.ts',
    summary: "A fiscal year's budget: envelope and every business function's line",
    description: "Approvers, finance and admin see every line; requesters their own business function's.",
    tag,
    pathParameters: FiscalYearPath,
    responses: {
      200: { description: 'The budget view.', schema: BudgetResource },
      400: { description: 'Malformed fiscal year.' },
      404: { description: 'No envelope is set for the fiscal year.' },
    },
    access: { budgets: 'read' },
  },
  {
    operationId: 'getBudgetHistory',
    method: 'GET',
    path: '/budgets/{fiscalYear}/history',
    entry: 'functions/budgets/get-budget-history.ts',
    summary: "The fiscal year's audit trail, oldest first",
    description:
      'Envelope changes, allocation changes and transfers: who, when, before/after and why. Approvers, finance and admin.',
    tag,
    pathParameters: FiscalYearPath,
    query: LedgerQuery,
    responses: {
      200: { description: 'A page of audit events.', schema: pageSchemaOf(AuditEventResource) },
      400: { description: 'Malformed fiscal year, limit or cursor.' },
      404: { description: 'No envelope is set for the fiscal year.' },
    },
    access: { budgets: 'read', audit: 'read' },
  },
  {
    operationId: 'setBudgetAllocation',
    method: 'PUT',
    path: '/budgets/{fiscalYear}/allocations/{businessFunction}',
    entry: 'functions/budgets/set-allocation.ts',
    summary: "Set a business function's allocation",
    description:
      'Role admin. Allocations never sum above the envelope, and an allocation never drops below what its line has committed or spent.',
    tag,
    pathParameters: BudgetLinePath,
    headers: ifMatch,
    body: SetBudgetAmountBody,
    responses: {
      200: { description: 'The budget line.', schema: BudgetLineResource, headers: ['ETag'] },
      400: { description: 'Invalid path or amount, or another currency than the year’s.' },
      404: { description: 'Unknown fiscal year or business function.' },
      409: {
        description: 'Exceeds the envelope, or below consumption (with the figures).',
        schema: BudgetRefusalProblem,
      },
      412: { description: 'The line changed since the ETag sent in If-Match.' },
    },
    access: { budgets: 'write', referenceData: 'read', audit: 'append' },
  },
  {
    operationId: 'transferBudget',
    method: 'POST',
    path: '/budgets/{fiscalYear}/transfers',
    entry: 'functions/budgets/transfer-budget.ts',
    summary: 'Move allocation from one business function to another',
    description: 'Role admin. One transaction: both lines change or neither does.',
    tag,
    pathParameters: FiscalYearPath,
    headers: idempotencyKeyHeader,
    body: TransferBody,
    responses: {
      201: { description: 'The transfer and both lines after it.', schema: TransferResource },
      400: {
        description: 'Invalid body (every invalid field listed), e.g. a transfer to the same function.',
      },
      404: { description: 'Unknown fiscal year or business function.' },
      409: {
        description: 'The source line has less available than the amount (with the figures).',
        schema: BudgetRefusalProblem,
      },
      ...idempotencyKeyReused,
    },
    access: { budgets: 'write', referenceData: 'read', audit: 'append' },
  },
  {
    operationId: 'listBudgetLedger',
    method: 'GET',
    path: '/budgets/{fiscalYear}/{businessFunction}/ledger',
    entry: 'functions/budgets/list-ledger.ts',
    summary: "A budget line's ledger, newest first",
    description: 'Allocations, transfers, commitments, releases and actuals: immutable entries.',
    tag,
    pathParameters: BudgetLinePath,
    query: LedgerQuery,
    responses: {
      200: { description: 'A page of ledger entries.', schema: pageSchemaOf(LedgerEntryResource) },
      400: { description: 'Invalid path, limit or cursor.' },
      404: { description: 'Unknown fiscal year or business function.' },
    },
    access: { budgets: 'read', referenceData: 'read' },
  },
  {
    operationId: 'recordActual',
    method: 'POST',
    path: '/actuals',
    entry: 'functions/budgets/record-actual.ts',
    summary: 'Record an invoice against an approved request',
    description:
      'Role finance. The vendor is the request’s (vendorId is required when the request names none). The same invoice number of the same vendor is one actual: sending it again answers 200 with the first. An actual beyond the commitment is recorded and flagged (beyondCommitment).',
    tag,
    headers: idempotencyKeyHeader,
    body: RecordActualBody,
    responses: {
      200: {
        description: 'This invoice was already recorded: the first actual.',
        schema: ActualResource,
        headers: ['Location'],
      },
      201: { description: 'The recorded actual.', schema: ActualResource, headers: ['Location'] },
      400: { description: 'Invalid body, or another currency than the budget’s.' },
      404: { description: 'No such request.' },
      409: {
        description:
          'The request is not approved (`currentStatus`), its fiscal year has no budget, or the invoice number was recorded with other details (`existingActual`).',
        schema: ActualConflictProblem,
      },
      ...idempotencyKeyReused,
    },
    access: { budgets: 'write', requests: 'check', vendors: 'read' },
  },
];
