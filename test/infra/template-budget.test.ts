import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { templatesOf } from '../../infra/local/nested-stacks.js';
import { STACK_NAME } from '../../infra/stack.js';
import { synthesizedTemplate } from './synthesized.js';

/**
 * CloudFormation refuses a template of more than 500 resources, 200 parameters or 200 outputs.
 * A capability (its Lambdas, routes, alarms) lives in a nested stack of its own; this budget
 * leaves each template room to grow, and fails here, not in a deploy, when one outgrows it:
 * then split the capability's stack (infra/constructs/capability-stack.ts).
 */
const RESOURCE_BUDGET = 300;
const PARAMETER_LIMIT = 200;
const OUTPUT_LIMIT = 200;

/** TechOpsConsultancyStack's nested stacks, by capability (the contract digest is in Vendors'). */
const CAPABILITY_STACKS = [
  'Platform',
  'ReferenceData',
  'ApprovalPolicy',
  'Triage',
  'Requests',
  'Approvals',
  'Budgets',
  'Exports',
  'Vendors',
];

let built: ReturnType<typeof synthesizedTemplate>;
beforeAll(() => {
  built = synthesizedTemplate();
});
afterAll(() => built.cleanup());

const sizes = () =>
  templatesOf(built.assembly, STACK_NAME)
    .map(({ name, template }) => ({
      name,
      resources: Object.keys(template.Resources).length,
      parameters: Object.keys(template.Parameters ?? {}).length,
      outputs: Object.keys(template.Outputs ?? {}).length,
    }))
    .sort((a, b) => b.resources - a.resources);

describe('the templates of the cloud assembly', () => {
  it("are the stack's and one nested stack's per capability API", () => {
    const names = sizes().map(({ name }) => name);
    const nestedStackOf = (capability: string) => names.find((name) => name.startsWith(`${capability}Stack`));

    expect(names).toContain(STACK_NAME);
    for (const capability of CAPABILITY_STACKS) expect(nestedStackOf(capability), capability).toBeDefined();
  });

  it(`each hold fewer than ${RESOURCE_BUDGET} resources (CloudFormation's limit is 500)`, () => {
    const [largest] = sizes();

    expect(
      largest!.resources,
      `the largest template, ${largest!.name}, has ${largest!.resources} resources`,
    ).toBeLessThan(RESOURCE_BUDGET);
  });

  it(`each take fewer than ${PARAMETER_LIMIT} parameters and give fewer than ${OUTPUT_LIMIT} outputs`, () => {
    for (const { name, parameters, outputs } of sizes()) {
      expect(parameters, `${name}: parameters`).toBeLessThan(PARAMETER_LIMIT);
      expect(outputs, `${name}: outputs`).toBeLessThan(OUTPUT_LIMIT);
    }
  });
});
