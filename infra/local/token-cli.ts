import { parseArgs } from 'node:util';
import { issueDevToken, localDataDir } from './dev-identity.js';

/**
 * `npm run --silent token -- --sub <id> --email <e> --name <n> --groups <g1,g2> --business-function <code>`
 * prints a dev JWT the local gateway accepts, and nothing else.
 */
const usage =
  'usage: npm run --silent token -- --sub <id> --email <e> --name <n> --groups <g1,g2> [--business-function <code>] [--expires-in <seconds>]';

try {
  const { values } = parseArgs({
    options: {
      sub: { type: 'string' },
      email: { type: 'string' },
      name: { type: 'string' },
      groups: { type: 'string' },
      'business-function': { type: 'string' },
      'expires-in': { type: 'string' },
    },
    strict: true,
  });
  if (!values.sub || !values.email || !values.name || !values.groups)
    throw new Error('--sub, --email, --name and --groups are required');
  const expiresInSeconds = Number(values['expires-in'] ?? 12 * 3600);
  if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < 1)
    throw new Error('--expires-in must be whole seconds');
  const token = await issueDevToken(localDataDir(), {
    sub: values.sub,
    email: values.email,
    name: values.name,
    groups: values.groups
      .split(',')
      .map((group) => group.trim())
      .filter(Boolean),
    businessFunction: values['business-function']?.toUpperCase(),
    expiresInSeconds,
  });
  process.stdout.write(`${token}\n`);
} catch (error) {
  console.error(`${(error as Error).message}\n${usage}`);
  process.exit(2);
}
