import type { Node } from 'constructs';

/**
 * Deployment configuration, from CDK context (cdk.json, or `-c techops:jwtIssuer=...` on the
 * command line), so the same app serves Cognito, Entra ID or Okta.
 */
export interface AppConfig {
  jwtIssuer: string;
  jwtAudience: string[];
  claims: { groups: string; businessFunction: string; name: string; email: string };
  fiscalYearStartMonth: number;
  throttle: { rateLimit: number; burstLimit: number };
}

function contextString(node: Node, key: string): string {
  const value = node.tryGetContext(`techops:${key}`);
  if (typeof value !== 'string' || value.trim() === '') {
    throw new Error(`CDK context techops:${key} must be set (see cdk.json)`);
  }
  return value.trim();
}

function contextNumber(node: Node, key: string, min: number, max: number): number {
  const value = Number(node.tryGetContext(`techops:${key}`));
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`CDK context techops:${key} must be a whole number ${min}-${max}`);
  }
  return value;
}

export function appConfigFrom(node: Node): AppConfig {
  return {
    jwtIssuer: contextString(node, 'jwtIssuer'),
    jwtAudience: contextString(node, 'jwtAudience')
      .split(',')
      .map((audience) => audience.trim()),
    claims: {
      groups: contextString(node, 'groupsClaim'),
      businessFunction: contextString(node, 'businessFunctionClaim'),
      name: contextString(node, 'nameClaim'),
      email: contextString(node, 'emailClaim'),
    },
    fiscalYearStartMonth: contextNumber(node, 'fiscalYearStartMonth', 1, 12),
    throttle: {
      rateLimit: contextNumber(node, 'throttleRateLimit', 1, 10_000),
      burstLimit: contextNumber(node, 'throttleBurstLimit', 1, 5_000),
    },
  };
}
