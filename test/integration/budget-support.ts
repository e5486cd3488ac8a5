import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { expect, inject } from 'vitest';
import { newId } from '../../functions/shared/ids.js';
import { parseMoney } from '../../functions/shared/money.js';
import { call } from './support.js';

/**
 * Direct access to the integration cloud's DynamoDB Local, for what no route does yet.
 * Commitments are made by the approval workflow, not a route: tests drive the domain function
 * against the same tables the Lambdas use.
 */

export async function tableNamed(client: DynamoDBClient, prefix: string): Promise<string> {
  const { TableNames = [] } = await client.send(new ListTablesCommand({}));
  const name = TableNames.find((candidate) => candidate.startsWith(prefix));
  if (!name) throw new Error(`No table ${prefix}* in DynamoDB Local`);
  return name;
}

/**
 * Points this test process's AWS SDK (the domain's shared client, once imported) at the local
 * cloud's DynamoDB; a client for the test's own reads.
 */
export function useLocalDynamoDb(): DynamoDBClient {
  const endpoint = inject('dynamoDbEndpoint');
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  });
  return new DynamoDBClient({ endpoint });
}

/**
 * Points this test process's AWS SDK at the local cloud's DynamoDB, with the table names the
 * template gave the Lambdas, then imports the budgets domain modules (they read both at load).
 */
export async function localBudgetsDomain() {
  const client = useLocalDynamoDb();
  const [budgets, requests, audit] = await Promise.all([
    tableNamed(client, 'DataBudgets'),
    tableNamed(client, 'DataRequests'),
    tableNamed(client, 'DataAuditEvents'),
  ]);
  process.env.BUDGETS_TABLE_NAME = budgets;
  process.env.REQUESTS_TABLE_NAME = requests;
  const [commitments, store] = await Promise.all([
    import('../../functions/budgets/commitments.js'),
    import('../../functions/budgets/budget-store.js'),
  ]);
  return {
    ...commitments,
    ...store,
    tables: { budgets, requests, audit },
    db: DynamoDBDocumentClient.from(client),
  };
}

export const approver = { sub: 'head-of-ops', name: 'Head of Ops', email: 'head.ops@techops.example' };

/**
 * For the domain-level commitment tests only (commitments have no route: the workflow makes
 * them): stores a request that is already APPROVED, straight into the requests table, so that
 * dozens of commitments can race on one line without running dozens of workflows. Route-level
 * tests take their requests through the workflow instead (`approvedRequest` in support.ts).
 */
export async function insertApprovedRequest(
  domain: Awaited<ReturnType<typeof localBudgetsDomain>>,
  fields: {
    businessFunction: string;
    fiscalYear: string;
    amount: string;
    currency?: string;
    title?: string;
    preferredVendorId?: string;
    category?: string;
  },
) {
  const now = new Date().toISOString();
  const year = fields.fiscalYear.slice(2);
  const request = {
    id: newId('request'),
    title: fields.title ?? `Consultancy for ${fields.businessFunction}`,
    businessFunction: fields.businessFunction,
    category: fields.category ?? 'VALIDATION_CQV',
    description: 'Approved for a budget test.',
    justification: 'No internal capacity.',
    estimatedCost: parseMoney({ amount: fields.amount, currency: fields.currency ?? 'USD' }),
    startDate: `${year}-03-01`,
    endDate: `${year}-09-30`,
    urgency: 'NORMAL',
    ...(fields.preferredVendorId ? { preferredVendorId: fields.preferredVendorId } : {}),
    fiscalYear: fields.fiscalYear,
    status: 'APPROVED',
    requester: { sub: 'requester-1', name: 'Ria Requester', email: 'ria@techops.example' },
    createdAt: now,
    updatedAt: now,
    version: 3,
  };
  await domain.db.send(
    new PutCommand({
      TableName: domain.tables.requests,
      Item: { pk: `REQUEST#${request.id}`, sk: 'REQUEST', entity: 'REQUEST', ...request },
    }),
  );
  return request;
}

/** Exact cents of a decimal string with two decimals (negative too). */
const centsOf = (amount: string) => BigInt(amount.replace('.', ''));

/** Every ledger entry of a line, through GET /budgets/{fiscalYear}/{businessFunction}/ledger. */
export async function ledgerOfLine(
  token: string,
  fiscalYear: string,
  businessFunction: string,
): Promise<
  {
    kind: string;
    requestId?: string;
    transferId?: string;
    amount: { amount: string };
    effect: Record<string, { amount: string }>;
  }[]
> {
  const entries = [];
  let cursor: string | undefined;
  do {
    const page = await call(
      'GET',
      `/budgets/${fiscalYear}/${businessFunction}/ledger?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { token },
    );
    expect(page.status, page.text).toBe(200);
    entries.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return entries;
}

/** The invariant of every budget scenario: each line's totals are the sums of its ledger's effects. */
export async function expectLedgersMatchLines(
  token: string,
  fiscalYear: string,
  businessFunctions: string[],
) {
  const view = await call('GET', `/budgets/${fiscalYear}`, { token });
  expect(view.status, view.text).toBe(200);
  for (const businessFunction of businessFunctions) {
    const line = view.body.lines.find(
      (candidate: { businessFunction: string }) => candidate.businessFunction === businessFunction,
    );
    const entries = await ledgerOfLine(token, fiscalYear, businessFunction);
    for (const total of ['allocated', 'committed', 'actual', 'consumed'] as const) {
      const summed = entries.reduce((sum, entry) => sum + centsOf(entry.effect[total]?.amount ?? '0.00'), 0n);
      expect(summed, `${fiscalYear} ${businessFunction} ${total}`).toBe(
        centsOf(line?.[total].amount ?? '0.00'),
      );
    }
    if (line)
      expect(centsOf(line.available.amount), `${fiscalYear} ${businessFunction} available`).toBe(
        centsOf(line.allocated.amount) - centsOf(line.consumed.amount),
      );
  }
}
