import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Aspects } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRoutes } from '../../functions/platform/api.js';
import type { RouteDefinition } from '../../functions/platform/route.js';
import { buildApp } from '../../infra/build-app.js';
import { APPROVAL_FOLLOW_UP_ENTRY } from '../../infra/constructs/approval-follow-up-job.js';
import { CONTRACT_DIGEST_ENTRY } from '../../infra/constructs/contract-digest-job.js';
import { DAILY_EXPORT_ENTRY, EXPORT_JOB_ENTRY } from '../../infra/constructs/exports-job.js';
import { ENTRY_METADATA_KEY, PROJECT_ROOT } from '../../infra/constructs/handler-function.js';
import { PORTFOLIO_DIGEST_ENTRY } from '../../infra/constructs/reports-api.js';
import { flattenedTemplateOf } from '../../infra/local/nested-stacks.js';
import { APPROVAL_TASK_ENTRIES } from '../../workflows/approval-workflow.js';
import { actionsOf, statementsIn } from './synthesized.js';

const taskEntries = Object.values(APPROVAL_TASK_ENTRIES);
const routeEntries = allRoutes.map((route) => route.entry);

/** Synthesized CloudFormation is untyped JSON. */
// biome-ignore lint/suspicious/noExplicitAny: the template's shape is what these tests assert.
type Json = any;
type Resource = Record<string, Json>;

/** The context `cdk synth` would read from cdk.json; App() on its own does not read that file. */
const cdkContext: Record<string, unknown> = JSON.parse(
  readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8'),
).context;

const WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

const outdirs: string[] = [];

/**
 * Synthesizes the app as `cdk synth` would, minus esbuild bundling (skipped for every stack);
 * the template is the flattened one (nested stacks merged in), as in ./synthesized.ts.
 */
function synthesize(overrides: Record<string, unknown> = {}) {
  const outdir = mkdtempSync(path.join(tmpdir(), 'techops-cdk-test-'));
  outdirs.push(outdir);
  const { app, stack } = buildApp({
    outdir,
    context: { ...cdkContext, 'aws:cdk:bundling-stacks': [], ...overrides },
  });
  const template = Template.fromJSON(flattenedTemplateOf(app.synth(), stack.stackName));
  return { app, stack, template, outdir };
}

let built: ReturnType<typeof synthesize>;
let template: Template;

beforeAll(() => {
  built = synthesize();
  template = built.template;
});

afterAll(() => {
  for (const outdir of outdirs) rmSync(outdir, { recursive: true, force: true });
});

function resourcesOf(type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}

function functionOf(route: RouteDefinition): [string, Resource] {
  const matches = Object.entries(resourcesOf('AWS::Lambda::Function')).filter(
    ([, fn]) => fn.Metadata?.[ENTRY_METADATA_KEY] === route.entry,
  );
  expect(matches, `one Lambda for ${route.operationId}`).toHaveLength(1);
  return matches[0]!;
}

/** The functions behind API routes (the workflow's task functions read no claims). */
function routeFunctions(of: Template): Resource[] {
  return Object.values(of.findResources('AWS::Lambda::Function') as Record<string, Resource>).filter((fn) =>
    routeEntries.includes(fn.Metadata?.[ENTRY_METADATA_KEY]),
  );
}

function routeNamed(operationId: string): RouteDefinition {
  const route = allRoutes.find((candidate) => candidate.operationId === operationId);
  if (!route) throw new Error(`No route ${operationId}`);
  return route;
}

/** The IAM statements attached to a function's execution role. */
const statementsOf = (fn: Resource) => statementsIn(resourcesOf('AWS::IAM::Policy'), fn);

/** Lambdas that are not behind a route: scheduled jobs. */
const JOB_ENTRIES = [
  CONTRACT_DIGEST_ENTRY,
  EXPORT_JOB_ENTRY,
  DAILY_EXPORT_ENTRY,
  APPROVAL_FOLLOW_UP_ENTRY,
  PORTFOLIO_DIGEST_ENTRY,
];

describe('the synthesized test app', () => {
  it('really skips esbuild bundling with an empty aws:cdk:bundling-stacks', () => {
    expect(built.stack.bundlingRequired).toBe(false);
  });
});

