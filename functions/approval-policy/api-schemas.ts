import * as z from 'zod';
import { BusinessFunctionCode, REQUEST_CATEGORIES } from '../reference-data/schemas.js';
import { URGENCIES } from '../requests/model.js';
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

const Contact = z.object({ name: z.string(), email: z.string() });

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

export const ChainPreviewResource = z
  .object({
    policyVersion: z.union([z.number().int(), z.literal('draft')]),
    rule: z.object({ index: z.number().int(), name: z.string() }),
    why: z.array(z.string()).describe('Why the rule matched, one phrase per condition.'),
    steps: z.array(
      z.object({
        step: z.number().int().min(1),
        name: z.string(),
        approvers: z.array(Contact).describe('Any one of them decides the step.'),
        group: z.string().optional(),
        reassignedFrom: Contact.optional().describe('Segregation of duties moved the step away from them.'),
        reassignedReason: z.string().optional(),
        skippedReason: z.string().optional().describe('Skip-repeat: the step is skipped, and why.'),
      }),
    ),
  })
  .meta({ id: 'ApprovalChainPreview' });
