import { Duration, Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CfnRoute,
  HttpApi,
  HttpAuthorizer,
  HttpAuthorizerType,
  HttpIntegration,
  HttpIntegrationType,
  HttpStage,
  LogGroupLogDestination,
  PayloadFormatVersion,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import type { RouteDefinition } from '../../functions/platform/route.js';
import type { AppConfig } from '../config.js';
import { DeploymentPolicy } from './deployment-policy.js';
import { HandlerFunction } from './handler-function.js';

/**
 * The HTTP API: a JWT authorizer on every route but health, explicit stage throttling, and
 * access logs that record the route key (never the raw path, which carries ids and tokens).
 */
export class ConsultancyHttpApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly authorizer: HttpAuthorizer;

  constructor(
    scope: Construct,
    id: string,
    private readonly config: AppConfig,
  ) {
    super(scope, id);
    this.api = new HttpApi(this, 'HttpApi', {
      apiName: 'techops-consultancy',
      description: 'TechOps consultancy budget and vendor management',
      createDefaultStage: false,
    });
    this.authorizer = new HttpAuthorizer(this.api, 'JwtAuthorizer', {
      httpApi: this.api,
      type: HttpAuthorizerType.JWT,
      authorizerName: 'JwtAuthorizer',
      identitySource: ['$request.header.Authorization'],
      jwtIssuer: config.jwtIssuer,
      jwtAudience: config.jwtAudience,
    });
    const accessLogs = DeploymentPolicy.of(this).logGroup(this, 'AccessLogs', RetentionDays.ONE_YEAR);
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: config.throttle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            sourceIp: '$context.identity.sourceIp',
            responseLength: '$context.responseLength',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
          }),
        ),
      },
    });
  }

  /**
   * Makes a route's Lambda (its own role) and wires it to the API; returns it for grants. The
   * Lambda, its integration and API Gateway's permission to invoke it are made in `scope` (the
   * capability's nested stack); the route itself stays under the API, in the parent stack, with
   * the id it always had: API Gateway refuses a second route with the same key, so a route
   * moved to another stack (created before the old one is deleted) could never be deployed.
   */
  addRoute(scope: Construct, route: RouteDefinition): HandlerFunction {
    const handler = new HandlerFunction(scope, route.operationId, {
      entry: route.entry,
      description: `${route.method} ${route.path}: ${route.summary}`,
      ...(route.lambda
        ? { memorySize: route.lambda.memorySize, timeout: Duration.seconds(route.lambda.timeoutSeconds) }
        : {}),
      environment: {
        AUTH_GROUPS_CLAIM: this.config.claims.groups,
        AUTH_BUSINESS_FUNCTION_CLAIM: this.config.claims.businessFunction,
        AUTH_NAME_CLAIM: this.config.claims.name,
        AUTH_EMAIL_CLAIM: this.config.claims.email,
      },
    });
    const integration = new HttpIntegration(scope, `${route.operationId}Integration`, {
      httpApi: this.api,
      integrationType: HttpIntegrationType.AWS_PROXY,
      integrationUri: handler.functionArn,
      payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
    });
    handler.addPermission(`${route.operationId}Integration-Permission`, {
      principal: new ServicePrincipal('apigateway.amazonaws.com'),
      sourceArn: Stack.of(scope).formatArn({
        service: 'execute-api',
        resource: this.api.apiId,
        resourceName: `*/*${route.path}`,
      }),
    });
    // The path HttpApi.addRoutes gave it: `<method><path>/Resource` under the API.
    const httpRoute = new CfnRoute(new Construct(this.api, `${route.method}${route.path}`), 'Resource', {
      apiId: this.api.apiId,
      routeKey: `${route.method} ${route.path}`,
      target: `integrations/${integration.integrationId}`,
      ...(route.public
        ? { authorizationType: 'NONE' }
        : { authorizationType: 'JWT', authorizerId: this.authorizer.authorizerId }),
    });
    if (route.public) {
      NagSuppressions.addResourceSuppressions(httpRoute, [
        {
          id: 'AwsSolutions-APIG4',
          reason: `${route.method} ${route.path} is public by design: ${route.public}`,
        },
      ]);
    }
    return handler;
  }
}
