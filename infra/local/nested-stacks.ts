import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  AssetManifestArtifact,
  type CloudAssembly,
  type CloudFormationStackArtifact,
} from 'aws-cdk-lib/cx-api';
import type { CfnTemplate } from './template.js';

const NESTED_STACK_TYPE = 'AWS::CloudFormation::Stack';
/** CDK's version reporting: no part of the cloud, and every nested template has one of the same id. */
const CDK_METADATA_TYPE = 'AWS::CDK::Metadata';

type Resource = CfnTemplate['Resources'][string] & { DependsOn?: string | string[] };
/** A template as CDK writes it: the parts the local cloud reads, and what flattening carries along. */
type FullTemplate = Omit<CfnTemplate, 'Resources'> & {
  Resources: Record<string, Resource>;
  Parameters?: Record<string, unknown>;
  Conditions?: Record<string, unknown>;
};

/** One template of the assembly: the stack's own, or a nested stack's (named by its logical id). */
export interface AssemblyTemplate {
  name: string;
  template: FullTemplate;
}

/** The stack's template and its nested stacks' (and theirs), as the assembly holds them. */
export function templatesOf(assembly: CloudAssembly, stackName: string): AssemblyTemplate[] {
  const stack = assembly.getStackByName(stackName);
  const read = nestedTemplateReader(stack);
  const withNested = (name: string, template: FullTemplate): AssemblyTemplate[] => [
    { name, template },
    ...nestedStacksOf(template).flatMap(([logicalId, resource]) =>
      withNested(logicalId, read(logicalId, resource)),
    ),
  ];
  return withNested(stack.stackName, stack.template as FullTemplate);
}

/**
 * The stack as one template, its nested stacks merged in: what the local cloud runs and the infra
 * tests assert. Read it before the assembly's directory goes: the nested templates are files there.
 */
export function flattenedTemplateOf(assembly: CloudAssembly, stackName: string): CfnTemplate {
  const stack = assembly.getStackByName(stackName);
  return flatten(stack.template as FullTemplate, nestedTemplateReader(stack)) as CfnTemplate;
}

type NestedTemplateReader = (logicalId: string, resource: Resource) => FullTemplate;

/**
 * A parent template with each nested stack's resources in place of the nested stack: the nested
 * stack's parameters replaced by the values the parent passes, the parent's (and siblings')
 * `Fn::GetAtt [<nested stack>, Outputs.X]` by that output's value. Logical ids are unique within a
 * template only: one used by two of the templates fails here, loudly, rather than one shadowing
 * the other.
 */
