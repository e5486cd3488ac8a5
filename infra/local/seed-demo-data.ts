import type { DemoDataParts } from './demo-data-seeder.js';
import { type CfnTemplate, tablesOf } from './template.js';

/** The module the local cloud bundles and runs like a Lambda to seed all demo data. */
export const DEMO_DATA_SEEDER_ENTRY = 'infra/local/demo-data-seeder.ts';

function tableStartingWith(template: CfnTemplate, prefix: string): string {
  const name = tablesOf(template).find((table) => table.tableName.startsWith(prefix))?.tableName;
  if (!name) throw new Error(`The template has no ${prefix}* table`);
  return name;
}

/**
 * Demo data for the tables just created (an empty data dir), so a newcomer can try the API at
 * once. Runs the demo data seeder (DEMO_DATA_SEEDER_ENTRY) for the parts whose tables are new;
 * says in one phrase what it seeded.
 */
export async function seedDemoData(options: {
  template: CfnTemplate;
  createdTables: string[];
  runSeeder: (parts: DemoDataParts) => Promise<string | undefined>;
}): Promise<string | undefined> {
  const { template, createdTables } = options;
  const created = (prefix: string) => createdTables.includes(tableStartingWith(template, prefix));
  const parts: DemoDataParts = {
    businessFunctions: created('DataReferenceData'),
    budget: created('DataBudgets'),
    vendors: created('DataVendors'),
  };
  if (!parts.businessFunctions && !parts.budget && !parts.vendors) return undefined;
  return options.runSeeder(parts);
}
