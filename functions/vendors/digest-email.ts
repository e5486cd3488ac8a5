import type { OutgoingEmail } from '../shared/email.js';
import { DIGEST_WINDOW_DAYS, type ExpiringContract } from './model.js';

export { DIGEST_WINDOW_DAYS };

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
