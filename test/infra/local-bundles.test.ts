import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { HandlerFunction, PROJECT_ROOT } from '../../infra/constructs/handler-function.js';
import { LocalBundler } from '../../infra/local/bundler.js';
import { type CfnTemplate, functionsOf } from '../../infra/local/template.js';

/** The local cloud bundles from the template's metadata; this holds it to what CDK itself builds. */
const outdir = mkdtempSync(path.join(tmpdir(), 'techops-cdk-bundle-'));
// A fresh clone has no cdk.out yet.
mkdirSync(path.join(PROJECT_ROOT, 'cdk.out'), { recursive: true });
const cacheDir = mkdtempSync(path.join(PROJECT_ROOT, 'cdk.out', 'test-bundles-'));
afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
  rmSync(cacheDir, { recursive: true, force: true });
});

describe('the local cloud bundles', () => {
  it('are byte for byte the bundles CDK builds for deployment', async () => {
    const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
    new HandlerFunction(new Stack(app, 'Bundled'), 'Health', { entry: 'functions/platform/health.ts' });
    const assembly = app.synth();
    const template = assembly.getStackByName('Bundled').template as CfnTemplate;
    const [fn] = functionsOf(template);
    const resource = Object.values(template.Resources).find((r) => r.Type === 'AWS::Lambda::Function');
    const assetDir = path.join(assembly.directory, String(resource?.Metadata?.['aws:asset:path']));

    const local = await new LocalBundler(PROJECT_ROOT, cacheDir).bundle([fn as NonNullable<typeof fn>]);

    expect(readdirSync(assetDir).sort()).toEqual(['index.mjs', 'index.mjs.map']);
    expect(readFileSync(local.paths[0] as string, 'utf8')).toBe(
      readFileSync(path.join(assetDir, 'index.mjs'), 'utf8'),
    );
  });
});
