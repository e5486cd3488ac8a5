import { describe, expect, it } from 'vitest';
import type * as z from 'zod';
import { DecisionBody } from '../../functions/approvals/model.js';
import { TransferBody } from '../../functions/budgets/model.js';
import { SubmitRequestBody, WithdrawRequestBody } from '../../functions/requests/model.js';
import { IsoDate, MultiLineText, SingleLineText } from '../../functions/shared/schemas.js';
import {
  AddContractBody,
  AddRateBody,
  AddReviewBody,
  ChangeVendorStatusBody,
  CreateVendorBody,
} from '../../functions/vendors/model.js';

const NUL = '\u0000';
const BEL = '\u0007';
const ESC = '\u001b';
const DEL = '\u007f';

/** The messages a schema reports at a field, none when it accepts. */
function messagesAt(schema: z.ZodType, input: unknown, field: string): string[] {
  const result = schema.safeParse(input);
  if (result.success) return [];
  return result.error.issues.filter((issue) => issue.path.join('.') === field).map((issue) => issue.message);
}

const SINGLE_LINE = 'Must not contain control characters or line breaks.';
const MULTI_LINE = 'Must not contain control characters other than tabs and line breaks.';

describe('SingleLineText and MultiLineText', () => {
  it.each([
    ['NUL', `Title${NUL}`],
    ['BEL', `Title${BEL}`],
    ['an ESC sequence', `${ESC}[31mRed title${ESC}[0m`],
    ['DEL', `Ti${DEL}tle`],
    ['a C1 control', 'Title\u009b31m'],
    ['a line break inside', 'First line\nSecond line'],
    ['a tab inside', 'Title\twith a tab'],
  ])('refuses %s in single-line text', (_case, text) => {
    expect(messagesAt(SingleLineText, text, '')).toEqual([SINGLE_LINE]);
  });

  it('accepts any printable text in one line, trimmed', () => {
    expect(SingleLineText.parse('  Qualifizierung – Linie 3 (Ä/é/中) \n')).toBe(
      'Qualifizierung – Linie 3 (Ä/é/中)',
    );
  });

  it.each([
    ['NUL', `Line${NUL}`],
    ['BEL', `Line${BEL}`],
    ['an ESC sequence', `${ESC}]8;;https://evil.example${ESC}\\click${ESC}]8;;${ESC}\\`],
    ['a vertical tab', 'Line\u000bNext'],
    ['a form feed', 'Line\u000cNext'],
    ['a backspace', 'Approved\b\b\b\b\b\b\b\bRejected'],
  ])('refuses %s in multi-line text', (_case, text) => {
    expect(messagesAt(MultiLineText, text, '')).toEqual([MULTI_LINE]);
  });

  it('keeps tabs and line breaks (LF and CRLF) in multi-line text', () => {
    const text = 'Scope:\r\n\t- IQ/OQ\n\t- PQ';

    expect(MultiLineText.parse(text)).toBe(text);
  });
});

