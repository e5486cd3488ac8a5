import { Duration } from 'aws-cdk-lib';
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
  /** The verified SES address emails are sent from. */
  emailSender: string;
  /** Where approvers' links point: the API's public URL (a custom domain in AWS). */
  publicBaseUrl: string;
  /** How long an approver has to decide before the request expires. */
  approvalTimeout: Duration;
  /** How long a request may sit in SUBMITTED (or its execution run without asking) before the sweeper steps in. */
  strandedApprovalAfter: Duration;
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

function contextEmail(node: Node, key: string): string {
  const value = contextString(node, key);
  if (!/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(value)) {
    throw new Error(`CDK context techops:${key} must be an email address such as noreply@example.com`);
  }
  return value;
}

function contextUrl(node: Node, key: string): string {
  const value = contextString(node, key).replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s/]+(\/\S*)?$/.test(value)) {
    throw new Error(
      `CDK context techops:${key} must be an http(s) URL such as https://consultancy.example.com`,
    );
  }
  return value;
}

/** Step Functions task timeouts are whole seconds; at most a year keeps timers sane. */
function contextDuration(node: Node, key: string): Duration {
  const value = contextString(node, key);
  let duration: Duration;
  try {
    duration = Duration.parse(value);
  } catch {
    throw new Error(`CDK context techops:${key} must be an ISO 8601 duration such as P7D or PT30S`);
  }
  const seconds = duration.toSeconds({ integral: false });
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 365 * 24 * 3600) {
    throw new Error(`CDK context techops:${key} must be whole seconds between PT1S and P365D`);
  }
  return duration;
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
    emailSender: contextEmail(node, 'emailSender'),
    publicBaseUrl: contextUrl(node, 'publicBaseUrl'),
    approvalTimeout: contextDuration(node, 'approvalTimeout'),
    strandedApprovalAfter: contextDuration(node, 'strandedApprovalAfter'),
  };
}
