import { randomUUID } from 'node:crypto';
import type { OutgoingEmail } from '../shared/email.js';
import { claimDigest, settleDigest } from './digest-markers.js';
import { type ExpiringContract, expiringContracts } from './expiring-contracts.js';

/**
 * The daily contract expiry digest: each relationship owner gets one email listing their
 * vendors' contracts that expire within the window, at most once a day (a conditional marker
 * per owner and day, not luck). Offboarded vendors are left out: there is nothing to renew.
 */
export const DIGEST_WINDOW_DAYS = 60;

export interface OwnerDigest {
  owner: { name: string; email: string };
  contracts: ExpiringContract[];
}

export function digestsByOwner(contracts: ExpiringContract[]): OwnerDigest[] {
  const byOwner = new Map<string, OwnerDigest>();
  for (const contract of contracts) {
    if (contract.vendor.status === 'OFFBOARDED') continue;
    const owner = contract.vendor.relationshipOwner;
    const key = owner.email.toLowerCase();
    const digest = byOwner.get(key) ?? { owner, contracts: [] };
    digest.contracts.push(contract);
    byOwner.set(key, digest);
  }
  return [...byOwner.values()];
}

export function digestEmail(digest: OwnerDigest, today: string, baseUrl: string): OutgoingEmail {
  const count = digest.contracts.length;
  const lines = digest.contracts.map(
    (contract) =>
      `- ${contract.vendor.displayName}: ${contract.type} ${contract.reference} expires ${contract.expiryDate} ` +
      `(in ${contract.daysLeft} day${contract.daysLeft === 1 ? '' : 's'})\n  ${baseUrl}/vendors/${contract.vendor.id}`,
  );
  return {
    to: [digest.owner.email],
    subject: `${count} vendor contract${count === 1 ? '' : 's'} expiring within ${DIGEST_WINDOW_DAYS} days`,
    text: [
      `Hello ${digest.owner.name},`,
      '',
      `As of ${today}, these contracts of vendors you own expire within ${DIGEST_WINDOW_DAYS} days:`,
      '',
      ...lines,
      '',
      'Renew or replace them in time so engagements are not interrupted.',
    ].join('\n'),
  };
}

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
