import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  emptyLine,
  envelopeItem,
  ledgerEntry,
  ledgerEntryItem,
  lineItem,
} from '../../functions/budgets/budget-items.js';
import { demoBudget } from '../../functions/budgets/demo-data.js';
import { allocationEffect, applyEffect } from '../../functions/budgets/ledger.js';
import { fiscalYearOf } from '../../functions/shared/fiscal-year.js';
import { parseMoney } from '../../functions/shared/money.js';
import { type CfnTemplate, functionsOf, tablesOf } from './template.js';

const SEEDER = { sub: 'demo-seed', name: 'Demo data', email: 'demo@techops.example' };

/** The fiscal-year start month the template gives its Lambdas (from techops:fiscalYearStartMonth). */
function fiscalYearStartMonthOf(template: CfnTemplate): number {
  const month = functionsOf(template)
    .map((fn) => fn.environment.FISCAL_YEAR_START_MONTH)
    .find((value) => value !== undefined);
  return Number(month ?? 1);
}

/**
 * An envelope and allocations for the current fiscal year, written as the API would write them:
 * the envelope's allocated total, each line's totals, and each line's ALLOCATION ledger entry.
 * Only when the budgets table was just created (an empty data dir). Says what it seeded.
 */
export async function seedDemoBudgets(
  client: DynamoDBClient,
  template: CfnTemplate,
  createdTables: string[],
  now = new Date(),
): Promise<string | undefined> {
  const table = tablesOf(template).find((candidate) =>
    candidate.tableName.startsWith('DataBudgets'),
  )?.tableName;
  if (!table || !createdTables.includes(table)) return undefined;
  const fiscalYear = fiscalYearOf(now.toISOString().slice(0, 10), fiscalYearStartMonthOf(template));
  const at = now.toISOString();
  const { currency } = demoBudget;
  const items: Record<string, unknown>[] = [];
  let allocated = 0;
  for (const [businessFunction, amount] of Object.entries(demoBudget.allocations)) {
    const line = emptyLine(fiscalYear, businessFunction, currency);
    const effect = allocationEffect(0, parseMoney({ amount, currency }).minor);
    allocated += effect.allocated;
    items.push(
      lineItem({ ...line, ...applyEffect(line, effect), version: 1 }, at),
      ledgerEntryItem(
        ledgerEntry(SEEDER, line, 'ALLOCATION', effect.allocated, effect, at, { reference: 'Demo data' }),
      ),
    );
  }
  const envelope = parseMoney({ amount: demoBudget.envelope, currency }).minor;
  items.push(envelopeItem({ fiscalYear, currency, envelope, allocated, version: 1 }, at));
  const documents = DynamoDBDocumentClient.from(client);
  for (let start = 0; start < items.length; start += 25) {
    await documents.send(
      new BatchWriteCommand({
        RequestItems: { [table]: items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } })) },
      }),
    );
  }
  const allocations = Object.keys(demoBudget.allocations).length;
  return `a ${fiscalYear} budget (envelope ${demoBudget.envelope} ${currency}, ${allocations} allocations)`;
}
