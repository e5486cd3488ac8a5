import { seedDemoVendors } from '../../functions/vendors/demo-data.js';
import { issueDevToken } from './dev-identity.js';

/** Demo vendors on a fresh Vendors table, created through the local API as an admin. */
export async function seedVendors(apiUrl: string, dataDir: string, log: (line: string) => void) {
  log('Empty Vendors table: seeding demo vendors.');
  const token = await issueDevToken(dataDir, {
    sub: 'local-demo-seed',
    name: 'Demo data',
    email: 'demo-data@techops.example',
    groups: ['admin'],
    businessFunction: 'STRATEGY',
  });
  await seedDemoVendors(apiUrl, token);
}
