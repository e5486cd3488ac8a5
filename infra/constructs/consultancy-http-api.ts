import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
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

  constructor(
    scope: Construct,
    id: string,
    private readonly config: AppConfig,
  ) {
    super(scope, id);
    const authorizer = new HttpJwtAuthorizer('JwtAuthorizer', config.jwtIssuer, {
      jwtAudience: config.jwtAudience,
      identitySource: ['$request.header.Authorization'],
    });
    this.api = new HttpApi(this, 'HttpApi', {
      apiName: 'techops-consultancy',
      description: 'TechOps consultancy budget and vendor management',
      defaultAuthorizer: authorizer,
      createDefaultStage: false,
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
   * route, its integration and its invoke permission are made in `scope` (the capability's
   * nested stack), not under the API: only the API, its stage and its authorizer are the parent's.
   */
  addRoute(scope: Construct, route: RouteDefinition): HandlerFunction {
    const handler = new HandlerFunction(scope, route.operationId, {
      entry: route.entry,
      description: `${route.method} ${route.path}: ${route.summary}`,
      environment: {
        AUTH_GROUPS_CLAIM: this.config.claims.groups,
        AUTH_BUSINESS_FUNCTION_CLAIM: this.config.claims.businessFunction,
        AUTH_NAME_CLAIM: this.config.claims.name,
        AUTH_EMAIL_CLAIM: this.config.claims.email,
      },
    });
    // Without an authorizer of its own a route takes the API's default, the JWT authorizer.
    const httpRoute = new HttpRoute(scope, `${route.operationId}Route`, {
      httpApi: this.api,
      routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]),
      integration: new HttpLambdaIntegration(`${route.operationId}Integration`, handler),
      ...(route.public ? { authorizer: new HttpNoneAuthorizer() } : {}),
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
