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

describe('what the approver reads', () => {
  it('shows dates, times, categories and urgency in words, not wire codes', () => {
    const approval = approvalWith({ category: 'DIGITAL_DATA', urgency: 'CRITICAL' });

    const email = approvalRequestEmail(approval, 'https://x/approvals/t', { decidedEarlier: [] });
    const page = decisionPage(approval);

    for (const text of [email.text, page]) {
      expect(text).toContain('Digital &');
      expect(text).toContain('1 February 2027 to 30 June 2027');
      expect(text).toContain('Critical');
      expect(text).toContain('1 January 2027, 00:00 UTC');
      expect(text).not.toContain('2027-01-01T00:00:00.000Z');
      expect(text).not.toContain('DIGITAL_DATA');
    }
  });
});

describe('the assessment the approver reads', () => {
  it('shows the budget line with its pipeline, the vendor fit and the flags, in words', () => {
    const approval = approvalWith({
      assessment: {
        assessedAt: '2026-12-01T00:00:00.000Z',
        flags: [{ code: 'OVER_HEADROOM', message: 'The request does not fit its budget line.' }],
        budget: {
          fiscalYear: 'FY2027',
          businessFunction: 'MFG',
          allocated: { amount: '200000.00', currency: 'USD' },
          committed: { amount: '50000.00', currency: 'USD' },
          consumed: { amount: '50000.00', currency: 'USD' },
          available: { amount: '150000.00', currency: 'USD' },
          pipeline: { amount: '20000.00', currency: 'USD' },
          pipelineRequests: 2,
          requested: { amount: '185000.00', currency: 'USD' },
          remainingAfter: { amount: '-55000.00', currency: 'USD' },
          fits: false,
        },
        vendor: {
          id: 'ven_x',
          displayName: 'Validation Partners',
          status: 'ONBOARDING',
          coversCategory: true,
          reviews: { count: 3, averageScore: 2.5, threshold: 3 },
          msa: { valid: true, expiryDate: '2028-01-31' },
          nda: { valid: false },
          hasRateCard: true,
        },
        internalCapabilities: [],
        possibleDuplicates: [],
      },
    });

    const email = approvalRequestEmail(approval, 'https://x/approvals/t', { decidedEarlier: [] });
    const page = decisionPage(approval);

    for (const text of [email.text, page]) {
      expect(text).toContain(
        'MFG FY2027: USD 150,000.00 available, USD 20,000.00 asked by 2 other undecided request(s), USD 55,000.00 short after this one',
      );
      expect(text).toContain(
        'Validation Partners: Onboarding; covers the category; average review 2.50 of 5 (3)',
      );
      expect(text).toContain('MSA valid until 31 January 2028; NDA none valid; rate card');
      expect(text).toContain('The request does not fit its budget line.');
    }
  });

  it('reads an overspent line (a negative available) without failing the email', () => {
    const overspent = approvalWith({
      assessment: {
        assessedAt: '2026-12-01T00:00:00.000Z',
        flags: [],
        budget: {
          fiscalYear: 'FY2027',
          businessFunction: 'MFG',
          allocated: { amount: '100.00', currency: 'USD' },
          committed: { amount: '100.00', currency: 'USD' },
          consumed: { amount: '1100.00', currency: 'USD' },
          available: { amount: '-1000.00', currency: 'USD' },
          pipeline: { amount: '0.00', currency: 'USD' },
          pipelineRequests: 0,
          requested: { amount: '10.00', currency: 'USD' },
          remainingAfter: { amount: '-1010.00', currency: 'USD' },
          fits: false,
        },
        internalCapabilities: [],
        possibleDuplicates: [],
      },
    });

    const email = approvalRequestEmail(overspent, 'https://x/approvals/t', { decidedEarlier: [] });

    expect(email.text).toContain('USD -1,000.00 available');
    expect(email.text).toContain('USD 1,010.00 short after this one');
    expect(email.text).toContain('Assessment flags: Nothing flagged.');
  });
});