describe('DynamoDB tables', () => {
  const stateTables = ['Requests', 'ReferenceData', 'AuditEvents', 'Budgets', 'Approvals', 'Vendors'];

  it('has the state tables, and the Exports table (test/infra/exports.test.ts)', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', stateTables.length + 1);
  });

  it.each(stateTables)(
    'keeps the %s table keyed on pk/sk strings, on demand, backed up and encrypted',
    (name) => {
      const [table] = Object.entries(resourcesOf('AWS::DynamoDB::Table')).filter(([id]) =>
        id.startsWith(`Data${name}`),
      );

      expect(table).toBeDefined();
      const [, resource] = table!;
      expect(resource.Properties).toEqual(
        expect.objectContaining({
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          BillingMode: 'PAY_PER_REQUEST',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          SSESpecification: { SSEEnabled: true },
        }),
      );
      expect(resource.Properties.AttributeDefinitions).toEqual(
        expect.arrayContaining([
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ]),
      );
    },
  );

  it('indexes requests by business function, status, fiscal year, entity and (sparse) undecided business function, newest id first', () => {
    const [, submit] = functionOf(routeNamed('submitRequest'));
    const requestsTableId = submit.Properties.Environment.Variables.REQUESTS_TABLE_NAME.Ref as string;
    const requests = resourcesOf('AWS::DynamoDB::Table')[requestsTableId];
    const indexes = [
      ['byBusinessFunction', 'businessFunction'],
      ['byStatus', 'status'],
      ['byFiscalYear', 'fiscalYear'],
      ['byEntity', 'entity'],
      ['undecidedByBusinessFunction', 'undecidedIn'],
    ];

    expect(requests?.Properties.GlobalSecondaryIndexes).toEqual(
      indexes.map(([indexName, attribute]) => ({
        IndexName: indexName,
        KeySchema: [
          { AttributeName: attribute, KeyType: 'HASH' },
          { AttributeName: 'id', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    );
    expect(requests?.Properties.AttributeDefinitions).toEqual(
      expect.arrayContaining(
        ['businessFunction', 'status', 'fiscalYear', 'entity', 'id'].map((name) => ({
          AttributeName: name,
          AttributeType: 'S',
        })),
      ),
    );
  });

  it('expires idempotency records of the requests table by TTL on expiresAt', () => {
    const [, submit] = functionOf(routeNamed('submitRequest'));
    const requestsTableId = submit.Properties.Environment.Variables.REQUESTS_TABLE_NAME.Ref as string;

    const requests = resourcesOf('AWS::DynamoDB::Table')[requestsTableId];

    expect(requests?.Properties.TimeToLiveSpecification).toEqual({
      AttributeName: 'expiresAt',
      Enabled: true,
    });
  });
});

describe('Lambda functions', () => {
  it('runs every function on nodejs22.x, arm64', () => {
    const functions = Object.entries(resourcesOf('AWS::Lambda::Function'));

    expect(functions.length).toBeGreaterThan(0);
    for (const [id, fn] of functions) {
      expect(fn.Properties.Runtime, id).toBe('nodejs22.x');
      expect(fn.Properties.Architectures, id).toEqual(['arm64']);
    }
  });

  it('names an existing handler module in each function’s techops:entry metadata', () => {
    const entries = Object.values(resourcesOf('AWS::Lambda::Function')).map(
      (fn) => fn.Metadata?.[ENTRY_METADATA_KEY] as string | undefined,
    );

    expect(entries.every((entry) => typeof entry === 'string')).toBe(true);
    expect(entries.filter((entry) => !existsSync(path.join(PROJECT_ROOT, entry!)))).toEqual([]);
    expect(entries.sort()).toEqual([...routeEntries, ...taskEntries, ...JOB_ENTRIES].sort());
  });

  it('has one function per route, per workflow task and per scheduled job, each with its own role', () => {
    const functions = Object.values(resourcesOf('AWS::Lambda::Function'));
    const roles = new Set(functions.map((fn) => JSON.stringify(fn.Properties.Role)));

    expect(functions).toHaveLength(allRoutes.length + taskEntries.length + JOB_ENTRIES.length);
    template.resourceCountIs('AWS::ApiGatewayV2::Route', allRoutes.length);
    expect(roles.size).toBe(functions.length);
  });

  it('tells every route function the claim names from context', () => {
    for (const fn of routeFunctions(template)) {
      expect(fn.Properties.Environment.Variables).toEqual(
        expect.objectContaining({
          AUTH_GROUPS_CLAIM: cdkContext['techops:groupsClaim'],
          AUTH_BUSINESS_FUNCTION_CLAIM: cdkContext['techops:businessFunctionClaim'],
          AUTH_NAME_CLAIM: cdkContext['techops:nameClaim'],
          AUTH_EMAIL_CLAIM: cdkContext['techops:emailClaim'],
        }),
      );
    }
  });

  it('tells the functions that derive a fiscal year (submit and edit), and only them, the fiscal year start month from context', () => {
    const requestRoutes = allRoutes.filter((route) => route.entry.startsWith('functions/requests/'));

    const startMonths = Object.fromEntries(
      requestRoutes.map((route) => [
        route.operationId,
        functionOf(route)[1].Properties.Environment.Variables.FISCAL_YEAR_START_MONTH,
      ]),
    );

    expect(requestRoutes.length).toBeGreaterThan(1);
    for (const [operationId, startMonth] of Object.entries(startMonths)) {
      expect(startMonth).toBe(
        ['submitRequest', 'editRequest'].includes(operationId)
          ? String(cdkContext['techops:fiscalYearStartMonth'])
          : undefined,
      );
    }
  });

  it('points every *_TABLE_NAME variable at a table of the stack', () => {
    const tableIds = Object.keys(resourcesOf('AWS::DynamoDB::Table'));
    const references = Object.values(resourcesOf('AWS::Lambda::Function')).flatMap((fn) =>
      Object.entries(fn.Properties.Environment.Variables as Record<string, unknown>).filter(([name]) =>
        name.endsWith('_TABLE_NAME'),
      ),
    );

    expect(references.length).toBeGreaterThan(0);
    for (const [name, value] of references) {
      expect(tableIds, name).toContain((value as { Ref: string }).Ref);
    }
  });
});

describe('HTTP API routes and authorizer', () => {
  it('has a route for every entry of the route catalogue', () => {
    const routeKeys = Object.values(resourcesOf('AWS::ApiGatewayV2::Route')).map(
      (r) => r.Properties.RouteKey,
    );

    expect(routeKeys.sort()).toEqual(allRoutes.map((route) => `${route.method} ${route.path}`).sort());
  });

  it('names path variables alike at the same level, as API Gateway requires of sibling routes', () => {
    const variableAt = new Map<string, string>();
    const conflicts: string[] = [];

    for (const route of allRoutes) {
      const segments = route.path.split('/');
      segments.forEach((segment, level) => {
        const variable = /^\{(.+)\}$/.exec(segment)?.[1];
        if (!variable) return;
        const parent = segments.slice(0, level).join('/');
        const known = variableAt.get(parent);
        if (known !== undefined && known !== variable)
          conflicts.push(`${route.path}: {${variable}} vs {${known}}`);
        variableAt.set(parent, variable);
      });
    }

    expect(conflicts).toEqual([]);
  });

  it("puts every route behind the JWT authorizer but health and the emailed link's pages", () => {
    const [authorizerId] = Object.keys(resourcesOf('AWS::ApiGatewayV2::Authorizer'));
    const routes = Object.values(resourcesOf('AWS::ApiGatewayV2::Route'));
    const publicKeys = allRoutes
      .filter((route) => route.public)
      .map((route) => `${route.method} ${route.path}`);

    expect(publicKeys.sort()).toEqual([
      'GET /approvals/{approval}',
      'GET /health',
      'POST /approvals/{approval}',
    ]);
    for (const { Properties: route } of routes) {
      if (publicKeys.includes(route.RouteKey)) {
        expect(route.AuthorizationType).toBe('NONE');
        expect(route.AuthorizerId).toBeUndefined();
      } else {
        expect(route.AuthorizationType, route.RouteKey).toBe('JWT');
        expect(route.AuthorizerId, route.RouteKey).toEqual({ Ref: authorizerId });
      }
    }
  });

  it('validates JWTs against the issuer and audience from context', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Issuer: cdkContext['techops:jwtIssuer'],
        Audience: [cdkContext['techops:jwtAudience']],
      },
    });
  });

  it('takes issuer, audiences and claim names from overridden context', () => {
    const other = synthesize({
      'techops:jwtIssuer': 'https://login.example.com/tenant-1/v2.0',
      'techops:jwtAudience': 'api://techops, techops-cli',
      'techops:groupsClaim': 'roles',
    });

    other.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      JwtConfiguration: {
        Issuer: 'https://login.example.com/tenant-1/v2.0',
        Audience: ['api://techops', 'techops-cli'],
      },
    });
    const functions = routeFunctions(other.template);
    expect(functions.length).toBeGreaterThan(0);
    for (const fn of functions) {
      expect(fn.Properties.Environment.Variables.AUTH_GROUPS_CLAIM).toBe('roles');
    }
  });
});

