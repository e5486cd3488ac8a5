/**
 * The stack's outputs by what they hold: the stack declares them (infra/stack.ts), and
 * operator tools (the seed command) find the deployed resources by them. No CDK here, so a
 * tool reading outputs loads nothing heavy.
 */
export const STACK_OUTPUTS = {
  apiUrl: 'ApiUrl',
  requestsTable: 'RequestsTableName',
  approvalsTable: 'ApprovalsTableName',
  budgetsTable: 'BudgetsTableName',
  vendorsTable: 'VendorsTableName',
  referenceDataTable: 'ReferenceDataTableName',
  auditTable: 'AuditTableName',
  exportsTable: 'ExportsTableName',
  approvalWorkflowArn: 'ApprovalWorkflowArn',
  exportsBucket: 'ExportsBucketName',
  opsTopicArn: 'OpsTopicArn',
  dashboardName: 'OpsDashboardName',
} as const;

export type StackOutputs = Record<keyof typeof STACK_OUTPUTS, string>;
