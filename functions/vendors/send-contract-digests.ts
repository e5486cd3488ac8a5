import { requireEnv } from '../shared/config.js';
import { sendEmail } from '../shared/email.js';
import { logger } from '../shared/logger.js';
import { runContractDigest } from './contract-digest.js';
import { today } from './dates.js';

/** Links in the digest point at the API's public URL. */
const baseUrl = requireEnv('PUBLIC_BASE_URL');

/** The daily schedule's target: today's contract expiry digests. Fails (for a retry) if a send failed. */
export async function handler() {
  const run = await runContractDigest({
    today: today(),
    baseUrl,
    send: sendEmail,
  });
  logger.info('Contract digest run', { ...run });
  if (run.failed.length > 0) {
    throw new Error(
      `The contract digest could not be sent to ${run.failed.length} owner(s); a retry sends them.`,
    );
  }
  return run;
}
