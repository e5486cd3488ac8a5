import { randomUUID } from 'node:crypto';
import type { OutgoingEmail } from '../shared/email.js';
import { DIGEST_WINDOW_DAYS, digestEmail, digestsByOwner } from './digest-email.js';
import { claimDigest, settleDigest } from './digest-marker-store.js';
import { expiringContracts } from './expiring-contracts.js';
import type { ExpiringContract } from './model.js';

/** One run of the daily digest: whom it sent to, who had theirs already, whose send failed. */
export interface DigestRun {
  date: string;
  sent: string[];
  alreadySent: string[];
  failed: string[];
}

/** Sends today's digests that have not been sent yet. A failed send may be retried by a later run. */
export async function runContractDigest(options: {
  today: string;
  baseUrl: string;
  send: (email: OutgoingEmail) => Promise<void>;
}): Promise<DigestRun> {
  const contracts: ExpiringContract[] = [];
  let cursor: string | undefined;
  do {
    const page = await expiringContracts(options.today, DIGEST_WINDOW_DAYS, { limit: 100, cursor });
    contracts.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  const run: DigestRun = { date: options.today, sent: [], alreadySent: [], failed: [] };
  for (const digest of digestsByOwner(contracts)) {
    const claimId = randomUUID();
    const owner = digest.owner.email;
    if (!(await claimDigest(owner, options.today, claimId))) {
      run.alreadySent.push(owner);
      continue;
    }
    try {
      await options.send(digestEmail(digest, options.today, options.baseUrl));
    } catch {
      await settleDigest(owner, options.today, claimId, 'FAILED');
      run.failed.push(owner);
      continue;
    }
    await settleDigest(owner, options.today, claimId, 'SENT');
    run.sent.push(owner);
  }
  return run;
}