describe('the $default stage', () => {
  it('throttles every route by the rate and burst from context', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingRateLimit: cdkContext['techops:throttleRateLimit'],
        ThrottlingBurstLimit: cdkContext['techops:throttleBurstLimit'],
      },
    });
    expect([cdkContext['techops:throttleRateLimit'], cdkContext['techops:throttleBurstLimit']]).toEqual([
      50, 100,
    ]);
  });

  it('writes access logs that record the route key, never the raw path', () => {
    const [stage] = Object.values(resourcesOf('AWS::ApiGatewayV2::Stage'));
    const settings = stage!.Properties.AccessLogSettings;

    expect(settings.DestinationArn).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^ApiAccessLogs/), 'Arn'],
    });
    expect(settings.Format).toContain('$context.routeKey');
    expect(settings.Format).toContain('$context.requestId');
    expect(settings.Format).not.toContain('$context.path');
    expect(JSON.parse(settings.Format)).toEqual(expect.objectContaining({ routeKey: '$context.routeKey' }));
  });
});

describe('least privilege', () => {
  it.each(allRoutes.filter((route) => route.method === 'GET').map((route) => [route.operationId]))(
    'gives the %s function no write action on any table',
    (operationId) => {
      const [, fn] = functionOf(routeNamed(operationId));

      const actions = statementsOf(fn).flatMap(actionsOf);

      expect(actions.filter((action) => WRITE_ACTIONS.includes(action))).toEqual([]);
    },
  );

  it('lets no function Scan or delete: lists are Queries and changes are conditional writes', () => {
    const functions = Object.values(resourcesOf('AWS::Lambda::Function'));

    const actions = functions.flatMap((fn) => statementsOf(fn).flatMap(actionsOf));

    expect(actions.length).toBeGreaterThan(0);
    expect(actions).not.toContain('dynamodb:Scan');
    expect(actions).not.toContain('dynamodb:DeleteItem');
  });

  it('lets functions update items of the budgets table (running totals move with ADD) and the exports table (job status) only', () => {
    const functions = Object.values(resourcesOf('AWS::Lambda::Function'));

    const updating = functions.flatMap((fn) =>
      statementsOf(fn).filter((statement) => actionsOf(statement).includes('dynamodb:UpdateItem')),
    );

    expect(updating.length).toBeGreaterThan(0);
    for (const statement of updating) {
      expect(JSON.stringify(statement.Resource)).toMatch(/"(DataBudgets|ExportsJobsTable)[0-9A-F]+"/);
    }
  });

  it('gives the getRequest function read access to the requests table only', () => {
    const [, fn] = functionOf(routeNamed('getRequest'));
    const requestsTable = fn.Properties.Environment.Variables.REQUESTS_TABLE_NAME.Ref as string;

    const statements = statementsOf(fn);

    expect(statements.length).toBeGreaterThan(0);
    expect(actionsOf(statements[0]!)).toContain('dynamodb:GetItem');
    for (const statement of statements) {
      expect(JSON.stringify(statement.Resource)).toContain(`"${requestsTable}"`);
    }
  });

  it.each([['submitRequest'], ['withdrawRequest']])(
    'lets the %s function only append to the audit table',
    (operationId) => {
      const [, fn] = functionOf(routeNamed(operationId));
      const auditTable = fn.Properties.Environment.Variables.AUDIT_TABLE_NAME.Ref as string;

      const auditStatements = statementsOf(fn).filter((statement) =>
        JSON.stringify(statement.Resource).includes(`"${auditTable}"`),
      );

      expect(auditStatements).toHaveLength(1);
      expect(actionsOf(auditStatements[0]!)).toEqual(['dynamodb:PutItem']);
      expect(auditStatements[0]!.Resource).toEqual({ 'Fn::GetAtt': [auditTable, 'Arn'] });
    },
  );

  it('lets the listBusinessFunctions function read nothing but the reference data table', () => {
    const [, fn] = functionOf(routeNamed('listBusinessFunctions'));
    const referenceTable = fn.Properties.Environment.Variables.REFERENCE_TABLE_NAME.Ref as string;

    const resources = statementsOf(fn).map((statement) => statement.Resource);

    expect(resources).toEqual([{ 'Fn::GetAtt': [referenceTable, 'Arn'] }]);
  });

  it('lets only the approval policy, approver group, internal capability and holiday calendar writers put reference data, with Puts alone', () => {
    const referenceTable = Object.keys(resourcesOf('AWS::DynamoDB::Table')).find((id) =>
      id.startsWith('DataReferenceData'),
    )!;
    const actionsOnReferenceData = (fn: Json) =>
      statementsOf(fn)
        .filter((statement) => JSON.stringify(statement.Resource).includes(`"${referenceTable}"`))
        .flatMap(actionsOf)
        .sort();

    const writers = allRoutes.filter((route) =>
      actionsOnReferenceData(functionOf(route)[1]).includes('dynamodb:PutItem'),
    );

    expect(writers.map((route) => route.operationId).sort()).toEqual([
      'publishApprovalPolicy',
      'putApproverGroup',
      'putHolidayCalendar',
      'putInternalCapability',
    ]);
    for (const route of writers) {
      expect(actionsOnReferenceData(functionOf(route)[1])).toEqual([
        'dynamodb:BatchGetItem',
        'dynamodb:DescribeTable',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
      ]);
    }
  });

  it('gives the platform functions no table access at all', () => {
    for (const operationId of ['getHealth', 'getOpenApiDocument']) {
      const [, fn] = functionOf(routeNamed(operationId));

      expect(statementsOf(fn), operationId).toEqual([]);
    }
  });
});

