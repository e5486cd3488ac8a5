import { createHash, randomUUID } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { type BuildOptions, build } from 'esbuild';

/**
 * The local cloud's Lambda bundles: the esbuild build CDK's NodejsFunction runs, with the options
 * the template records for each Lambda, done in one in-process esbuild call for every entry
 * whose inputs changed. A bundle is reused while every file it was built from (sources and
 * node_modules alike) has the same content: the cache is keyed by the content hash of each
 * entry's inputs, so changing one handler rebundles only the entries that include it.
 */

export interface BundleRequest {
  /** The handler module, relative to the project root. */
  entry: string;
  /** NodejsFunction's `bundling` props, as the template's metadata records them. */
  bundling: Record<string, unknown>;
  /** The Lambda runtime (`nodejs22.x`): esbuild's target when the bundling names none. */
  runtime?: string;
}

export interface BundleResult {
  /** The bundle (`index.mjs` or `index.js`) of each request, in the order asked. */
  paths: string[];
  built: number;
  cached: number;
  ms: number;
}

/** NodejsFunction bundling props the local bundler knows how to pass to esbuild, as CDK does. */
const SUPPORTED = new Set([
  'minify',
  'sourceMap',
  'sourceMapMode',
  'sourcesContent',
  'target',
  'format',
  'mainFields',
  'banner',
  'footer',
  'externalModules',
  'logLevel',
  'keepNames',
  'define',
  'loader',
]);

/** esbuild's options for NodejsFunction `bundling` props: the arguments CDK's Bundling passes. */
export function esbuildOptionsOf(bundling: Record<string, unknown>, runtime = 'nodejs22.x'): BuildOptions {
  const unsupported = Object.keys(bundling).filter((key) => !SUPPORTED.has(key));
  if (unsupported.length > 0) {
    throw new Error(
      `The local cloud does not bundle with ${unsupported.join(', ')} yet: teach infra/local/bundler.ts what CDK does with it.`,
    );
  }
  const mode = bundling.sourceMapMode as string | undefined;
  const sourceMap = mode ?? bundling.sourceMap;
  return {
    bundle: true,
    platform: 'node',
    target: (bundling.target as string | undefined) ?? runtime.replace(/^nodejs(\d+)\.x$/, 'node$1'),
    ...(bundling.format ? { format: bundling.format as BuildOptions['format'] } : {}),
    minify: Boolean(bundling.minify),
    ...(sourceMap
      ? {
          sourcemap:
            mode === undefined || mode === 'default' ? 'linked' : (mode as BuildOptions['sourcemap']),
        }
      : {}),
    sourcesContent: (bundling.sourcesContent as boolean | undefined) ?? true,
    external: (bundling.externalModules as string[] | undefined) ?? ['@aws-sdk/*'],
    ...(bundling.loader ? { loader: bundling.loader as BuildOptions['loader'] } : {}),
    ...(bundling.define ? { define: bundling.define as Record<string, string> } : {}),
    logLevel: (bundling.logLevel as BuildOptions['logLevel'] | undefined) ?? 'warning',
    keepNames: Boolean(bundling.keepNames),
    ...(bundling.banner ? { banner: { js: bundling.banner as string } } : {}),
    ...(bundling.footer ? { footer: { js: bundling.footer as string } } : {}),
    ...(bundling.mainFields ? { mainFields: bundling.mainFields as string[] } : {}),
  };
}

/** One bundle of an entry: the content hashes of the files it was built from, and where it is. */
interface BundleVariant {
  inputs: Record<string, string>;
  bundle: string;
}

/** What the cache remembers of an entry: its latest bundles, newest first. */
interface EntryRecord {
  entry: string;
  variants: BundleVariant[];
}

/** Bundles remembered per entry: switching branches or undoing a change finds its bundle again. */
const VARIANTS_KEPT = 5;

const sha256 = (content: string | Buffer) => createHash('sha256').update(content).digest('hex');

/** Writes a file so that a reader sees the old content or the new, never a part. */
function writeAtomically(file: string, content: string | Uint8Array): void {
  const temporary = `${file}.${process.pid}.${randomUUID()}.tmp`;
  writeFileSync(temporary, content);
  renameSync(temporary, file);
}

/** How long an unreferenced bundle is kept: a local cloud that is still running may load it later. */
const UNREFERENCED_BUNDLE_TTL_MS = 24 * 3600 * 1000;

export class LocalBundler {
  private readonly bundlesDir: string;
  private readonly entriesDir: string;

  constructor(
    /** Where entries and their inputs are resolved from (the project root). */
    private readonly root: string,
    /** The cache; bundles there resolve external modules from the root's node_modules. */
    private readonly cacheDir: string,
  ) {
    this.bundlesDir = path.join(cacheDir, 'bundles');
    this.entriesDir = path.join(cacheDir, 'entries');
  }

