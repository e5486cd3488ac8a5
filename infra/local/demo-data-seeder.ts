import { demoBudget, seedDemoBudget } from '../../functions/budgets/demo-data.js';
import {
  demoBusinessFunctions,
  seedDemoBusinessFunctions,
} from '../../functions/reference-data/demo-data.js';
import type { Caller } from '../../functions/shared/auth.js';
import { optionalEnv } from '../../functions/shared/config.js';
import { fiscalYearOf } from '../../functions/shared/fiscal-year.js';
import { seedDemoVendors } from '../../functions/vendors/demo-data.js';

/** Who the demo data is recorded as (in the audit trail). */
const DEMO_DATA_CALLER: Caller = {
  sub: 'local-demo-seed',
  name: 'Demo data',
  email: 'demo-data@techops.example',
  roles: ['admin'],
  businessFunction: 'STRATEGY',
};

/** Which demo data to seed: each part only into a table just created. */
export interface DemoDataParts {
  businessFunctions: boolean;
  budget: boolean;
  vendors: boolean;
}

/**
 * The one way demo data is seeded: bundled and run like one of the template's Lambdas (a worker
 * thread with the table names and settings CDK gave the Lambdas), so business functions, the
 * current fiscal year's budget and vendors go through the domain commands the API's handlers
 * call, with their audit events, straight to DynamoDB Local. Says in one phrase what it seeded.
 */
export async function handler(parts: DemoDataParts): Promise<string | undefined> {
  const caller = DEMO_DATA_CALLER;
  const seeded: string[] = [];
  // Allocations need their business functions.
  if (parts.businessFunctions) {
    await seedDemoBusinessFunctions(caller);
    seeded.push(`${demoBusinessFunctions.length} business functions`);
  }
  const fiscalYear = fiscalYearOf(
    new Date().toISOString().slice(0, 10),
    Number(optionalEnv('FISCAL_YEAR_START_MONTH', '1')),
  );
  const [, vendors] = await Promise.all([
    parts.budget ? seedDemoBudget(caller, fiscalYear) : undefined,
    parts.vendors ? seedDemoVendors(caller) : undefined,
  ]);
  if (parts.budget) {
    const allocations = Object.keys(demoBudget.allocations).length;
    seeded.push(
      `a ${fiscalYear} budget (envelope ${demoBudget.envelope} ${demoBudget.currency}, ${allocations} allocations)`,
    );
  }
  if (vendors) {
    seeded.push(
      `${vendors.vendors} vendors (${vendors.contracts} contracts, ${vendors.rates} rates, ${vendors.reviews} reviews)`,
    );
  }
  return seeded.length > 0 ? seeded.join(', ') : undefined;
}
