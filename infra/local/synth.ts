import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildApp } from '../build-app.js';
import { PROJECT_ROOT } from '../constructs/handler-function.js';
import type { CfnTemplate } from './template.js';

/** The context in cdk.json, as the CDK CLI would hand it to the app. */
export function loadCdkContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

/**
 * Synthesizes the CDK app (with its Lambda bundles) into `outdir` and returns the template:
 * the local cloud runs exactly what would be deployed.
 */
export function synthesize(
  outdir: string,
  /** Context that wins over cdk.json's, as `-c key=value` does on the command line. */
  overrides: Record<string, unknown> = {},
): { template: CfnTemplate; outdir: string } {
  const { app, stack } = buildApp({
    outdir,
    context: { ...loadCdkContext(), ...overrides, 'aws:cdk:enable-asset-metadata': true },
  });
  const assembly = app.synth();
  const artifact = assembly.getStackByName(stack.stackName);
  return { template: artifact.template as CfnTemplate, outdir: assembly.directory };
}