describe('every capability takes its text through the shared schemas', () => {
  const request = validRequest();
  const vendor = {
    legalName: 'Acme Validation GmbH',
    displayName: 'Acme',
    headquartersCountry: 'DE',
    capabilities: ['VALIDATION_CQV'],
    relationshipOwner: { name: 'Olga Owner', email: 'olga@techops.example' },
    contacts: [{ name: 'Carl Contact', role: 'Account lead', email: 'carl@acme.example' }],
    riskTier: 'LOW',
  };

  it.each([
    ['a request title', SubmitRequestBody, { ...request, title: `CQV${ESC}[2J` }, 'title', SINGLE_LINE],
    [
      'a request description',
      SubmitRequestBody,
      { ...request, description: `IQ${NUL}` },
      'description',
      MULTI_LINE,
    ],
    [
      'a request justification',
      SubmitRequestBody,
      { ...request, justification: BEL },
      'justification',
      MULTI_LINE,
    ],
    ['a withdrawal reason', WithdrawRequestBody, { reason: `No${ESC}[1A` }, 'reason', MULTI_LINE],
    [
      'a vendor legal name',
      CreateVendorBody,
      { ...vendor, legalName: `Acme${NUL}` },
      'legalName',
      SINGLE_LINE,
    ],
    [
      'a vendor display name',
      CreateVendorBody,
      { ...vendor, displayName: 'Ac\nme' },
      'displayName',
      SINGLE_LINE,
    ],
    [
      "a relationship owner's name",
      CreateVendorBody,
      { ...vendor, relationshipOwner: { name: `Olga${BEL}`, email: 'olga@techops.example' } },
      'relationshipOwner.name',
      SINGLE_LINE,
    ],
    [
      "a contact's role",
      CreateVendorBody,
      { ...vendor, contacts: [{ name: 'Carl', role: `Lead${ESC}`, email: 'carl@acme.example' }] },
      'contacts.0.role',
      SINGLE_LINE,
    ],
    [
      'a vendor website',
      CreateVendorBody,
      { ...vendor, website: `https://acme.example/${ESC}[31m` },
      'website',
      SINGLE_LINE,
    ],
    [
      'a contract document URI',
      AddContractBody,
      {
        type: 'MSA',
        reference: 'MSA-1',
        effectiveDate: '2026-01-01',
        expiryDate: '2028-01-01',
        documentUri: `https://dms.example/msa${BEL}.pdf`,
      },
      'documentUri',
      SINGLE_LINE,
    ],
    ['vendor notes', CreateVendorBody, { ...vendor, notes: `Note${ESC}[0m` }, 'notes', MULTI_LINE],
    [
      'a status reason',
      ChangeVendorStatusBody,
      { status: 'ON_HOLD', reason: `Audit${NUL}` },
      'reason',
      MULTI_LINE,
    ],
    [
      'a contract reference',
      AddContractBody,
      {
        type: 'MSA',
        reference: `MSA${BEL}`,
        effectiveDate: '2026-01-01',
        expiryDate: '2028-01-01',
        documentUri: 'contracts/msa.pdf',
      },
      'reference',
      SINGLE_LINE,
    ],
    [
      'a rate role',
      AddRateBody,
      {
        role: `Engineer${ESC}`,
        unit: 'DAY',
        rate: { amount: '1200.00', currency: 'EUR' },
        validFrom: '2026-01-01',
      },
      'role',
      SINGLE_LINE,
    ],
    [
      'a review comment',
      AddReviewBody,
      { quality: 5, timeliness: 4, valueForMoney: 4, communication: 5, comment: `Good${NUL}` },
      'comment',
      MULTI_LINE,
    ],
    [
      'a transfer reason',
      TransferBody,
      { from: 'QA', to: 'MFG', amount: { amount: '10.00', currency: 'USD' }, reason: `Shift${ESC}[K` },
      'reason',
      MULTI_LINE,
    ],
    [
      'a decision comment',
      DecisionBody,
      { decision: 'REJECTED', comment: `No${BEL}` },
      'comment',
      MULTI_LINE,
    ],
  ] as const)('refuses control characters in %s', (_case, schema, body, field, message) => {
    expect(messagesAt(schema, body, field)).toEqual([message]);
  });

  it('keeps line breaks where people write paragraphs: description, comments', () => {
    const description = 'Scope:\r\n\t- IQ/OQ\n\t- PQ';

    expect(SubmitRequestBody.parse({ ...request, description }).description).toBe(description);
    expect(DecisionBody.parse({ decision: 'REJECTED', comment: 'No:\r\nuse QA' }).comment).toBe(
      'No:\r\nuse QA',
    );
  });
});

describe('IsoDate', () => {
  const RANGE = 'Must be a date between 2000-01-01 and 2100-12-31.';

  it.each(['0001-01-01', '1999-12-31', '2101-01-01', '9999-12-31'])('refuses %s as out of range', (date) => {
    expect(messagesAt(IsoDate, date, '')).toEqual([RANGE]);
  });

  it.each(['2000-01-01', '2027-02-28', '2100-12-31'])('accepts %s', (date) => {
    expect(IsoDate.parse(date)).toBe(date);
  });

  it('reports a malformed date once, by its form', () => {
    expect(messagesAt(IsoDate, '2027-13-45', '')).toEqual(['Must be a date in the form YYYY-MM-DD.']);
  });

  it('refuses a request starting in year 1 rather than storing it as FY1', () => {
    const body = { ...validRequest(), startDate: '0001-01-01', endDate: '0001-12-31' };

    expect(messagesAt(SubmitRequestBody, body, 'startDate')).toEqual([RANGE]);
    expect(messagesAt(SubmitRequestBody, body, 'endDate')).toEqual([RANGE]);
  });
});

function validRequest() {
  return {
    title: 'CQV support',
    businessFunction: 'QA',
    category: 'VALIDATION_CQV',
    description: 'IQ/OQ/PQ',
    justification: 'No capacity.',
    estimatedCost: { amount: '1000.00', currency: 'USD' },
    startDate: '2027-02-01',
    endDate: '2027-03-01',
    urgency: 'LOW',
  };
}
