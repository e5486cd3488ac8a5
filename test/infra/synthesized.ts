import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import type { RouteDefinition } from '../../functions/platform/route.js';
import { buildApp } from '../../infra/build-app.js';
import { ENTRY_METADATA_KEY, PROJECT_ROOT } from '../../infra/constructs/handler-function.js';
import { flattenedTemplateOf } from '../../infra/local/nested-stacks.js';

/** Synthesized CloudFormation is untyped JSON. */
// biome-ignore lint/suspicious/noExplicitAny: the template's shape is what the tests assert.
export type Json = any;
export type Resource = Record<string, Json>;
export type Statement = { Action: string | string[]; Resource: Json };

/**
 * Synthesizes the app with cdk.json's context (and any overrides), minus esbuild bundling, and
 * asserts on its one flattened template (nested stacks merged in, as the local cloud runs it);
 * call `cleanup` after. Seconds alone, far longer on a loaded machine: call it in a hook or a
 * test (vitest.config.ts gives both time), never at a file's top level.
 */
export function synthesizedTemplate(overrides: Record<string, unknown> = {}) {
  const context = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')).context;
  const outdir = mkdtempSync(path.join(tmpdir(), 'techops-cdk-test-'));
  const { app, stack } = buildApp({
    outdir,
    context: { ...context, 'aws:cdk:bundling-stacks': [], ...overrides },
  });
  const assembly = app.synth();
  const template = Template.fromJSON(flattenedTemplateOf(assembly, stack.stackName));
  const resourcesOf = (type: string) => template.findResources(type) as Record<string, Resource>;
  return {
    stack,
    /** The cloud assembly: the stack's template and its nested stacks' (infra/local/nested-stacks.ts templatesOf). */
    assembly,
    template,
    resourcesOf,
    cleanup: () => rmSync(outdir, { recursive: true, force: true }),
    /** The Lambda that serves a route. */
    functionOf(route: RouteDefinition): Resource {
      const matches = Object.values(resourcesOf('AWS::Lambda::Function')).filter(
        (fn) => fn.Metadata?.[ENTRY_METADATA_KEY] === route.entry,
      );
      if (matches.length !== 1) throw new Error(`Expected one Lambda for ${route.operationId}`);
      return matches[0]!;
    },
    /** The IAM statements attached to a function's execution role. */
    statementsOf: (fn: Resource) => statementsIn(resourcesOf('AWS::IAM::Policy'), fn),
    /** cdk-nag's AwsSolutions errors and warnings, one line each. */
    nagFindings: () =>
      [
        ...Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*')),
        ...Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')),
      ].map((finding) => `${finding.id}: ${finding.entry.data}`),
  };
}

/** Active tracing's statement, which every function has (asserted on its own in stack.test.ts). */
export const isTracingStatement = (statement: Statement) =>
  actionsOf(statement).every((action) => action.startsWith('xray:'));

/** The IAM statements of the given policies attached to a function's execution role, tracing's left out. */
export function statementsIn(policies: Record<string, Resource>, fn: Resource): Statement[] {
  return allStatementsIn(policies, fn).filter((statement) => !isTracingStatement(statement));
}

/** Every IAM statement of the given policies attached to a function's execution role. */
export function allStatementsIn(policies: Record<string, Resource>, fn: Resource): Statement[] {
  const roleId = fn.Properties.Role['Fn::GetAtt'][0] as string;
  return Object.values(policies)
    .filter((policy) =>
      (policy.Properties.Roles as unknown[]).some(
        (role) => JSON.stringify(role) === JSON.stringify({ Ref: roleId }),
      ),
    )
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

export const actionsOf = (statement: Statement) => [statement.Action].flat() as string[];