describe('cdk-nag AwsSolutions checks', () => {
  it('runs the AwsSolutions pack on the app', () => {
    const packs = Aspects.of(built.app).all.filter((aspect) => aspect instanceof AwsSolutionsChecks);

    expect(packs).toHaveLength(1);
  });

  it('reports no AwsSolutions errors', () => {
    const errors = Annotations.fromStack(built.stack).findError(
      '*',
      Match.stringLikeRegexp('AwsSolutions-.*'),
    );

    expect(errors.map((error) => `${error.id}: ${error.entry.data}`)).toEqual([]);
  });

  it('reports no AwsSolutions warnings', () => {
    const warnings = Annotations.fromStack(built.stack).findWarning(
      '*',
      Match.stringLikeRegexp('AwsSolutions-.*'),
    );

    expect(warnings.map((warning) => `${warning.id}: ${warning.entry.data}`)).toEqual([]);
  });

  it('leaves no rule non-compliant in the nag report', () => {
    const report = readdirSync(built.outdir).find((file) => /^AwsSolutions-.*NagReport\.csv$/.test(file));
    expect(report).toBeDefined();
    const rows = readFileSync(path.join(built.outdir, report!), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => (line.match(/"(?:[^"]|"")*"/g) ?? []).map((cell) => cell.slice(1, -1)));

    const nonCompliant = rows.filter(
      ([, , compliance]) => compliance !== 'Compliant' && compliance !== 'Suppressed',
    );

    expect(rows.length).toBeGreaterThan(0);
    expect(nonCompliant).toEqual([]);
  });

  it('gives every suppression in the template a reason', () => {
    const resources = Object.entries(template.toJSON().Resources as Record<string, Resource>);
    const suppressions = resources.flatMap(([id, resource]) =>
      ((resource.Metadata?.cdk_nag?.rules_to_suppress ?? []) as { id: string; reason?: string }[]).map(
        (rule) => ({ resource: id, rule: rule.id, reason: rule.reason }),
      ),
    );

    expect(suppressions.length).toBeGreaterThan(0);
    expect(
      suppressions.filter(({ reason }) => typeof reason !== 'string' || reason.trim().length < 10),
    ).toEqual([]);
  });
});
