import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ApprovalWorkflow } from '../workflows/approval-workflow.js';
import type { AppConfig } from './config.js';
import { ApprovalPolicyApi } from './constructs/approval-policy-api.js';
import { ApprovalsApi } from './constructs/approvals-api.js';
import { BudgetsApi } from './constructs/budgets-api.js';
import { ConsultancyHttpApi } from './constructs/consultancy-http-api.js';
import { ContractDigestJob } from './constructs/contract-digest-job.js';
import { DataTables } from './constructs/data-tables.js';
import { DeploymentPolicy } from './constructs/deployment-policy.js';
import { EmailSender } from './constructs/email-sender.js';
import { ExportsApi } from './constructs/exports-api.js';
import { OperationsAlarms } from './constructs/operations-alarms.js';
import { PlatformApi } from './constructs/platform-api.js';
import { ReferenceDataApi } from './constructs/reference-data-api.js';
import { RequestsApi } from './constructs/requests-api.js';
import { TriageApi } from './constructs/triage-api.js';
import { VendorsApi } from './constructs/vendors-api.js';
import { STACK_OUTPUTS, type StackOutputs } from './stack-outputs.js';

export const STACK_NAME = 'TechOpsConsultancy';

/** The whole backend: stateful tables apart, then one construct per capability. */
export class TechOpsConsultancyStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps & { config: AppConfig }) {
    super(scope, id, props);
    // First: the constructs below take removal, retention and the key from it.
    new DeploymentPolicy(this, props.config);
    const ops = new OperationsAlarms(this, { opsEmail: props.config.opsEmail });
    const data = new DataTables(this, 'Data');
    const api = new ConsultancyHttpApi(this, 'Api', props.config);
    const email = new EmailSender(this, 'Email', props.config.emailSender);
    new PlatformApi(this, 'Platform', { api });
    new ReferenceDataApi(this, 'ReferenceData', { api, data });
    new ApprovalPolicyApi(this, 'ApprovalPolicy', { api, data });
    const workflow = new ApprovalWorkflow(this, 'ApprovalWorkflow', { data, email, config: props.config });
    new TriageApi(this, 'Triage', { api, data, workflow });
    new RequestsApi(this, 'Requests', { api, data, config: props.config, workflow });
    new ApprovalsApi(this, 'Approvals', { api, data, workflow, config: props.config });
    new BudgetsApi(this, 'Budgets', { api, data });
    const exports = new ExportsApi(this, 'Exports', { api, data, config: props.config });
    new VendorsApi(this, 'Vendors', { api, data });
    new ContractDigestJob(this, 'ContractDigest', { data, email, config: props.config });

    ops.watchHttpApi(api);
    ops.watchEmailReputation();
    // Last: every Lambda, dead-letter queue and state machine above gets its alarms.
    ops.watchStack();

    const outputs: StackOutputs = {
      apiUrl: api.api.apiEndpoint,
      requestsTable: data.requests.tableName,
      approvalsTable: data.approvals.tableName,
      budgetsTable: data.budgets.tableName,
      vendorsTable: data.vendors.tableName,
      referenceDataTable: data.referenceData.tableName,
      auditTable: data.audit.tableName,
      exportsTable: exports.jobs.table.tableName,
      approvalWorkflowArn: workflow.stateMachine.stateMachineArn,
      exportsBucket: exports.bucket.bucketName,
      opsTopicArn: ops.topic.topicArn,
      dashboardName: ops.dashboard.dashboardName,
    };
    for (const [what, value] of Object.entries(outputs)) {
      new CfnOutput(this, STACK_OUTPUTS[what as keyof StackOutputs], { value });
    }
  }
}
