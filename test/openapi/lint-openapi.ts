/**
 * Lints the OpenAPI document the API serves with two maintained third-party linters: Redocly CLI
 * (recommended-strict) and Spectral (spectral:oas, failing on warnings). Their rulesets are beside
 * this file, each rule turned off with its reason. Both run offline: no telemetry, no update check.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildOpenApiDocument } from '../../functions/platform/openapi-document.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);

const offline = {
  ...process.env,
  REDOCLY_TELEMETRY: 'off',
  REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
  SCARF_ANALYTICS: 'false',
  DO_NOT_TRACK: '1',
};

const dir = mkdtempSync(path.join(tmpdir(), 'techops-openapi-'));
const document = path.join(dir, 'openapi.json');
writeFileSync(document, `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`);

const linters: [string, string[]][] = [
  ['redocly', ['lint', document, '--config', path.join(here, 'redocly.yaml'), '--format', 'stylish']],
  ['spectral', ['lint', document, '--ruleset', path.join(here, 'spectral.yaml'), '--fail-severity', 'warn']],
];

let failed = false;
try {
  for (const [name, args] of linters) {
    console.log(`> ${name} ${args.join(' ')}`);
    const run = spawnSync(bin(name), args, { stdio: 'inherit', env: offline, cwd: dir });
    if (run.status !== 0) {
      console.error(`${name} found problems in the OpenAPI document (exit ${run.status ?? run.signal}).`);
      failed = true;
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
