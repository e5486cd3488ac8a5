import path from 'node:path';
import { PROJECT_ROOT } from '../constructs/handler-function.js';
import { DataDirInUseError, startLocalCloud } from './cloud.js';
import { localDataDir } from './dev-identity.js';
import { JavaMissingError } from './dynamodb-local.js';

/** `npm start`: the whole backend on this machine, until Ctrl-C. */
const dataDir = localDataDir();
const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`PORT must be a port number (0-65535), got "${process.env.PORT}".`);
  process.exit(1);
}

/** A word the shell takes as it is, quoted only when it must be. */
const shellWord = (word: string) =>
  /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;

try {
  const cloud = await startLocalCloud({
    dataDir,
    port,
    log: (line) => console.log(line),
    ...(process.env.LOCAL_CACHE_DIR ? { cacheDir: process.env.LOCAL_CACHE_DIR } : {}),
  });
  const dir = shellWord(cloud.dataDir);
  console.log(`
TechOps consultancy API is up at ${cloud.url} (started in ${(cloud.startup.totalMs / 1000).toFixed(1)} s)
Data: ${cloud.dataDir}   Lambda logs: ${path.join(cloud.dataDir, 'logs', 'functions.log')}
Emails (approval links among them) go to ${path.join(cloud.dataDir, 'outbox')}/ and their links are printed here.

In another terminal, in ${shellWord(PROJECT_ROOT)}:
  export API=${cloud.url} LOCAL_DATA_DIR=${dir}
  TOKEN=$(npm run --silent token -- --sub u-qa-1 --email ana@techops.example --name "Ana Quality" --groups requester --business-function QA)
  curl -H "Authorization: Bearer $TOKEN" "$API/business-functions"

A walkthrough of the whole journey: docs/walkthrough.md. Press Ctrl-C to stop.`);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the local cloud...`);
    await cloud.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
} catch (error) {
  if (error instanceof JavaMissingError || error instanceof DataDirInUseError) {
    console.error(error.message);
  } else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    console.error(
      `Port ${port} is in use: stop what runs there, or start with PORT=<another port> npm start.`,
    );
  } else {
    console.error('The local cloud could not start:', error);
  }
  process.exit(1);
}
