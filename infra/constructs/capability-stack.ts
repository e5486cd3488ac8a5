import { NestedStack, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/**
 * A capability's own CloudFormation template: a nested stack of TechOpsConsultancyStack holding
 * the capability's Lambdas, routes, alarms and jobs, so no template nears CloudFormation's 500
 * resources as capabilities grow (test/infra/template-budget.test.ts holds each to a budget).
 * Stateful resources stay in the parent. What a capability uses from the parent (tables, the
 * key, the API, the ops topic) crosses as the nested stack's parameters, which CDK adds by
 * itself; the local cloud and the infra tests see one template again (infra/local/nested-stacks.ts).
 *
 * Build the capability's construct inside it under the id it had in the parent
 * (`new RequestsApi(new CapabilityStack(this, 'RequestsStack'), 'Requests', ...)`): logical
 * ids are paths within a stack, so they stay what they were.
 */
export class CapabilityStack extends NestedStack {
  constructor(scope: Construct, id: string) {
    super(scope, id, { description: `TechOps consultancy: ${id.replace(/Stack$/, '')}` });
  }
}

/** The deployed stack a construct belongs to: its own, or the parent of its nested stack. */
export function rootStackOf(scope: Construct): Stack {
  let stack = Stack.of(scope);
  while (stack.nestedStackParent) stack = stack.nestedStackParent;
  return stack;
}

/**
 * A regex (for cdk-nag's `appliesTo`) of the ARN of a parent stack's resource whose logical id
 * starts with `logicalIdPrefix`, in either form cdk-nag may see it: `<DataRequests1234.Arn>`, or
 * from a nested stack the parameter that passes it, `<referencetoTechOpsConsultancyDataRequests1234Arn>`
 * (what it sees when the app is synthesized again, as the tests' Annotations do).
 */
export const nagArnPattern = (logicalIdPrefix: string) =>
  `<(${logicalIdPrefix}[A-Za-z0-9]+\\.Arn|referenceto[A-Za-z0-9]*${logicalIdPrefix}[A-Za-z0-9]+Arn)>`;
