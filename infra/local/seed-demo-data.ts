import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { demoBusinessFunctions } from '../../functions/reference-data/demo-data.js';
import { businessFunctionItem } from '../../functions/reference-data/schemas.js';
import type { SeededVendors } from '../../functions/vendors/demo-data.js';
import { seedDemoBudgets } from './demo-budgets.js';
import { type CfnTemplate, tablesOf } from './template.js';

/** The module the local cloud bundles and runs like a Lambda to seed the demo vendors. */
export const DEMO_VENDORS_SEEDER_ENTRY = 'infra/local/demo-vendors-seeder.ts';

function tableStartingWith(template: CfnTemplate, prefix: string): string {
  const name = tablesOf(template).find((table) => table.tableName.startsWith(prefix))?.tableName;
  if (!name) throw new Error(`The template has no ${prefix}* table`);
  return name;
}

/**
 * Demo data for the tables just created (an empty data dir), so a newcomer can try the API at
 * once: business functions, this fiscal year's budget and vendors, each written straight to
 * DynamoDB Local by domain code (no call through the gateway). Says in one phrase what it seeded.
 */
export async function seedDemoData(options: {
  client: DynamoDBClient;
  template: CfnTemplate;
  createdTables: string[];
  /** Runs the demo vendors seeder (DEMO_VENDORS_SEEDER_ENTRY) with the template's table names. */
  seedVendors: () => Promise<SeededVendors>;
}): Promise<string | undefined> {
  const { client, template, createdTables } = options;
  const seeded: string[] = [];
  if (createdTables.includes(tableStartingWith(template, 'DataReferenceData'))) {
    await DynamoDBDocumentClient.from(client).send(
      new BatchWriteCommand({
        RequestItems: {
          [tableStartingWith(template, 'DataReferenceData')]: demoBusinessFunctions.map(
            (businessFunction) => ({
              PutRequest: { Item: businessFunctionItem(businessFunction) },
            }),
          ),
        },
      }),
    );
    seeded.push(`${demoBusinessFunctions.length} business functions`);
  }
  const [budget, vendors] = await Promise.all([
    seedDemoBudgets(client, template, createdTables),
    createdTables.includes(tableStartingWith(template, 'DataVendors')) ? options.seedVendors() : undefined,
  ]);
  if (budget) seeded.push(budget);
  if (vendors) {
    seeded.push(
      `${vendors.vendors} vendors (${vendors.contracts} contracts, ${vendors.rates} rates, ${vendors.reviews} reviews)`,
    );
  }
  return seeded.length > 0 ? seeded.join(', ') : undefined;
}
