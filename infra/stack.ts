import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ApprovalWorkflow } from '../workflows/approval-workflow.js';
import type { AppConfig } from './config.js';
import { ApprovalFollowUpJob } from './constructs/approval-follow-up-job.js';
import { ApprovalPolicyApi } from './constructs/approval-policy-api.js';
import { ApprovalsApi } from './constructs/approvals-api.js';
import { BudgetsApi } from './constructs/budgets-api.js';
import { CapabilityStack } from './constructs/capability-stack.js';
import { ConsultancyHttpApi } from './constructs/consultancy-http-api.js';
import { ContractDigestJob } from './constructs/contract-digest-job.js';
import { DataTables } from './constructs/data-tables.js';
import { DeploymentPolicy } from './constructs/deployment-policy.js';
import { EmailSender } from './constructs/email-sender.js';
import { ExportsApi, ExportsStorage } from './constructs/exports-api.js';
import { OperationsAlarms } from './constructs/operations-alarms.js';
import { PlatformApi } from './constructs/platform-api.js';
import { ReferenceDataApi } from './constructs/reference-data-api.js';
import { ReportsApi } from './constructs/reports-api.js';
import { RequestsApi } from './constructs/requests-api.js';
import { TriageApi } from './constructs/triage-api.js';
import { VendorsApi } from './constructs/vendors-api.js';
import { STACK_OUTPUTS, type StackOutputs } from './stack-outputs.js';

export const STACK_NAME = 'TechOpsConsultancy';

/**
 * The whole backend: the stateful resources (tables, the exports bucket, the key, the approval
 * workflow and its running executions) and what every capability shares (the HTTP API, the
 * email sender, the ops topic and dashboard) in this stack; each capability's API in a nested
 * stack of its own (CapabilityStack), built under the id it would have here, so no template
 * nears CloudFormation's 500 resources.
 */
export class TechOpsConsultancyStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps & { config: AppConfig }) {
    super(scope, id, props);
    // First: the constructs below take removal, retention and the key from it.
    new DeploymentPolicy(this, props.config);
    const ops = new OperationsAlarms(this, { opsEmail: props.config.opsEmail });
    const data = new DataTables(this, 'Data');
    const api = new ConsultancyHttpApi(this, 'Api', props.config);
    const email = new EmailSender(this, 'Email', props.config.emailSender);
    const exportsStorage = new ExportsStorage(this, 'Exports');
    // A capability's nested stack, named after it.
    const nested = (capability: string) => new CapabilityStack(this, `${capability}Stack`);
    new PlatformApi(nested('Platform'), 'Platform', { api });
    new ReferenceDataApi(nested('ReferenceData'), 'ReferenceData', { api, data });
    new ApprovalPolicyApi(nested('ApprovalPolicy'), 'ApprovalPolicy', { api, data });
    // In this stack: a Standard execution waits weeks for approvers, and a state machine (or a
    // task Lambda) moved to another stack is replaced, ending the approvals in flight.
    const workflow = new ApprovalWorkflow(this, 'ApprovalWorkflow', { data, email, config: props.config });
    new TriageApi(nested('Triage'), 'Triage', { api, data, workflow });
    new RequestsApi(nested('Requests'), 'Requests', { api, data, config: props.config, workflow, email });
    // Reminders and escalation are the approvals capability's scheduled job: one nested stack for both.
    const approvals = nested('Approvals');
    new ApprovalsApi(approvals, 'Approvals', { api, data, workflow, config: props.config, email });
    new ApprovalFollowUpJob(approvals, 'ApprovalFollowUp', { data, email, config: props.config });
    new BudgetsApi(nested('Budgets'), 'Budgets', { api, data, config: props.config });
    const exportsApi = new ExportsApi(nested('Exports'), 'Exports', {
      api,
      data,
      storage: exportsStorage,
      config: props.config,
    });
    new ReportsApi(nested('Reports'), 'Reports', {
      api,
      data,
      config: props.config,
      email,
      exports: exportsApi,
    });
    // The contract digest is the vendors capability's daily job: one nested stack for both.
    const vendors = nested('Vendors');
    new VendorsApi(vendors, 'Vendors', { api, data });
    new ContractDigestJob(vendors, 'ContractDigest', { data, email, config: props.config });

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
      exportsTable: exportsStorage.jobsTable.tableName,
      approvalWorkflowArn: workflow.stateMachine.stateMachineArn,
      exportsBucket: exportsStorage.bucket.bucketName,
      opsTopicArn: ops.topic.topicArn,
      dashboardName: ops.dashboard.dashboardName,
    };
    for (const [what, value] of Object.entries(outputs)) {
      new CfnOutput(this, STACK_OUTPUTS[what as keyof StackOutputs], { value });
    }
  }
}
