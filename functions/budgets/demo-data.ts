import type { Caller } from '../shared/auth.js';
import { parseMoney } from '../shared/money.js';
import { setAllocation } from './budget-commands.js';
import { setEnvelope } from './envelope-commands.js';

/** The demo budget the local cloud seeds for the current fiscal year on an empty data dir. */
export const demoBudget = {
  currency: 'USD',
  envelope: '1500000.00',
  allocations: {
    QA: '300000.00',
    MFG: '350000.00',
    MSAT: '250000.00',
    ENG: '200000.00',
    SC: '120000.00',
    DIGITAL: '130000.00',
    STRATEGY: '50000.00',
  } as Record<string, string>,
};

/**
 * Sets the demo envelope and allocations of a fiscal year with the budget commands, as an admin
 * would through the API: ledger entries and audit events included. The business functions must
 * exist. One allocation at a time: each moves the envelope's allocated total.
 */
export async function seedDemoBudget(caller: Caller, fiscalYear: string): Promise<void> {
  const { currency } = demoBudget;
  const reason = 'Demo data';
  await setEnvelope(
    caller,
    fiscalYear,
    parseMoney({ amount: demoBudget.envelope, currency }),
    reason,
    undefined,
  );
  for (const [businessFunction, amount] of Object.entries(demoBudget.allocations)) {
    await setAllocation(
      caller,
      fiscalYear,
      businessFunction,
      parseMoney({ amount, currency }),
      reason,
      undefined,
    );
  }
}
