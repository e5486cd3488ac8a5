import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { PROJECT_ROOT } from '../../infra/constructs/handler-function.js';
import { call, eventually, readOutbox, tokenFor } from './support.js';

const run = promisify(execFile);
// This file's relationship owners are unique to the run, so the outbox can be read per owner.
const tag = Date.now().toString(36);
const owners = {
  olivia: { name: 'Olivia Owner', email: `olivia.${tag}@techops.example` },
  oscar: { name: 'Oscar Owner', email: `oscar.${tag}@techops.example` },
};
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

let manager: string;

async function vendorWithContracts(
  name: string,
  owner: { name: string; email: string },
  contracts: [string, number][],
  status?: [string, string],
) {
  const vendor = await call('POST', '/vendors', {
    token: manager,
    body: {
      legalName: `${name} ${tag} Ltd`,
      displayName: `${name} ${tag}`,
      headquartersCountry: 'IE',
      capabilities: ['QUALITY_SYSTEMS'],
      relationshipOwner: owner,
      riskTier: 'LOW',
    },
  });
  expect(vendor.status, vendor.text).toBe(201);
  for (const [reference, days] of contracts) {
    const contract = await call('POST', `/vendors/${vendor.body.id}/contracts`, {
      token: manager,
      body: {
        type: 'MSA',
        reference,
        effectiveDate: inDays(-365),
        expiryDate: inDays(days),
        documentUri: `contracts/${reference}.pdf`,
      },
    });
    expect(contract.status, contract.text).toBe(201);
  }
  if (status) {
    const response = await call('POST', `/vendors/${vendor.body.id}/status`, {
      token: manager,
      body: { status: status[0], reason: status[1] },
    });
    expect(response.status).toBe(200);
  }
  return vendor.body;
}

/** `npm run contract-digest` against a local cloud on `dataDir`. */
function contractDigest(dataDir: string) {
  return run('npm', ['run', '--silent', 'contract-digest'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, LOCAL_DATA_DIR: dataDir },
  });
}

const digestsTo = (owner: { email: string }) =>
  readOutbox().filter((email) => email.to.includes(owner.email) && /contract/.test(email.subject));

beforeAll(async () => {
  manager = await tokenFor({ groups: ['vendor-manager'], businessFunction: 'STRATEGY' });
});

describe('the contract expiry digest', () => {
  it('ran when the local cloud started: the demo relationship owners have their digests', async () => {
    const demoOwners = ['claire.dubois@techops.example', 'priya.raman@techops.example'];

    // The local cloud starts its scheduled jobs without waiting for them.
    for (const owner of demoOwners) {
      const digests = await eventually(
        () => digestsTo({ email: owner }).length > 0 && digestsTo({ email: owner }),
        owner,
      );
      expect(digests, owner).toHaveLength(1);
    }
  });

  it('sends each owner one digest listing only contracts within 60 days, and nothing new on a second run', async () => {
    await vendorWithContracts('Digest Alpha', owners.olivia, [
      [`SOON-${tag}`, 10],
      [`LATER-${tag}`, 90],
    ]);
    await vendorWithContracts('Digest Beta', owners.olivia, [[`BETA-${tag}`, 45]]);
    await vendorWithContracts('Digest Gamma', owners.oscar, [[`GAMMA-${tag}`, 59]]);
    await vendorWithContracts('Digest Gone', owners.oscar, [[`GONE-${tag}`, 5]], ['OFFBOARDED', 'Closed']);

    const first = await contractDigest(inject('dataDir'));

    expect(first.stdout).toContain(owners.olivia.email);
    const [olivia, ...moreForOlivia] = digestsTo(owners.olivia);
    expect(moreForOlivia).toEqual([]);
    expect(olivia!.text).toContain(`SOON-${tag}`);
    expect(olivia!.text).toContain('in 10 days');
    expect(olivia!.text).toContain(`BETA-${tag}`);
    expect(olivia!.text).not.toContain(`LATER-${tag}`);
    expect(olivia!.subject).toBe('2 vendor contracts expiring within 60 days');
    const [oscar, ...moreForOscar] = digestsTo(owners.oscar);
    expect(moreForOscar).toEqual([]);
    expect(oscar!.text).toContain(`GAMMA-${tag}`);
    expect(oscar!.text).not.toContain(`GONE-${tag}`);
    expect(oscar!.links).toEqual([expect.stringMatching(/\/vendors\/ven_[0-9a-z]{26}$/)]);

    const outboxBefore = readOutbox().length;
    const second = await contractDigest(inject('dataDir'));

    expect(JSON.parse(second.stdout.split('\n')[0]!)).toMatchObject({ sent: [] });
    expect(readOutbox()).toHaveLength(outboxBefore);
  }, 120_000);

  it('says to run npm start when no local cloud runs on the data dir', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'techops-no-cloud-'));
    try {
      const failure = await contractDigest(empty).then(
        () => undefined,
        (error: { code: number; stderr: string }) => error,
      );

      expect(failure?.code).toBe(1);
      expect(failure?.stderr).toContain('npm start');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
