import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { APPROVAL_DUE_INDEX, APPROVAL_PENDING_INDEX } from '../../functions/approvals/model.js';
import { REQUEST_INDEXES } from '../../functions/requests/request-keys.js';
import { VENDOR_INDEXES } from '../../functions/vendors/vendor-keys.js';
import { nagArnPattern } from './capability-stack.js';
import { DeploymentPolicy } from './deployment-policy.js';
import type { HandlerFunction } from './handler-function.js';

/** Reads in request paths are Gets and Queries: never a Scan. */
const READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:DescribeTable',
];

export function stateTable(scope: Construct, id: string, timeToLiveAttribute?: string): Table {
  const { key, retainsData, removalPolicy } = DeploymentPolicy.of(scope);
  return new Table(scope, id, {
    ...(timeToLiveAttribute ? { timeToLiveAttribute } : {}),
    partitionKey: { name: 'pk', type: AttributeType.STRING },
    sortKey: { name: 'sk', type: AttributeType.STRING },
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    ...(key
      ? { encryption: TableEncryption.CUSTOMER_MANAGED, encryptionKey: key }
      : { encryption: TableEncryption.AWS_MANAGED }),
    // Only dev may lose its data with the stack.
    deletionProtection: retainsData,
    removalPolicy,
  });
}

/**
 * The stateful part of the system: every table, retained on delete (but in dev). Each grant sets the
 * table's environment variable and its IAM permission in one call, read-only unless it must write.
 */
