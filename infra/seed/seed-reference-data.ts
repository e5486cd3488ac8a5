import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import * as z from 'zod';
import type { Caller } from '../../functions/shared/auth.js';
import { zodIssues } from '../../functions/shared/http.js';
import { localDataDir } from '../local/dev-identity.js';
import { runningCloudOn } from '../local/running-cloud.js';
import { STACK_OUTPUTS } from '../stack-outputs.js';
import { applySeedFile, type SectionSummary, SeedFile } from './seed-sections.js';

/**
 * `npm run seed -- --stack <name> --file <reference data JSON> --operator <email> [--local]`:
 * loads the reference data file into a deployed stack through the domain's own commands, so
 * every change has its audit event (by the operator) and what is already there is left alone.
 * The stack's outputs say where its tables are (CloudFormation DescribeStacks). With --local
 * the same code runs against the local cloud on LOCAL_DATA_DIR: only the endpoints differ, as
 * for the Lambdas (AWS_ENDPOINT_URL_CLOUDFORMATION, AWS_ENDPOINT_URL_DYNAMODB).
 */

const USAGE =
  'Usage: npm run seed -- --stack <stack name> --file <reference data JSON> --operator <your email> [--local]';

class SeedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SeedError';
  }
}

/** The table environment variables the domain's stores read, from the stack output naming each table. */
const TABLE_VARIABLES = {
  REFERENCE_TABLE_NAME: STACK_OUTPUTS.referenceDataTable,
  AUDIT_TABLE_NAME: STACK_OUTPUTS.auditTable,
  REQUESTS_TABLE_NAME: STACK_OUTPUTS.requestsTable,
  APPROVALS_TABLE_NAME: STACK_OUTPUTS.approvalsTable,
  BUDGETS_TABLE_NAME: STACK_OUTPUTS.budgetsTable,
  VENDORS_TABLE_NAME: STACK_OUTPUTS.vendorsTable,
};

function readSeedFile(file: string): SeedFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new SeedError(`Cannot read ${file} as JSON: ${(error as Error).message}`);
  }
  const result = SeedFile.safeParse(parsed);
  if (!result.success) {
    const problems = zodIssues(result.error).map(
      ({ field, message }) => `  - ${field || '(file)'}: ${message}`,
    );
    throw new SeedError(`${file} is not valid reference data; nothing was written:\n${problems.join('\n')}`);
  }
  return result.data;
}

/** Points the SDK at the local cloud running on LOCAL_DATA_DIR, as the local cloud does for its Lambdas. */
function useLocalCloud(): void {
  const dataDir = localDataDir();
  const cloud = runningCloudOn(dataDir);
  if (!cloud) {
    throw new SeedError(
      `No local cloud is running on ${path.resolve(dataDir)}: start one with \`npm start\`.`,
    );
  }
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_CLOUDFORMATION: cloud.servicesUrl,
    AWS_ENDPOINT_URL_DYNAMODB: cloud.dynamoDbEndpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  });
}

async function stackOutputs(stackName: string): Promise<Record<string, string>> {
  let stacks: Stack[] | undefined;
  try {
    ({ Stacks: stacks } = await new CloudFormationClient({}).send(
      new DescribeStacksCommand({ StackName: stackName }),
    ));
  } catch (error) {
    throw new SeedError(`Cannot read the outputs of stack ${stackName}: ${(error as Error).message}`);
  }
  return Object.fromEntries(
    (stacks?.[0]?.Outputs ?? []).map((output) => [output.OutputKey ?? '', output.OutputValue ?? '']),
  );
}

function summaryOf(stackName: string, file: string, summaries: SectionSummary[]): string {
  const lines = summaries.map(({ what, created, changed, unchanged }) => {
    const named = (verb: string, keys: string[]) => (keys.length > 0 ? ` (${verb}: ${keys.join(', ')})` : '');
    return `  ${what}: ${created.length} created, ${changed.length} changed, ${unchanged.length} unchanged${named('created', created)}${named('changed', changed)}`;
  });
  const changes = summaries.reduce((sum, { created, changed }) => sum + created.length + changed.length, 0);
  const verdict =
    changes === 0
      ? 'Nothing changed: the stack already holds this reference data.'
      : `${changes} change(s), each with its audit event.`;
  return [`Reference data from ${file} into stack ${stackName}:`, ...lines, verdict].join('\n');
}

async function main(): Promise<void> {
  let values: { stack?: string; file?: string; operator?: string; local?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        stack: { type: 'string' },
        file: { type: 'string' },
        operator: { type: 'string' },
        local: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new SeedError(`${(error as Error).message}\n${USAGE}`);
  }
  const missing = (['stack', 'file', 'operator'] as const).filter((name) => !values[name]);
  if (missing.length > 0)
    throw new SeedError(`Missing ${missing.map((name) => `--${name}`).join(', ')}\n${USAGE}`);
  const { stack, file, operator } = values as Required<typeof values>;
  if (!z.email().safeParse(operator).success)
    throw new SeedError(`--operator must be your email address, not ${operator}`);

  // The whole file is checked before anything is written.
  const seedFile = readSeedFile(file);
  if (values.local) useLocalCloud();
  const outputs = await stackOutputs(stack);
  for (const [variable, outputKey] of Object.entries(TABLE_VARIABLES)) {
    const tableName = outputs[outputKey];
    if (!tableName) throw new SeedError(`Stack ${stack} has no output ${outputKey}: is it this app's stack?`);
    process.env[variable] = tableName;
  }
  // The audit trail records the operator who loaded the reference data.
  const caller: Caller = {
    sub: `seed:${operator}`,
    name: `Reference data seed (${operator})`,
    email: operator,
    roles: ['admin'],
  };
  console.log(summaryOf(stack, file, await applySeedFile(caller, seedFile)));
}

try {
  await main();
} catch (error) {
  console.error(error instanceof SeedError ? error.message : error);
  process.exit(1);
}