  async bundle(requests: BundleRequest[]): Promise<BundleResult> {
    const started = performance.now();
    mkdirSync(this.bundlesDir, { recursive: true });
    mkdirSync(this.entriesDir, { recursive: true });
    const hashes = new Map<string, string | undefined>();
    const hashOf = (file: string) => {
      if (!hashes.has(file)) {
        const absolute = path.join(this.root, file);
        hashes.set(file, existsSync(absolute) ? sha256(readFileSync(absolute)) : undefined);
      }
      return hashes.get(file);
    };

    // One bundle per entry and options; the same entry with the same options is built once.
    const keyed = requests.map((request) => {
      const options = esbuildOptionsOf(request.bundling, request.runtime);
      const optionsJson = JSON.stringify(options);
      return { request, options, optionsJson, key: sha256(`${request.entry}\n${optionsJson}`) };
    });
    const paths = new Map<string, string>();
    const stale = new Map<string, (typeof keyed)[number]>();
    for (const item of keyed) {
      if (paths.has(item.key) || stale.has(item.key)) continue;
      const fresh = this.readRecord(item.key)?.variants.find(
        (variant) =>
          Object.entries(variant.inputs).every(([file, hash]) => hashOf(file) === hash) &&
          existsSync(this.bundlePathOf(variant.bundle, item.options)),
      );
      if (fresh) paths.set(item.key, this.bundlePathOf(fresh.bundle, item.options));
      else stale.set(item.key, item);
    }

    // What changed: one esbuild call per set of options (normally one for all).
    const groups = new Map<string, (typeof keyed)[number][]>();
    for (const item of stale.values())
      groups.set(item.optionsJson, [...(groups.get(item.optionsJson) ?? []), item]);
    for (const group of groups.values()) {
      const built = await this.build(group, hashOf);
      for (const [key, bundlePath] of built) paths.set(key, bundlePath);
    }
    if (stale.size > 0) this.prune();
    return {
      paths: keyed.map((item) => paths.get(item.key) as string),
      built: stale.size,
      cached: paths.size - stale.size,
      ms: performance.now() - started,
    };
  }

  private async build(
    items: { request: BundleRequest; options: BuildOptions; key: string }[],
    hashOf: (file: string) => string | undefined,
  ): Promise<Map<string, string>> {
    const options = items[0]?.options as BuildOptions;
    const extension = options.format === 'esm' ? '.mjs' : '.js';
    // Staged as <staging>/<n>/index.mjs and moved to <bundles>/<hash>/index.mjs: the same depth
    // below the cache, so the source maps' relative paths stay right.
    const staging = path.join(this.cacheDir, `staging-${process.pid}-${randomUUID()}`);
    try {
      const result = await build({
        ...options,
        absWorkingDir: this.root,
        entryPoints: Object.fromEntries(
          items.map((item, index) => [`${index}/index`, path.join(this.root, item.request.entry)]),
        ),
        outdir: staging,
        outExtension: { '.js': extension },
        metafile: true,
        write: false,
      });
      const outputsOf = (index: number) =>
        result.outputFiles.filter(
          (file) => path.relative(staging, file.path).split(path.sep)[0] === String(index),
        );
      const built = new Map<string, string>();
      for (const [index, item] of items.entries()) {
        const main = Object.entries(result.metafile.outputs).find(
          ([output, meta]) =>
            meta.entryPoint !== undefined &&
            path.relative(staging, path.join(this.root, output)) === `${index}/index${extension}`,
        );
        if (!main) throw new Error(`esbuild produced no bundle for ${item.request.entry}`);
        const inputs = Object.fromEntries(
          Object.keys(main[1].inputs)
            .sort()
            .flatMap((file) => {
              const hash = hashOf(file);
              return hash === undefined ? [] : [[file, hash]];
            }),
        );
        const bundle = sha256(`${JSON.stringify(item.options)}\n${JSON.stringify(inputs)}`).slice(0, 32);
        const target = path.join(this.bundlesDir, bundle);
        if (!existsSync(target)) {
          const stagedDir = path.join(staging, String(index));
          mkdirSync(stagedDir, { recursive: true });
          for (const file of outputsOf(index)) writeFileSync(file.path, file.contents);
          try {
            renameSync(stagedDir, target);
          } catch (error) {
            // Another local cloud built the same bundle a moment ago: it is the same content.
            if (!existsSync(target)) throw error;
          }
        }
        writeAtomically(
          path.join(this.entriesDir, `${item.key}.json`),
          JSON.stringify({
            entry: item.request.entry,
            variants: [
              { inputs, bundle },
              ...(this.readRecord(item.key)?.variants ?? []).filter((variant) => variant.bundle !== bundle),
            ].slice(0, VARIANTS_KEPT),
          } satisfies EntryRecord),
        );
        built.set(item.key, this.bundlePathOf(bundle, item.options));
      }
      return built;
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }

  private bundlePathOf(bundle: string, options: BuildOptions): string {
    return path.join(this.bundlesDir, bundle, options.format === 'esm' ? 'index.mjs' : 'index.js');
  }

  private readRecord(key: string): EntryRecord | undefined {
    try {
      const record = JSON.parse(readFileSync(path.join(this.entriesDir, `${key}.json`), 'utf8'));
      return Array.isArray(record.variants) ? (record as EntryRecord) : undefined;
    } catch {
      return undefined;
    }
  }

  /** Drops bundles no entry refers to any more, once no running local cloud can still want them. */
  private prune(): void {
    const referenced = new Set(
      readdirSync(this.entriesDir)
        .filter((name) => name.endsWith('.json'))
        .flatMap((name) => this.readRecord(name.replace(/\.json$/, ''))?.variants ?? [])
        .map((variant) => variant.bundle),
    );
    const cutoff = Date.now() - UNREFERENCED_BUNDLE_TTL_MS;
    for (const bundle of readdirSync(this.bundlesDir)) {
      const directory = path.join(this.bundlesDir, bundle);
      if (!referenced.has(bundle) && statSync(directory).mtimeMs < cutoff) {
        rmSync(directory, { recursive: true, force: true });
      }
    }
  }
}