export class DataTables extends Construct {
  readonly requests: Table;
  readonly referenceData: Table;
  readonly audit: Table;
  readonly vendors: Table;
  /** Envelopes, budget lines, ledger entries, request positions, invoices: see functions/budgets/budget-items.ts. */
  readonly budgets: Table;
  readonly approvals: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // Idempotency records (functions/shared/idempotency.ts) expire through TTL, in each table
    // whose routes create: Requests, Vendors, Budgets. They live beside what they record, so a
    // creating route writes both in one transaction with the grant it has anyway.
    this.requests = stateTable(this, 'Requests', 'expiresAt');
    this.requests.node.addMetadata('description', 'Consultancy requests and idempotency records');
    for (const [indexName, attribute] of Object.entries(REQUEST_INDEXES)) {
      this.requests.addGlobalSecondaryIndex({
        indexName,
        partitionKey: { name: attribute, type: AttributeType.STRING },
        sortKey: { name: 'id', type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }
    this.referenceData = stateTable(this, 'ReferenceData');
    this.audit = stateTable(this, 'AuditEvents');
    // Contract digest markers ("sent to this owner today") and idempotency records expire through TTL.
    this.vendors = stateTable(this, 'Vendors', 'expiresAt');
    this.vendors.node.addMetadata(
      'description',
      'Vendors with their capability index items, contracts, rate cards and reviews; uniqueness claims; digest markers; idempotency records',
    );
    for (const [indexName, keys] of Object.entries(VENDOR_INDEXES)) {
      this.vendors.addGlobalSecondaryIndex({
        indexName,
        partitionKey: { name: keys.partitionKey, type: AttributeType.STRING },
        sortKey: { name: keys.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }
    // One table for every budget item kind (idempotency records of transfers and actuals expire through TTL): a
    // rule's entry, line totals and position are written in one transaction, and each read is a
    // Query of one partition, so no index is needed.
    this.budgets = stateTable(this, 'Budgets', 'expiresAt');
    // One item per approval step; `pendingFor` (the approver's email) exists only while it is
    // PENDING, so the index lists exactly an approver's open approvals.
    this.approvals = stateTable(this, 'Approvals');
    this.approvals.addGlobalSecondaryIndex({
      indexName: APPROVAL_PENDING_INDEX,
      partitionKey: { name: 'pendingFor', type: AttributeType.STRING },
      sortKey: { name: 'id', type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });
    // Sparse too: only PENDING approvals with a reminder or an escalation ahead carry `dueIn`, so
    // the follow-up job Queries what is due by business function and time, never a Scan.
    this.approvals.addGlobalSecondaryIndex({
      indexName: APPROVAL_DUE_INDEX,
      partitionKey: { name: 'dueIn', type: AttributeType.STRING },
      sortKey: { name: 'dueAt', type: AttributeType.STRING },
      projectionType: ProjectionType.KEYS_ONLY,
    });
  }

  grantVendorsRead(fn: HandlerFunction): void {
    grantTable(fn, this.vendors, 'VENDORS_TABLE_NAME', READ_ACTIONS);
  }

  /** Conditional Puts in transactions (tombstones instead of deletes) and condition checks. */
  grantVendorsWrite(fn: HandlerFunction): void {
    grantTable(fn, this.vendors, 'VENDORS_TABLE_NAME', [
      ...READ_ACTIONS,
      'dynamodb:PutItem',
      'dynamodb:ConditionCheckItem',
    ]);
  }

  /**
   * Create-or-replace Puts on items whose partition key starts with the prefix, and no other
   * writes: a job that keeps its own markers in the table cannot touch vendors.
   */
  grantVendorsPutUnder(fn: HandlerFunction, partitionPrefix: string): void {
    fn.addEnvironment('VENDORS_TABLE_NAME', this.vendors.tableName);
    DeploymentPolicy.of(this).grantKey(fn, 'write');
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:PutItem'],
        resources: [this.vendors.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${partitionPrefix}*`] } },
      }),
    );
  }

  grantApprovalsRead(fn: HandlerFunction): void {
    grantTable(fn, this.approvals, 'APPROVALS_TABLE_NAME', READ_ACTIONS);
  }

  /** Approvals change by conditional Puts in transactions, as requests do. */
  grantApprovalsWrite(fn: HandlerFunction): void {
    grantTable(fn, this.approvals, 'APPROVALS_TABLE_NAME', [...READ_ACTIONS, 'dynamodb:PutItem']);
  }

  grantRequestsRead(fn: HandlerFunction): void {
    grantTable(fn, this.requests, 'REQUESTS_TABLE_NAME', READ_ACTIONS);
  }

  /** Reads, and condition checks in transactions that need a request unchanged (an invoice: still APPROVED). */
  grantRequestsCheck(fn: HandlerFunction): void {
    grantTable(fn, this.requests, 'REQUESTS_TABLE_NAME', [...READ_ACTIONS, 'dynamodb:ConditionCheckItem']);
  }

  /** Creation and changes are conditional Puts inside transactions: no update or delete. */
  grantRequestsWrite(fn: HandlerFunction): void {
    grantTable(fn, this.requests, 'REQUESTS_TABLE_NAME', [...READ_ACTIONS, 'dynamodb:PutItem']);
  }

  grantBudgetsRead(fn: HandlerFunction): void {
    grantTable(fn, this.budgets, 'BUDGETS_TABLE_NAME', READ_ACTIONS);
  }

  /**
   * Ledger entries and invoices are create-only Puts; line and envelope totals move with
   * conditional UpdateItem ADD, in transactions. No delete.
   */
  grantBudgetsWrite(fn: HandlerFunction): void {
    grantTable(fn, this.budgets, 'BUDGETS_TABLE_NAME', [
      ...READ_ACTIONS,
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
  }

  grantReferenceDataRead(fn: HandlerFunction): void {
    grantTable(fn, this.referenceData, 'REFERENCE_TABLE_NAME', READ_ACTIONS);
  }

  /** The approval policy and approver groups change by conditional Puts in transactions: no update or delete. */
  grantReferenceDataWrite(fn: HandlerFunction): void {
    grantTable(fn, this.referenceData, 'REFERENCE_TABLE_NAME', [...READ_ACTIONS, 'dynamodb:PutItem']);
  }

  /** Append only: PutItem (always create-only in code), no read, update or delete. */
  grantAuditAppend(fn: HandlerFunction): void {
    grantTable(fn, this.audit, 'AUDIT_TABLE_NAME', ['dynamodb:PutItem']);
  }

  grantAuditRead(fn: HandlerFunction): void {
    grantTable(fn, this.audit, 'AUDIT_TABLE_NAME', READ_ACTIONS);
  }
}

/** The table's name in the function's environment and exactly these actions on it. */
function grantTable(fn: HandlerFunction, table: Table, environmentVariable: string, actions: string[]): void {
  fn.addEnvironment(environmentVariable, table.tableName);
  table.grant(fn, ...actions);
  DeploymentPolicy.of(table).grantKey(
    fn,
    actions.every((action) => READ_ACTIONS.includes(action)) ? 'read' : 'write',
  );
  if (actions.some((action) => READ_ACTIONS.includes(action))) suppressIndexWildcard(fn);
}

function suppressIndexWildcard(grantee: IGrantable & Construct): void {
  NagSuppressions.addResourceSuppressions(
    grantee,
    [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'Reading a table includes Query on its indexes: the wildcard is <table>/index/*, one table only.',
        appliesTo: [{ regex: `/^Resource::${nagArnPattern('Data')}/index/\\*$/g` }],
      },
    ],
    true,
  );
}