function flatten(parent: FullTemplate, read: NestedTemplateReader): FullTemplate {
  const flat: FullTemplate = structuredClone(parent);
  const origin = new Map(Object.keys(flat.Resources).map((logicalId) => [logicalId, 'the parent template']));
  const outputsOf = new Map<string, Record<string, unknown>>();
  for (const [logicalId, resource] of nestedStacksOf(parent)) {
    delete flat.Resources[logicalId];
    const nested = flatten(read(logicalId, resource), read);
    const passed = (resource.Properties?.Parameters ?? {}) as Record<string, unknown>;
    const substituted = withParameters(nested, passed, logicalId);
    for (const [id, inner] of Object.entries(substituted.Resources)) {
      if (inner.Type === CDK_METADATA_TYPE) continue;
      if (origin.has(id)) {
        throw new Error(`Logical id ${id} is in both ${origin.get(id)} and nested stack ${logicalId}`);
      }
      origin.set(id, `nested stack ${logicalId}`);
      flat.Resources[id] = inner;
    }
    for (const [name, condition] of Object.entries(substituted.Conditions ?? {})) {
      const existing = flat.Conditions?.[name];
      if (existing !== undefined && JSON.stringify(existing) !== JSON.stringify(condition)) {
        throw new Error(`Condition ${name} of nested stack ${logicalId} differs from the parent's`);
      }
      flat.Conditions = { ...flat.Conditions, [name]: condition };
    }
    outputsOf.set(
      logicalId,
      Object.fromEntries(
        Object.entries(substituted.Outputs ?? {}).map(([name, output]) => [name, output.Value]),
      ),
    );
  }
  if (outputsOf.size === 0) return flat;
  const resolveOutputs = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolveOutputs);
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    const [intrinsic, argument] = entries[0] ?? [];
    if (entries.length === 1 && intrinsic === 'Fn::GetAtt') {
      const [logicalId, attribute] = argument as [string, string];
      const outputs = outputsOf.get(logicalId);
      if (outputs) {
        const name = attribute.replace(/^Outputs\./, '');
        if (!(name in outputs)) throw new Error(`Nested stack ${logicalId} has no output ${name}`);
        return resolveOutputs(outputs[name]);
      }
    }
    return Object.fromEntries(entries.map(([key, inner]) => [key, resolveOutputs(inner)]));
  };
  for (const [id, resource] of Object.entries(flat.Resources)) {
    const resolved = resolveOutputs(resource) as Resource;
    // The nested stacks are gone: depending on one is depending on nothing.
    const dependsOn = [resolved.DependsOn ?? []].flat().filter((on) => !outputsOf.has(on));
    if (dependsOn.length > 0) resolved.DependsOn = dependsOn;
    else delete resolved.DependsOn;
    flat.Resources[id] = resolved;
  }
  if (flat.Outputs) flat.Outputs = resolveOutputs(flat.Outputs) as FullTemplate['Outputs'];
  return flat;
}

/** The nested template with `Ref` to each of its parameters replaced by the value the parent passes. */
function withParameters(nested: FullTemplate, passed: Record<string, unknown>, logicalId: string) {
  const names = Object.keys(nested.Parameters ?? {});
  for (const name of names) {
    if (!(name in passed)) throw new Error(`Nested stack ${logicalId} is passed no value for ${name}`);
  }
  const substitute = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(substitute);
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    const [intrinsic, argument] = entries[0] ?? [];
    if (entries.length === 1 && intrinsic === 'Ref' && names.includes(String(argument))) {
      return passed[String(argument)];
    }
    return Object.fromEntries(entries.map(([key, inner]) => [key, substitute(inner)]));
  };
  const { Parameters: _, ...rest } = nested;
  const substituted = substitute(rest) as FullTemplate;
  // Anything but a plain Ref (a parameter in an Fn::Sub string, say) would be left unresolved.
  const text = JSON.stringify(substituted);
  const left = names.find((name) => text.includes(name));
  if (left) throw new Error(`Nested stack ${logicalId} uses its parameter ${left} other than by Ref`);
  return substituted;
}

function nestedStacksOf(template: FullTemplate): [string, Resource][] {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === NESTED_STACK_TYPE);
}

/**
 * Reads a nested stack's template from the assembly: the stack's asset manifest names the file
 * whose uploaded object the nested stack's TemplateURL points at.
 */
function nestedTemplateReader(stack: CloudFormationStackArtifact): NestedTemplateReader {
  const files = stack.dependencies
    .filter(AssetManifestArtifact.isAssetManifestArtifact)
    .flatMap((manifest) => Object.values(manifest.contents.files ?? {}))
    .flatMap((asset) =>
      Object.values(asset.destinations).map(
        (destination) => [destination.objectKey, asset.source.path] as const,
      ),
    );
  return (logicalId, resource) => {
    const url = JSON.stringify(resource.Properties?.TemplateURL ?? '');
    const [, file] = files.find(([objectKey]) => url.includes(objectKey)) ?? [];
    if (!file)
      throw new Error(`Nested stack ${logicalId}: no template file in the assembly for its TemplateURL`);
    return JSON.parse(readFileSync(path.join(stack.assembly.directory, file), 'utf8')) as FullTemplate;
  };
}
