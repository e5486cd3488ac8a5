import { putApproverGroup } from '../../functions/approval-policy/approver-group-commands.js';
import { demoApprovalPolicy, demoApproverGroups } from '../../functions/approval-policy/demo-data.js';
import { publishApprovalPolicy } from '../../functions/approval-policy/policy-commands.js';
import { setAllocation } from '../../functions/budgets/budget-commands.js';
import { demoBudget } from '../../functions/budgets/demo-data.js';
import { setEnvelope } from '../../functions/budgets/envelope-commands.js';
import { addBusinessFunction } from '../../functions/reference-data/business-function-commands.js';
import { demoBusinessFunctions } from '../../functions/reference-data/demo-data.js';
import { putHolidayCalendar } from '../../functions/reference-data/holiday-calendar-commands.js';
import { demoHolidayCalendar } from '../../functions/reference-data/holiday-demo-data.js';
import type { Caller } from '../../functions/shared/auth.js';
import { optionalEnv } from '../../functions/shared/config.js';
import { fiscalYearOf } from '../../functions/shared/fiscal-year.js';
import { parseMoney } from '../../functions/shared/money.js';
import { demoInternalCapabilities } from '../../functions/triage/demo-data.js';
import { putInternalCapability } from '../../functions/triage/internal-capability-commands.js';
import { addDays, today } from '../../functions/vendors/dates.js';
import { demoVendors } from '../../functions/vendors/demo-data.js';
import * as vendorBodies from '../../functions/vendors/model.js';
import { addReview } from '../../functions/vendors/review-commands.js';
import {
  addContract,
  addRate,
  changeVendorStatus,
  createVendor,
} from '../../functions/vendors/vendor-commands.js';

/**
 * The one way demo data is seeded: bundled and run like one of the template's Lambdas (a worker
 * thread with the table names and settings CDK gave the Lambdas), it creates the business
 * functions (with the approver groups, the approval policy and the internal capabilities), the current fiscal year's budget and the vendors (the data in each capability's
 * demo-data.ts) with the domain commands the API's handlers call, as an admin would: validated,
 * stored, indexed and audited like any other, straight to DynamoDB Local.
 */

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

/** Seeds the parts asked for; says in one phrase what it seeded. */
export async function handler(parts: DemoDataParts): Promise<string | undefined> {
  const caller = DEMO_DATA_CALLER;
  const seeded: string[] = [];
  // Allocations need their business functions.
  if (parts.businessFunctions) {
    await Promise.all(demoBusinessFunctions.map((demo) => addBusinessFunction(caller, demo)));
    seeded.push(`${demoBusinessFunctions.length} business functions`);
    seeded.push(await seedApprovalPolicy(caller));
    seeded.push(await seedInternalCapabilities(caller));
    seeded.push(await seedHolidayCalendars(caller));
  }
  const fiscalYear = fiscalYearOf(today(), Number(optionalEnv('FISCAL_YEAR_START_MONTH', '1')));
  const [, vendors] = await Promise.all([
    parts.budget ? seedBudget(caller, fiscalYear) : undefined,
    parts.vendors ? seedVendors(caller) : undefined,
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

/** The groups, then the policy that names them: it is checked against the business functions and groups. */
async function seedApprovalPolicy(caller: Caller): Promise<string> {
  const groups = Object.entries(demoApproverGroups);
  await Promise.all(groups.map(([name, group]) => putApproverGroup(caller, name, group, undefined)));
  // Over the built-in version 0 of a fresh reference table.
  const policy = await publishApprovalPolicy(caller, demoApprovalPolicy, '"0"');
  return `${groups.length} approver group${groups.length === 1 ? '' : 's'} and an approval policy of ${policy.document.rules.length} rules`;
}

async function seedInternalCapabilities(caller: Caller): Promise<string> {
  const capabilities = Object.entries(demoInternalCapabilities);
  await Promise.all(
    capabilities.map(([id, capability]) => putInternalCapability(caller, id, capability, undefined)),
  );
  return `${capabilities.length} internal capabilities`;
}

/** This year's and next year's holiday calendars: reminders and escalation deadlines skip their days. */
async function seedHolidayCalendars(caller: Caller): Promise<string> {
  const year = Number(today().slice(0, 4));
  await Promise.all(
    [year, year + 1].map((one) =>
      putHolidayCalendar(caller, String(one), demoHolidayCalendar(one), undefined),
    ),
  );
  return `holiday calendars for ${year} and ${year + 1}`;
}

/** The envelope, then one allocation at a time: each moves the envelope's allocated total. */
async function seedBudget(caller: Caller, fiscalYear: string): Promise<void> {
  const { currency } = demoBudget;
  const reason = 'Demo data';
  const money = (amount: string) => parseMoney({ amount, currency });
  await setEnvelope(caller, fiscalYear, { amount: money(demoBudget.envelope), reason }, undefined);
  for (const [businessFunction, amount] of Object.entries(demoBudget.allocations)) {
    await setAllocation(caller, fiscalYear, businessFunction, money(amount), reason, undefined);
  }
}

const daysFromToday = (days: number) => addDays(today(), days);

type DemoVendor = (typeof demoVendors)[number];

/** A demo vendor's contracts, rates and reviews, each as the body its API call would send. */
function additionsOf(id: string, demo: DemoVendor, caller: Caller) {
  const { AddContractBody, AddRateBody, AddReviewBody } = vendorBodies;
  return [
    ...demo.contracts.map((contract) => ({
      kind: 'contracts' as const,
      add: () =>
        addContract(
          caller,
          id,
          AddContractBody.parse({
            type: contract.type,
            reference: contract.reference,
            effectiveDate: daysFromToday(-contract.effectiveDaysAgo),
            expiryDate: daysFromToday(contract.expiresInDays),
            documentUri: `contracts/${id}/${contract.reference}.pdf`,
          }),
        ),
    })),
    ...demo.rates.map((rate) => ({
      kind: 'rates' as const,
      add: () =>
        addRate(
          caller,
          id,
          AddRateBody.parse({
            role: rate.role,
            unit: rate.unit,
            rate: { amount: rate.amount, currency: rate.currency },
            validFrom: rate.from,
            ...(rate.to ? { validTo: rate.to } : {}),
          }),
        ),
    })),
    ...demo.reviews.map((review) => ({
      kind: 'reviews' as const,
      add: () => addReview(caller, id, AddReviewBody.parse(review)),
    })),
  ];
}

async function seedVendors(caller: Caller) {
  const seeded = { vendors: 0, contracts: 0, rates: 0, reviews: 0 };
  await Promise.all(
    demoVendors.map(async (demo) => {
      const { id } = await createVendor(caller, vendorBodies.CreateVendorBody.parse(demo.vendor));
      seeded.vendors += 1;
      // Contracts, rates and reviews first (one at a time: a role's rates and the review totals
      // are read, then written), then the status path: an offboarded vendor takes no new contracts.
      for (const { kind, add } of additionsOf(id, demo, caller)) {
        await add();
        seeded[kind] += 1;
      }
      for (const step of demo.path) {
        await changeVendorStatus(caller, id, vendorBodies.ChangeVendorStatusBody.parse(step), undefined);
      }
    }),
  );
  return seeded;
}
