import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ApprovalWorkflow } from '../workflows/approval-workflow.js';
import type { AppConfig } from './config.js';
import { ApprovalsApi } from './constructs/approvals-api.js';
import { BudgetsApi } from './constructs/budgets-api.js';
import { ConsultancyHttpApi } from './constructs/consultancy-http-api.js';
import { ContractDigestJob } from './constructs/contract-digest-job.js';
import { DataTables } from './constructs/data-tables.js';
import { EmailSender } from './constructs/email-sender.js';
import { ExportsApi } from './constructs/exports-api.js';
import { PlatformApi } from './constructs/platform-api.js';
import { ReferenceDataApi } from './constructs/reference-data-api.js';
import { RequestsApi } from './constructs/requests-api.js';
import { VendorsApi } from './constructs/vendors-api.js';

export const STACK_NAME = 'TechOpsConsultancy';

/** The whole backend: stateful tables apart, then one construct per capability. */
export class TechOpsConsultancyStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps & { config: AppConfig }) {
    super(scope, id, props);
    const data = new DataTables(this, 'Data');
    const api = new ConsultancyHttpApi(this, 'Api', props.config);
    const email = new EmailSender(this, 'Email', props.config.emailSender);
    new PlatformApi(this, 'Platform', { api });
    new ReferenceDataApi(this, 'ReferenceData', { api, data });
    const workflow = new ApprovalWorkflow(this, 'ApprovalWorkflow', { data, email, config: props.config });
    new RequestsApi(this, 'Requests', { api, data, config: props.config, workflow });
    new ApprovalsApi(this, 'Approvals', { api, data, workflow, config: props.config });
    new BudgetsApi(this, 'Budgets', { api, data });
    new ExportsApi(this, 'Exports', { api, data, config: props.config });
    new VendorsApi(this, 'Vendors', { api, data });
    new ContractDigestJob(this, 'ContractDigest', { data, email, config: props.config });
  }
}
