import { builtinModules } from 'node:module';
import path from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, RUNTIME_PROVIDED_MODULES } from '../../infra/constructs/handler-function.js';
import { esbuildOptionsOf } from '../../infra/local/bundler.js';
import { synthesizeTemplate } from '../../infra/local/synth.js';
import { functionsOf, type TemplateFunction } from '../../infra/local/template.js';

/**
 * What each Lambda's bundle still imports at run time must be there in AWS: a Node.js built-in
 * or a module the nodejs22.x runtime provides. esbuild builds each bundle with the options
 * deployment uses (local-bundles.test.ts holds them to CDK's, byte for byte) and reports in
 * its metafile every import it left external.
 */
let bundles: { fn: TemplateFunction; imports: string[] }[];

beforeAll(async () => {
  const functions = functionsOf(synthesizeTemplate());
  bundles = await Promise.all(
    functions.map(async (fn) => {
      const { metafile } = await build({
        ...esbuildOptionsOf(fn.bundling, fn.runtime),
        entryPoints: [path.join(PROJECT_ROOT, fn.entry)],
        outdir: path.join(PROJECT_ROOT, 'cdk.out', 'unwritten'),
        write: false,
        metafile: true,
      });
      const imports = Object.values(metafile.outputs).flatMap((output) =>
        output.imports.filter((imported) => imported.external).map((imported) => imported.path),
      );
      return { fn, imports: [...new Set(imports)].sort() };
    }),
  );
});

const providedPattern = new RegExp(
  `^(${RUNTIME_PROVIDED_MODULES.map((name) => name.replace(/[.+?^${}()|[\]\\/]/g, '\\$&').replace('*', '[a-z0-9-]+')).join('|')})$`,
);
const isBuiltin = (specifier: string) =>
  specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0] as string);

describe('the Lambda bundles', () => {
  it('import at run time only Node.js built-ins and the AWS SDK modules the nodejs22.x runtime provides', () => {
    const missingInAws = bundles.flatMap(({ fn, imports }) =>
      imports
        .filter((specifier) => !isBuiltin(specifier) && !providedPattern.test(specifier))
        .map((specifier) => `${fn.entry}: ${specifier}`),
    );

    expect(bundles.length).toBeGreaterThan(30);
    expect(missingInAws).toEqual([]);
  });

  it('leave the DynamoDB clients to the runtime, as the bundle of a table reader shows', () => {
    const reader = bundles.find(
      ({ fn }) => fn.entry === 'functions/reference-data/list-business-functions.ts',
    );

    expect(reader?.imports).toEqual(
      expect.arrayContaining(['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb']),
    );
  });

  it('carry lib-storage and the S3 presigner inside the spend export bundle, which leaves only the S3 client to the runtime', () => {
    const spendExport = bundles.find(({ fn }) => fn.entry.startsWith('functions/exports/'));
    const sdkImports = spendExport?.imports.filter((specifier) => specifier.startsWith('@aws-sdk/'));

    expect(sdkImports).toContain('@aws-sdk/client-s3');
    expect(sdkImports).not.toContain('@aws-sdk/lib-storage');
    expect(sdkImports).not.toContain('@aws-sdk/s3-request-presigner');
  });
});
