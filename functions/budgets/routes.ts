import * as z from 'zod';
import type { RouteDefinition } from '../platform/route.js';
import { AuditEventResource } from '../shared/audit-event.js';
import { idempotencyKeyHeader, idempotencyKeyReused } from '../shared/idempotency.js';
import { pageSchemaOf } from '../shared/pagination.js';
import { ActualConflictProblem, BudgetRefusalProblem, TransferDecisionProblem } from './errors.js';
import {
  ActualResource,
  BudgetLinePath,
  BudgetLineResource,
  BudgetResource,
  CloseSummaryResource,
  FiscalYearPath,
  LedgerEntryResource,
  LedgerQuery,
  RecordActualBody,
  SetBudgetAmountBody,
  SetEnvelopeBody,
  TransferBody,
  TransferDecisionBody,
  TransferListQuery,
  TransferPath,
  TransferRecordResource,
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
    summary: "Set a fiscal year's consultancy envelope, its budget controls and four-eyes threshold",
    description:
      'Roles admin or finance. The first envelope fixes the fiscal year’s currency; the envelope never drops below what is allocated. `controls` (defaults: WARN at submission, STOP at approval) and `fourEyesThreshold` stay as they are when left out. A closed year is not changed.',
    tag,
    pathParameters: FiscalYearPath,
    headers: ifMatch,
    body: SetEnvelopeBody,
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
        description: 'The envelope would be below the allocations (with the figures), or the year is closed.',
        schema: BudgetRefusalProblem,
      },
      412: { description: 'The envelope changed since the ETag sent in If-Match.' },
    },
    // The answer is the budget view, with each line's pipeline of undecided requests.
    access: { budgets: 'write', requests: 'read', audit: 'append' },
  },
  {
    operationId: 'getBudget',
    method: 'GET',
    path: '/budgets/{fiscalYear}',
    entry: 'functions/budgets/get-budget.ts',
    summary: "A fiscal year's budget: envelope and every business function's line",
    description:
      "Approvers, finance and admin see every line; requesters their own business function's. Each line shows its pipeline (`requested`: the undecided requests of the year in its currency, in triage or approval) and `availableAfterPipeline`; the year its controls, four-eyes threshold and `closedAt`.",
    tag,
    pathParameters: FiscalYearPath,
    responses: {
      200: { description: 'The budget view.', schema: BudgetResource },
      400: { description: 'Malformed fiscal year.' },
      404: { description: 'No envelope is set for the fiscal year.' },
    },
    access: { budgets: 'read', requests: 'read' },
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
        description: 'Exceeds the envelope, or below consumption (with the figures), or the year is closed.',
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
    description:
      "Role admin. One transaction: both lines change or neither does. Above the fiscal year's `fourEyesThreshold` the transfer is recorded PENDING (202) and executed only when a second person approves it (POST .../transfers/{transferId}/decision).",
    tag,
    pathParameters: FiscalYearPath,
    headers: idempotencyKeyHeader,
    body: TransferBody,
    responses: {
      201: { description: 'The transfer, executed, and both lines after it.', schema: TransferResource },
      202: {
        description: "Above the four-eyes threshold: the transfer, PENDING a second person's approval.",
        schema: TransferRecordResource,
      },
      400: {
        description: 'Invalid body (every invalid field listed), e.g. a transfer to the same function.',
      },
      404: { description: 'Unknown fiscal year or business function.' },
      409: {
        description:
          'The source line has less available than the amount (with the figures), or the year is closed.',
        schema: BudgetRefusalProblem,
      },
      ...idempotencyKeyReused,
    },
    access: { budgets: 'write', referenceData: 'read', audit: 'append' },
  },
  {
    operationId: 'listBudgetTransfers',
    method: 'GET',
    path: '/budgets/{fiscalYear}/transfers',
    entry: 'functions/budgets/list-transfers.ts',
    summary: "A fiscal year's transfers, newest first, with their status",
    description: 'Finance, admin and approvers. `status` lists only PENDING, EXECUTED or REJECTED ones.',
    tag,
    pathParameters: FiscalYearPath,
    query: TransferListQuery,
    responses: {
      200: { description: 'A page of transfers.', schema: pageSchemaOf(TransferRecordResource) },
      400: { description: 'Malformed fiscal year, status, limit or cursor.' },
      404: { description: 'No envelope is set for the fiscal year.' },
    },
    access: { budgets: 'read' },
  },
  {
    operationId: 'decideBudgetTransfer',
    method: 'POST',
    path: '/budgets/{fiscalYear}/transfers/{transferId}/decision',
    entry: 'functions/budgets/decide-transfer.ts',
    summary: 'Approve (execute) or reject a pending transfer: the second pair of eyes',
    description:
      "Roles finance or admin. APPROVE executes it (availability checked again, in one transaction with both lines' entries); never by the person who asked for it. REJECT needs a reason; its creator may reject (withdraw) it. Of two people deciding at once exactly one does; the same person deciding the same way again gets the transfer as it stands.",
    tag,
    pathParameters: TransferPath,
    body: TransferDecisionBody,
    responses: {
      200: {
        description: 'The decided transfer (an approval: with both lines after it).',
        schema: TransferRecordResource,
      },
      400: {
        description: 'Invalid path or body (every invalid field listed), e.g. a rejection without reason.',
      },
      403: {
        description: 'Not finance or admin, or approving a transfer one asked for oneself (four eyes).',
      },
      404: { description: 'Unknown fiscal year or transfer.' },
      409: {
        description:
          'Decided already (`currentStatus`), or the source line has less available than the amount now (with the figures), or the year is closed.',
        schema: TransferDecisionProblem,
      },
    },
    access: { budgets: 'write', audit: 'append' },
  },
  {
    operationId: 'closeFiscalYear',
    method: 'POST',
    path: '/budgets/{fiscalYear}/close',
    entry: 'functions/budgets/close-year.ts',
    summary: 'Close a fiscal year and carry its open commitments to the next',
    description:
      "Role admin. From then on the year takes no new commitments, allocations or transfers (actuals still post to it). Each approved request's open commitment (committed - invoiced) moves whole to the same business function's line of the next fiscal year, one transaction per request, or is reported as not carried (no room, no envelope, another currency, next year closed). Idempotent: a call after it finished answers the same summary and changes nothing; a call after an interrupted close resumes it, never carrying twice.",
    tag,
    pathParameters: FiscalYearPath,
    responses: {
      200: { description: 'What the close carried and did not.', schema: CloseSummaryResource },
      400: { description: 'Malformed fiscal year.' },
      404: { description: 'No envelope is set for the fiscal year.' },
    },
    access: { budgets: 'write', audit: 'append' },
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
      'Role finance. The vendor is the request’s (vendorId is required when the request names none). The same invoice number of the same vendor is one actual: sending it again answers 200 with the first. An actual beyond the commitment is recorded and flagged (beyondCommitment). A request spanning fiscal years posts each invoice to the line of the fiscal year of its invoiceDate when the request has a part there, else to its start year’s line (`fiscalYear` of the actual says which).',
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
    access: {
      budgets: 'write',
      requests: 'check',
      vendors: 'read',
      // Which fiscal year an invoice date falls in (a multi-year request's line).
      settings: ['fiscalYearStartMonth'],
    },
  },
];
