import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildApp } from '../build-app.js';
import { PROJECT_ROOT } from '../constructs/handler-function.js';
import { flattenedTemplateOf } from './nested-stacks.js';
import type { CfnTemplate } from './template.js';

/** The context in cdk.json, as the CDK CLI would hand it to the app. */
export function loadCdkContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

/**
 * Synthesizes the CDK app and returns its template, its nested stacks' merged in
 * (infra/local/nested-stacks.ts): the local cloud runs exactly what would be deployed. Two things `cdk synth` does are left out, because the local cloud does not need them
 * and they cost most of a start: esbuild bundling (the local bundler builds the same bundles from
 * the template's entry and bundling metadata, reusing those whose inputs did not change), and
 * CDK's built-in CloudFormation validation (`cdk synth` and the infra tests keep it).
 */
export function synthesizeTemplate(
  /** Context that wins over cdk.json's, as `-c key=value` does on the command line. */
  overrides: Record<string, unknown> = {},
): CfnTemplate {
  const outdir = mkdtempSync(path.join(tmpdir(), 'techops-synth-'));
  try {
    const { app, stack } = buildApp({
      outdir,
      builtinCloudFormationValidation: false,
      context: { ...loadCdkContext(), ...overrides, 'aws:cdk:bundling-stacks': [] },
    });
    return flattenedTemplateOf(app.synth(), stack.stackName);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
