import { tableNamed, useLocalDynamoDb } from './budget-support.js';

/**
 * Adds business functions of a test file's own with the domain command, as the seed does (no
 * route adds them): a file whose reads count a business function's requests owns it.
 */
export async function addBusinessFunctions(codes: string[], operatorName: string): Promise<void> {
  const local = useLocalDynamoDb();
  process.env.REFERENCE_TABLE_NAME = await tableNamed(local, 'DataReferenceData');
  process.env.AUDIT_TABLE_NAME = await tableNamed(local, 'DataAuditEvents');
  const { addBusinessFunction } = await import(
    '../../functions/reference-data/business-function-commands.js'
  );
  const operator = { sub: 'test-operator', name: operatorName, email: 'test.operator@techops.example' };
  await Promise.all(
    codes.map((code) =>
      addBusinessFunction(
        { ...operator, roles: ['admin'] },
        {
          code,
          name: `${operatorName} ${code}`,
          head: { name: `Head of ${code}`, email: `${code.toLowerCase()}@techops.example` },
        },
      ),
    ),
  );
}
