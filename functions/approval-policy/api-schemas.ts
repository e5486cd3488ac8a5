import * as z from 'zod';
import { BusinessFunctionCode, REQUEST_CATEGORIES } from '../reference-data/schemas.js';
import { URGENCIES } from '../requests/model.js';
import { ApprovalChainStep, RequestApprovalChain } from '../shared/approval-summary.js';
import { MoneySchema } from '../shared/money.js';
import { PaginationQuery } from '../shared/pagination.js';
import { PersonResource, VendorId } from '../shared/schemas.js';
import { ApprovalPolicyDocument, ApproverGroupName } from './model.js';
import { GroupMember } from './policy-checks.js';

/** The wire shapes of the approval policy routes (requests and responses). */

export const ApprovalPolicyResource = z
  .object({
    version: z.number().int().min(0).describe('0 is the built-in policy, in force until one is published.'),
    document: ApprovalPolicyDocument,
    changedBy: PersonResource,
    changedAt: z.string().describe('ISO 8601 UTC timestamp.'),
  })
  .meta({ id: 'ApprovalPolicy' });

export const ApprovalPolicyVersionSummary = z
  .object({
    version: z.number().int().min(1),
    changedBy: PersonResource,
    changedAt: z.string().describe('ISO 8601 UTC timestamp.'),
    rules: z.number().int().describe('How many rules the version has.'),
  })
  .meta({ id: 'ApprovalPolicyVersionSummary' });

export const ListPolicyVersionsQuery = z.strictObject({ ...PaginationQuery });

export const PolicyVersionPath = z.strictObject({
  version: z.coerce
    .number()
    .int('Must be a whole number.')
    .min(0)
    .describe('A version number; 0 is the built-in policy.'),
});

export const ApproverGroupPath = z.strictObject({ name: ApproverGroupName });

export const ApproverGroupResource = z
  .object({
    name: z.string(),
    description: z.string().optional(),
    members: z.array(GroupMember),
    version: z.number().int().min(1),
    updatedAt: z.string().describe('ISO 8601 UTC timestamp.'),
    updatedBy: PersonResource,
  })
  .meta({ id: 'ApproverGroup' });

/** What a request would be: the facts a rule matches on. */
export const PreviewRequest = z.strictObject({
  businessFunction: BusinessFunctionCode,
  category: z.enum(REQUEST_CATEGORIES),
  urgency: z.enum(URGENCIES),
  estimatedCost: MoneySchema,
  preferredVendorId: VendorId.optional(),
  requester: GroupMember.optional().describe('Who would ask; the caller when left out.'),
});

/** The body as documented; the handler checks a draft policy in full itself (every problem at once). */
export const PreviewChainBody = z
  .strictObject({
    request: PreviewRequest,
    policy: ApprovalPolicyDocument.optional().describe('A draft to try instead of the current policy.'),
  })
  .meta({ id: 'PreviewApprovalChain' });

export const PreviewChainInput = z.strictObject({ request: PreviewRequest, policy: z.unknown().optional() });

/** The chain a request would get: as a request shows its resolved chain, before any step is asked. */
export const ChainPreviewResource = RequestApprovalChain.pick({ rule: true, why: true, followUp: true })
  .extend({
    policyVersion: z.union([z.number().int(), z.literal('draft')]),
    steps: z.array(
      ApprovalChainStep.pick({
        step: true,
        name: true,
        approvers: true,
        group: true,
        reassignedFrom: true,
        reassignedReason: true,
        skippedReason: true,
        escalationApprovers: true,
      }),
    ),
  })
  .meta({ id: 'ApprovalChainPreview' });
