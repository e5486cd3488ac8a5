import * as z from 'zod';
import { type Caller, personOf } from './auth.js';
import { newId } from './ids.js';
import { ContactResource } from './schemas.js';

/** An entry of the append-only audit trail: who, when, what, before/after, why. */
/**
 * REQUEST events are per request id; BUDGET events per fiscal year (envelope, allocations,
 * transfers); VENDOR events per vendor; BUSINESS_FUNCTION events per business function code;
 * APPROVAL_POLICY events under one id (`APPROVAL`); APPROVER_GROUP events per group name;
 * INTERNAL_CAPABILITY events per internal capability id; DELEGATION events per delegation id.
 */
export type AuditedEntity =
  | 'REQUEST'
  | 'BUDGET'
  | 'VENDOR'
  | 'BUSINESS_FUNCTION'
  | 'APPROVAL_POLICY'
  | 'APPROVER_GROUP'
  | 'INTERNAL_CAPABILITY'
  | 'DELEGATION'
  | 'HOLIDAY_CALENDAR';

export interface AuditEvent {
  eventId: string;
  entityType: AuditedEntity;
  entityId: string;
  action: string;
  at: string;
  actor: { sub: string; name: string; email: string };
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
  reason?: string;
  /** An electronic signature: who signed, when, and what the signature means. */
  signature?: ElectronicSignature;
}

export interface ElectronicSignature {
  printedName: string;
  email: string;
  signedAt: string;
  meaning: 'APPROVED' | 'REJECTED' | 'SENT_BACK';
  comment?: string;
  /** How the signer was identified: by the emailed link, or by their token on the API. */
  method: 'EMAIL_LINK' | 'API';
  /** The approver a delegation stands the signer in for: they sign on behalf of them. */
  onBehalfOf?: { name: string; email: string };
}

/** Who acts when no person does: the approval workflow's own steps. */
export const WORKFLOW_ACTOR = {
  sub: 'system:approval-workflow',
  name: 'Approval workflow',
  email: '',
} as const;

export const AuditEventResource = z
  .object({
    eventId: z.string(),
    entityType: z.string(),
    entityId: z.string(),
    action: z.string().describe('What happened, e.g. REQUEST_SUBMITTED.'),
    at: z.string().describe('ISO 8601 UTC timestamp.'),
    actor: z.object({ sub: z.string(), name: z.string(), email: z.string() }),
    before: z.record(z.string(), z.unknown()).optional(),
    after: z.record(z.string(), z.unknown()).optional(),
    reason: z.string().optional(),
    signature: z
      .object({
        printedName: z.string(),
        email: z.string(),
        signedAt: z.string().describe('ISO 8601 UTC timestamp.'),
        meaning: z.enum(['APPROVED', 'REJECTED', 'SENT_BACK']),
        comment: z.string().optional(),
        method: z.enum(['EMAIL_LINK', 'API']),
        onBehalfOf: ContactResource.optional().describe(
          'The approver whose delegate signed: the signer decided on behalf of them.',
        ),
      })
      .optional()
      .describe('The electronic signature of a decision.'),
  })
  .meta({ id: 'AuditEvent' });

export function newAuditEvent(
  caller: Pick<Caller, 'sub' | 'name' | 'email'>,
  fields: Omit<AuditEvent, 'eventId' | 'actor' | 'at'> & { at: string },
): AuditEvent {
  return {
    eventId: newId('auditEvent', Date.parse(fields.at)),
    actor: personOf(caller),
    ...fields,
  };
}
