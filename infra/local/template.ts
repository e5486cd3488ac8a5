import { BUNDLING_METADATA_KEY, ENTRY_METADATA_KEY } from '../constructs/handler-function.js';

/** The parts of a CloudFormation template the local cloud reads. */
export interface CfnTemplate {
  Resources: Record<
    string,
    { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> }
  >;
  Outputs?: Record<string, { Value: unknown; Description?: string }>;
}

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';

/** Local stand-ins for what CloudFormation would resolve in AWS. */
export function localArnOf(type: string, logicalId: string): string {
  switch (type) {
    case 'AWS::Lambda::Function':
      return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${logicalId}`;
    case 'AWS::DynamoDB::Table':
      return `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT}:table/${logicalId}`;
    case 'AWS::StepFunctions::StateMachine':
      return `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${logicalId}`;
    case 'AWS::SNS::Topic':
      return `arn:aws:sns:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${logicalId}`;
    default:
      return `arn:aws:local:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${logicalId}`;
  }
}

/** Resolves Ref, Fn::GetAtt, Fn::Join and pseudo parameters the way a deployment would, locally. */
export function resolve(template: CfnTemplate, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => resolve(template, item));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  const [intrinsic, argument] = entries[0] ?? [];
  if (entries.length === 1 && intrinsic === 'Ref') return refOf(template, String(argument));
  if (entries.length === 1 && intrinsic === 'Fn::GetAtt') {
    const [logicalId, attribute] = argument as [string, string];
    const resource = template.Resources[logicalId];
    if (!resource) throw new Error(`Fn::GetAtt of unknown resource ${logicalId}`);
    if (attribute === 'Arn') return localArnOf(resource.Type, logicalId);
    return logicalId;
  }
  if (entries.length === 1 && intrinsic === 'Fn::Join') {
    const [separator, parts] = argument as [string, unknown[]];
    return parts.map((part) => String(resolve(template, part))).join(separator);
  }
  return Object.fromEntries(entries.map(([key, inner]) => [key, resolve(template, inner)]));
}

function refOf(template: CfnTemplate, name: string): string {
  const pseudo: Record<string, string> = {
    'AWS::Region': LOCAL_REGION,
    'AWS::AccountId': LOCAL_ACCOUNT,
    'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::StackName': 'local',
  };
  if (pseudo[name]) return pseudo[name];
  const resource = template.Resources[name];
  if (!resource) throw new Error(`Ref to unknown resource ${name}`);
  // As in CloudFormation, a state machine's and a topic's Ref is its ARN.
  if (resource.Type === 'AWS::StepFunctions::StateMachine' || resource.Type === 'AWS::SNS::Topic') {
    return localArnOf(resource.Type, name);
  }
  // Physical names: locally a resource is named by its logical id (tables included).
  return name;
}

function resourcesOfType(template: CfnTemplate, type: string) {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

/** A Lambda of the template: what its handler module is, how it is bundled, how it runs. */
export interface TemplateFunction {
  logicalId: string;
  /** The handler module in the source tree, relative to the project root. */
  entry: string;
  /** NodejsFunction's bundling props, as the template's metadata records them. */
  bundling: Record<string, unknown>;
  runtime: string;
  handlerName: string;
  environment: Record<string, string>;
  timeoutSeconds: number;
  memorySize: number;
  description: string;
  /** How often a failed asynchronous invocation is tried again (its EventInvokeConfig; Lambda's default 2). */
  asyncRetryAttempts: number;
}

/** A Lambda ready to run locally: the template's function and its bundle. */
export interface LocalFunction extends TemplateFunction {
  /** The bundled module that exports the handler, as Lambda would load it. */
  bundlePath: string;
}

export function functionsOf(template: CfnTemplate): TemplateFunction[] {
  return resourcesOfType(template, 'AWS::Lambda::Function').map(([logicalId, resource]) => {
    const properties = resource.Properties ?? {};
    const entry = resource.Metadata?.[ENTRY_METADATA_KEY];
    const bundling = resource.Metadata?.[BUNDLING_METADATA_KEY];
    if (typeof entry !== 'string' || typeof bundling !== 'object' || bundling === null) {
      throw new Error(`Lambda ${logicalId} has no entry or bundling metadata in the template`);
    }
    const [, handlerName = 'handler'] = String(properties.Handler ?? 'index.handler').split('.');
    const invokeConfig = resourcesOfType(template, 'AWS::Lambda::EventInvokeConfig').find(
      ([, config]) => (config.Properties?.FunctionName as { Ref?: string } | undefined)?.Ref === logicalId,
    )?.[1];
    const environment = resolve(
      template,
      (properties.Environment as { Variables?: unknown })?.Variables ?? {},
    );
    return {
      logicalId,
      entry,
      bundling: bundling as Record<string, unknown>,
      runtime: String(properties.Runtime ?? 'nodejs22.x'),
      handlerName,
      environment: environment as Record<string, string>,
      timeoutSeconds: Number(properties.Timeout ?? 3),
      memorySize: Number(properties.MemorySize ?? 128),
      description: String(properties.Description ?? ''),
      asyncRetryAttempts: Number(invokeConfig?.Properties?.MaximumRetryAttempts ?? 2),
    };
  });
}

export interface LocalRoute {
  routeKey: string;
  method: string;
  path: string;
  functionLogicalId: string;
  jwt?: { issuer: string; audience: string[] };
}

export function routesOf(template: CfnTemplate): LocalRoute[] {
  return resourcesOfType(template, 'AWS::ApiGatewayV2::Route').map(([logicalId, resource]) => {
    const properties = resource.Properties ?? {};
    const routeKey = String(properties.RouteKey);
    const [method = '', routePath = ''] = routeKey.split(' ');
    const integrationId = String(resolve(template, properties.Target)).replace(/^integrations\//, '');
    const integration = template.Resources[integrationId];
    const functionArn = String(resolve(template, integration?.Properties?.IntegrationUri));
    const functionLogicalId = functionArn.split(':').pop() ?? '';
    if (!template.Resources[functionLogicalId]) {
      throw new Error(`Route ${logicalId} (${routeKey}) does not integrate a Lambda of this template`);
    }
    const route: LocalRoute = { routeKey, method, path: routePath, functionLogicalId };
    if (properties.AuthorizationType === 'JWT') {
      const authorizerId = String(resolve(template, properties.AuthorizerId));
      const jwtConfiguration = template.Resources[authorizerId]?.Properties?.JwtConfiguration as {
        Issuer: unknown;
        Audience: unknown[];
      };
      route.jwt = {
        issuer: String(resolve(template, jwtConfiguration.Issuer)),
        audience: jwtConfiguration.Audience.map((audience) => String(resolve(template, audience))),
      };
    }
    return route;
  });
}

export interface LocalTable {
  tableName: string;
  properties: Record<string, unknown>;
}

export function tablesOf(template: CfnTemplate): LocalTable[] {
  return resourcesOfType(template, 'AWS::DynamoDB::Table').map(([logicalId, resource]) => ({
    tableName: logicalId,
    properties: resolve(template, resource.Properties ?? {}) as Record<string, unknown>,
  }));
}

export interface LocalStateMachine {
  name: string;
  arn: string;
  /** The ASL exactly as synthesized, with the template's references resolved to local ARNs. */
  definition: {
    StartAt: string;
    TimeoutSeconds?: number;
    States: Record<string, Record<string, unknown> & { Type: string }>;
  };
}

export function stateMachinesOf(template: CfnTemplate): LocalStateMachine[] {
  return resourcesOfType(template, 'AWS::StepFunctions::StateMachine').map(([logicalId, resource]) => {
    const definitionString = resolve(template, resource.Properties?.DefinitionString);
    if (typeof definitionString !== 'string') {
      throw new Error(`State machine ${logicalId} has no DefinitionString in the template`);
    }
    return {
      name: logicalId,
      arn: localArnOf(resource.Type, logicalId),
      definition: JSON.parse(definitionString),
    };
  });
}

export interface LocalSchedule {
  name: string;
  /** `rate(5 minutes)` or `cron(...)`, as EventBridge reads it. */
  expression: string;
  functionLogicalIds: string[];
}

/**
 * The template's schedules and the Lambdas they invoke: EventBridge rules with a schedule
 * expression, and EventBridge Scheduler schedules.
 */
export function schedulesOf(template: CfnTemplate): LocalSchedule[] {
  const lambdasOf = (arns: unknown[]) =>
    arns
      .map((arn) => String(resolve(template, arn)))
      .filter((arn) => arn.startsWith('arn:aws:lambda:'))
      .map((arn) => arn.split(':').pop() ?? '');
  const rules = resourcesOfType(template, 'AWS::Events::Rule')
    .filter(([, resource]) => typeof resource.Properties?.ScheduleExpression === 'string')
    .map(([logicalId, resource]) => ({
      name: logicalId,
      expression: String(resource.Properties?.ScheduleExpression),
      functionLogicalIds: lambdasOf(
        ((resource.Properties?.Targets ?? []) as { Arn: unknown }[]).map((target) => target.Arn),
      ),
    }));
  const schedules = resourcesOfType(template, 'AWS::Scheduler::Schedule').map(([logicalId, resource]) => ({
    name: logicalId,
    expression: String(resource.Properties?.ScheduleExpression),
    functionLogicalIds: lambdasOf([(resource.Properties?.Target as { Arn?: unknown } | undefined)?.Arn]),
  }));
  return [...rules, ...schedules];
}

const RATE_UNITS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** The period of a `rate(...)` expression in milliseconds; undefined for cron expressions. */
export function rateMillisOf(expression: string): number | undefined {
  const match = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expression);
  return match ? Number(match[1]) * (RATE_UNITS[match[2] as string] as number) : undefined;
}

export interface LocalStackOutput {
  OutputKey: string;
  OutputValue: string;
  Description?: string;
}

/**
 * The template's outputs as a deployment would resolve them, to the local cloud's names: the
 * API's endpoint is the local gateway's URL.
 */
export function stackOutputsOf(template: CfnTemplate, local: { apiUrl: string }): LocalStackOutput[] {
  return Object.entries(template.Outputs ?? {}).map(([key, output]) => {
    const [intrinsic, argument] = Object.entries(output.Value as object)[0] ?? [];
    const isApiEndpoint =
      intrinsic === 'Fn::GetAtt' &&
      template.Resources[(argument as string[])[0] as string]?.Type === 'AWS::ApiGatewayV2::Api' &&
      (argument as string[])[1] === 'ApiEndpoint';
    return {
      OutputKey: key,
      OutputValue: isApiEndpoint ? local.apiUrl : String(resolve(template, output.Value)),
      ...(output.Description ? { Description: output.Description } : {}),
    };
  });
}
