import { describe, expect, it } from 'vitest';
import { amountText, approvalRequestEmail } from '../../functions/approvals/emails.js';
import {
  type Approval,
  DecisionBody,
  hashLinkSecret,
  linkTokenOf,
  newLinkSecret,
  parseLinkToken,
  secretMatches,
} from '../../functions/approvals/model.js';
import { decisionPage, PAGE_HEADERS, problemPage } from '../../functions/approvals/pages.js';
import { sameEmail } from '../../functions/shared/contacts.js';
import { newId } from '../../functions/shared/ids.js';

const approvalId = newId('approval');

function approvalWith(subject: Partial<Approval['subject']> = {}): Approval {
  return {
    id: approvalId,
    requestId: newId('request'),
    step: { number: 1, of: 1, name: 'Head of MFG' },
    approver: { name: 'Marcus Okafor', email: 'marcus.okafor@techops.example' },
    status: 'PENDING',
    subject: {
      requestId: 'req_x',
      title: 'CQV for line 4',
      businessFunction: 'MFG',
      businessFunctionName: 'Manufacturing',
      category: 'VALIDATION_CQV',
      description: 'IQ/OQ',
      justification: 'No capacity',
      estimatedCost: { minor: 18_500_000, currency: 'USD' },
      startDate: '2027-02-01',
      endDate: '2027-06-30',
      urgency: 'HIGH',
      fiscalYear: 'FY2027',
      requester: { sub: 'mia', name: 'Mia', email: 'mia@techops.example' },
      ...subject,
    },
    taskToken: 'secret-task-token',
    linkSecretHash: hashLinkSecret('x'),
    linkExpiresAt: '2027-01-01T00:00:00.000Z',
    requestedAt: '2026-12-01T00:00:00.000Z',
    updatedAt: '2026-12-01T00:00:00.000Z',
    version: 1,
  };
}

describe('link tokens', () => {
  it('round-trips an approval id and a 256-bit secret', () => {
    const secret = newLinkSecret();

    const parsed = parseLinkToken(linkTokenOf(approvalId, secret));

    expect(parsed).toEqual({ approvalId, secret });
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
  });

  it('refuses truncated, padded and foreign tokens', () => {
    const token = linkTokenOf(approvalId, newLinkSecret());

    for (const bad of [
      token.slice(0, -1),
      `${token}A`,
      token.replace('.', '-'),
      `req_${token.slice(4)}`,
      '',
      'x.y',
    ]) {
      expect(parseLinkToken(bad), bad).toBeUndefined();
    }
  });

  it('matches only the secret whose hash is stored', () => {
    const secret = newLinkSecret();
    const approval = { linkSecretHash: hashLinkSecret(secret) };

    expect(secretMatches(approval, secret)).toBe(true);
    expect(secretMatches(approval, newLinkSecret())).toBe(false);
    expect(hashLinkSecret(secret)).not.toContain(secret);
  });
});

describe('decisions', () => {
  it('requires a comment to reject but not to approve', () => {
    expect(DecisionBody.safeParse({ decision: 'APPROVED' }).success).toBe(true);
    expect(DecisionBody.safeParse({ decision: 'REJECTED', comment: '   ' }).success).toBe(false);
    expect(DecisionBody.safeParse({ decision: 'REJECTED', comment: 'Too costly' }).data).toEqual({
      decision: 'REJECTED',
      comment: 'Too costly',
    });
    expect(DecisionBody.safeParse({ decision: 'approved' }).success).toBe(false);
  });

  it('compares emails without regard to case or surrounding space', () => {
    expect(sameEmail('Marcus.Okafor@TechOps.example ', 'marcus.okafor@techops.example')).toBe(true);
    expect(sameEmail('a@example.com', 'b@example.com')).toBe(false);
    expect(sameEmail(undefined, 'a@example.com')).toBe(false);
  });
});

describe('emails and pages', () => {
  it('writes amounts exactly, grouped for reading', () => {
    expect(amountText({ minor: 18_500_000, currency: 'USD' })).toBe('USD 185,000.00');
    expect(amountText({ minor: 1_234_567, currency: 'JPY' })).toBe('JPY 1,234,567');
    expect(amountText({ minor: 5, currency: 'EUR' })).toBe('EUR 0.05');
  });

  it('escapes whatever a requester wrote, in the email and on the page', () => {
    const approval = approvalWith({
      title: '<script>alert(1)</script>',
      justification: '"quoted" & <b>bold</b>',
    });

    const email = approvalRequestEmail(approval, 'https://x/approvals/t', { decidedEarlier: [] });
    const page = decisionPage(approval);

    for (const html of [email.html ?? '', page]) {
      expect(html).not.toContain('<script>alert(1)</script>');
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(html).toContain('&quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;');
    }
  });

  it('never puts the task token or the link hash on the page', () => {
    const page = decisionPage(approvalWith());

    expect(page).not.toContain('secret-task-token');
    expect(page).not.toContain(hashLinkSecret('x'));
  });

  it('allows exactly its one inline style and nothing from anywhere else', () => {
    const csp = PAGE_HEADERS['content-security-policy'];

    expect(csp).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]{44}';/);
    expect(csp).toContain("form-action 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(problemPage('Gone', 'The link expired.')).not.toMatch(/<script|src=/);
  });
});
