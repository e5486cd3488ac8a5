import { Duration } from 'aws-cdk-lib';
import type { Node } from 'constructs';

/**
 * Deployment configuration, from CDK context (cdk.json, or `-c techops:jwtIssuer=...` on the
 * command line), so the same app serves Cognito, Entra ID or Okta.
 */
export interface AppConfig {
  /** `techops:environment`: `dev` may destroy its data; any other environment retains it. */
  environment: string;
  /** `techops:customerManagedKey`: one customer-managed KMS key for tables, log groups, the bucket and the ops topic. */
  customerManagedKey: boolean;
  /** `techops:opsEmail`: who the ops topic emails its alarms to (none when unset). */
  opsEmail?: string;
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
  /** `techops:triagers`: who triages requests (the head of strategy & business operations and their team). */
  triagers: { name: string; email: string }[];
  /** `techops:portfolioDigestRecipients`: who gets the weekly portfolio digest (headline figures and the page's link). */
  portfolioDigestRecipients: { name: string; email: string }[];
  /** How long the triagers have to decide before the request expires. */
  triageTimeout: Duration;
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

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

function contextEmail(node: Node, key: string): string {
  const value = contextString(node, key);
  if (!EMAIL.test(value)) {
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

/**
 * A list of people, {name, email} each (`techops:triagers`, `techops:portfolioDigestRecipients`),
 * in cdk.json as JSON or on the command line as its JSON text (`-c 'techops:triagers=[{"name":...,"email":...}]'`).
 */
function contextPeople(node: Node, key: string, who: string): { name: string; email: string }[] {
  let value: unknown = node.tryGetContext(`techops:${key}`);
  const problem = new Error(
    `CDK context techops:${key} must be a non-empty list of {"name", "email"} (${who})`,
  );
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw problem;
    }
  }
  if (!Array.isArray(value) || value.length === 0) throw problem;
  return value.map((entry: unknown) => {
    const { name, email } = (entry ?? {}) as { name?: unknown; email?: unknown };
    if (typeof name !== 'string' || name.trim() === '' || typeof email !== 'string' || !EMAIL.test(email))
      throw problem;
    return { name: name.trim(), email };
  });
}

/** `techops:environment` names an environment: lower-case letters, digits and dashes. */
function contextEnvironment(node: Node): string {
  const value = contextString(node, 'environment');
  if (!/^[a-z][a-z0-9-]{1,19}$/.test(value)) {
    throw new Error('CDK context techops:environment must be a name such as dev or prod');
  }
  return value;
}

function contextFlag(node: Node, key: string): boolean {
  const value = node.tryGetContext(`techops:${key}`);
  if (value === undefined || value === false || value === 'false') return false;
  if (value === true || value === 'true') return true;
  throw new Error(`CDK context techops:${key} must be true or false`);
}

/** The environment where placeholders are fine: a developer's own stack and the local cloud. */
export const DEV_ENVIRONMENT = 'dev';

/** The audience cdk.json names for the local cloud's dev tokens. */
export const PLACEHOLDER_AUDIENCE = 'techops-consultancy-api';

/** Hosts no real deployment uses: loopback, and the names RFC 2606 and RFC 6761 reserve. */
const PLACEHOLDER_HOST =
  /(^|\.)(localhost|local|example|test|invalid|example\.com|example\.net|example\.org)$|^127\.|^\[?::1\]?$/;

const hostOf = (value: string) => {
  try {
    return new URL(value).hostname;
  } catch {
    return value.split('@').pop() ?? value;
  }
};

/**
 * The values of cdk.json that only do for `dev`: each setting's check says what is wrong with
 * it, or nothing. A deployment to another environment must replace every one of them.
 */
const PLACEHOLDER_CHECKS: [key: string, problem: (config: AppConfig) => string | undefined][] = [
  [
    'jwtIssuer',
    ({ jwtIssuer }) =>
      PLACEHOLDER_HOST.test(hostOf(jwtIssuer)) || !jwtIssuer.startsWith('https://')
        ? `${jwtIssuer} is a placeholder: set your identity provider's https issuer URL`
        : undefined,
  ],
  [
    'jwtAudience',
    ({ jwtAudience }) =>
      jwtAudience.includes(PLACEHOLDER_AUDIENCE)
        ? `${PLACEHOLDER_AUDIENCE} is the placeholder audience: set the audience (Cognito: app client id) your identity provider puts in its tokens`
        : undefined,
  ],
  [
    'emailSender',
    ({ emailSender }) =>
      PLACEHOLDER_HOST.test(hostOf(emailSender))
        ? `${emailSender} is a placeholder: set an address of your SES-verified domain`
        : undefined,
  ],
  [
    'publicBaseUrl',
    ({ publicBaseUrl }) =>
      PLACEHOLDER_HOST.test(hostOf(publicBaseUrl)) || !publicBaseUrl.startsWith('https://')
        ? `${publicBaseUrl} is a placeholder: set the API's public https URL (approval links point there)`
        : undefined,
  ],
  ...(['triagers', 'portfolioDigestRecipients'] as const).map(
    (key): [string, (config: AppConfig) => string | undefined] => [
      key,
      (config) => {
        const placeholders = config[key].filter(({ email }) => PLACEHOLDER_HOST.test(hostOf(email)));
        return placeholders.length > 0
          ? `${placeholders.map(({ email }) => email).join(', ')} ${placeholders.length === 1 ? 'is a placeholder' : 'are placeholders'}: name ${key === 'triagers' ? 'your triagers' : 'who gets the portfolio digest'}`
          : undefined;
      },
    ],
  ),
];

/** Every placeholder a non-dev environment still has, one line each; none for dev. */
export function placeholderProblems(config: AppConfig): string[] {
  if (config.environment === DEV_ENVIRONMENT) return [];
  return PLACEHOLDER_CHECKS.flatMap(([key, problem]) => {
    const found = problem(config);
    return found ? [`techops:${key}: ${found}`] : [];
  });
}

export function appConfigFrom(node: Node): AppConfig {
  const config = readAppConfig(node);
  const problems = placeholderProblems(config);
  if (problems.length > 0) {
    throw new Error(
      `The ${config.environment} environment still has placeholder settings from cdk.json; set them with -c (see docs/deployment.md):\n` +
        problems.map((problem) => `  - ${problem}`).join('\n'),
    );
  }
  return config;
}

function readAppConfig(node: Node): AppConfig {
  const opsEmail = node.tryGetContext('techops:opsEmail');
  return {
    environment: contextEnvironment(node),
    customerManagedKey: contextFlag(node, 'customerManagedKey'),
    ...(opsEmail === undefined || opsEmail === '' ? {} : { opsEmail: contextEmail(node, 'opsEmail') }),
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
    triagers: contextPeople(node, 'triagers', 'who triages requests'),
    portfolioDigestRecipients: contextPeople(
      node,
      'portfolioDigestRecipients',
      'who gets the weekly portfolio digest',
    ),
    triageTimeout: contextDuration(node, 'triageTimeout'),
    strandedApprovalAfter: contextDuration(node, 'strandedApprovalAfter'),
  };
}
