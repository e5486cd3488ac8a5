import type * as z from 'zod';
import { getBusinessFunction } from '../reference-data/business-functions.js';
import type { Caller } from '../shared/auth.js';
import { DomainError, type FieldIssue, ValidationError } from '../shared/errors.js';
import { getVendor } from '../vendors/vendor-queries.js';
import type { PreviewChainInput } from './api-schemas.js';
import { loadApproverDirectory } from './approver-directory.js';
import type { ChainFacts, ResolvedChain } from './model.js';
import { currentApprovalPolicy } from './policy-store.js';
import { validatedPolicyDocument } from './policy-validation.js';
import { NoEligibleApproverError, resolveApprovalChain } from './resolve-chain.js';

/** 422: the policy names someone the reference data does not have, so nobody may decide a step. */
export class UnresolvableChainError extends DomainError {
  readonly status = 422;
  readonly type = 'approval-chain-unresolvable';
  readonly title = 'The approval chain cannot be resolved';
  constructor(detail: string) {
    super(detail);
    this.name = 'UnresolvableChainError';
  }
}

export type ChainPreview = Omit<ResolvedChain, 'policyVersion'> & { policyVersion: number | 'draft' };

/** Runs a check, turning its ValidationError into issues under `prefix` (so all are reported together). */
async function issuesOf<T>(
  prefix: string,
  check: () => Promise<T>,
): Promise<{ value?: T; issues: FieldIssue[] }> {
  try {
    return { value: await check(), issues: [] };
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const issues = error.issues.map((issue) => ({
      field: issue.field ? `${prefix}.${issue.field}` : prefix,
      message: issue.message,
    }));
    return { issues };
  }
}

/**
 * The chain a request with these facts would get, from the current policy or a draft (checked as
 * a publish is), resolved by the same function a request entering approval uses. Stores nothing.
 */
export async function previewApprovalChain(
  caller: Caller,
  body: z.output<typeof PreviewChainInput>,
): Promise<ChainPreview> {
  const { request } = body;
  const [draft, businessFunction, vendor, current] = await Promise.all([
    body.policy === undefined
      ? { value: undefined, issues: [] }
      : issuesOf('policy', () => validatedPolicyDocument(body.policy)),
    getBusinessFunction(request.businessFunction),
    request.preferredVendorId === undefined ? undefined : getVendor(request.preferredVendorId),
    body.policy === undefined ? currentApprovalPolicy() : undefined,
  ]);
  const issues = [...draft.issues];
  if (businessFunction === undefined) {
    issues.push({
      field: 'request.businessFunction',
      message: `Unknown business function "${request.businessFunction}".`,
    });
  }
  if (request.preferredVendorId !== undefined && vendor === undefined) {
    issues.push({ field: 'request.preferredVendorId', message: `No vendor ${request.preferredVendorId}.` });
  }
  const policy = current ?? (draft.value ? { version: 0, document: draft.value } : undefined);
  if (issues.length > 0 || !policy) throw new ValidationError(issues);
  const directory = await loadApproverDirectory(policy.document);
  const facts: ChainFacts = {
    businessFunction: request.businessFunction,
    category: request.category,
    urgency: request.urgency,
    amount: request.estimatedCost.amount,
    requester: request.requester ?? { name: caller.name, email: caller.email },
    vendor: vendor && { riskTier: vendor.riskTier, status: vendor.status },
  };
  try {
    const chain = resolveApprovalChain(policy, facts, directory);
    return { ...chain, policyVersion: current ? chain.policyVersion : 'draft' };
  } catch (error) {
    if (error instanceof NoEligibleApproverError) throw new UnresolvableChainError(error.message);
    throw error;
  }
}
