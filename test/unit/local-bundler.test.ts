import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUSE_BUNDLING } from '../../infra/constructs/handler-function.js';
import { esbuildOptionsOf, LocalBundler } from '../../infra/local/bundler.js';

/** A project of three handlers, two of which share a module, bundled with the house options. */
let root: string;
const write = (file: string, content: string) => writeFileSync(path.join(root, file), content);
const requests = ['approve.ts', 'export.ts', 'submit.ts'].map((entry) => ({
  entry,
  bundling: { ...HOUSE_BUNDLING },
}));
/** What a bundle's handler answers, loaded as the local runtime loads it. */
const answerOf = async (bundlePath: string) =>
  (await import(`${pathToFileURL(bundlePath).href}?${Date.now()}`)).handler();

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'techops-bundler-'));
  write('shared.ts', `export const greeting = (name: string) => 'hello ' + name;`);
  write(
    'approve.ts',
    `import { greeting } from './shared.js';\nexport const handler = () => greeting('approver');`,
  );
  write(
    'submit.ts',
    `import { greeting } from './shared.js';\nexport const handler = () => greeting('requester');`,
  );
  write('export.ts', `export const handler = () => 'export v1';`);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the local bundler', () => {
  it('rebundles only the entries that include a changed file, and reuses the others', async () => {
    const bundler = new LocalBundler(root, path.join(root, 'cache'));
    const first = await bundler.bundle(requests);
    const unchanged = await bundler.bundle(requests);

    write('export.ts', `export const handler = () => 'export v2';`);
    const afterHandlerChange = await bundler.bundle(requests);
    write('shared.ts', `export const greeting = (name: string) => 'good day ' + name;`);
    const afterSharedChange = await bundler.bundle(requests);

    expect(first).toMatchObject({ built: 3, cached: 0 });
    expect(unchanged).toMatchObject({ built: 0, cached: 3, paths: first.paths });
    expect(afterHandlerChange).toMatchObject({ built: 1, cached: 2 });
    expect(afterHandlerChange.paths[0]).toBe(first.paths[0]);
    expect(afterHandlerChange.paths[2]).toBe(first.paths[2]);
    expect(await answerOf(afterHandlerChange.paths[1] as string)).toBe('export v2');
    expect(afterSharedChange).toMatchObject({ built: 2, cached: 1 });
    expect(afterSharedChange.paths[1]).toBe(afterHandlerChange.paths[1]);
    expect(await answerOf(afterSharedChange.paths[0] as string)).toBe('good day approver');
    expect(await answerOf(afterSharedChange.paths[2] as string)).toBe('good day requester');
  });

  it('finds the bundles of an undone change again, without building them', async () => {
    const bundler = new LocalBundler(root, path.join(root, 'undo-cache'));
    write('export.ts', `export const handler = () => 'export v3';`);
    const before = await bundler.bundle(requests);
    write('export.ts', `export const handler = () => 'export, changed for a while';`);
    await bundler.bundle(requests);

    write('export.ts', `export const handler = () => 'export v3';`);
    const undone = await bundler.bundle(requests);

    expect(undone).toMatchObject({ built: 0, cached: 3, paths: before.paths });
  });

  it('refuses bundling options it does not know how to pass to esbuild as CDK does', () => {
    expect(() => esbuildOptionsOf({ ...HOUSE_BUNDLING, nodeModules: ['sharp'] })).toThrow(/nodeModules/);
  });
});
