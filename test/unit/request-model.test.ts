import { describe, expect, it } from 'vitest';
import { SubmitRequestBody } from '../../functions/requests/model.js';

const validBody = {
  title: 'CQV support for filling line 4',
  businessFunction: 'QA',
  category: 'VALIDATION_CQV',
  description: 'Commissioning and qualification of the new aseptic filling line.',
  justification: 'No internal CQV capacity in Q3.',
  estimatedCost: { amount: '185000.00', currency: 'USD' },
  startDate: '2026-07-01',
  endDate: '2026-12-31',
  urgency: 'HIGH',
};

/** The dotted paths of every issue reported for a body, in order. */
function issuePaths(body: unknown): string[] {
  const result = SubmitRequestBody.safeParse(body);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
}

function issuesAt(body: unknown, path: string): string[] {
  const result = SubmitRequestBody.safeParse(body);
  if (result.success) return [];
  return result.error.issues.filter((issue) => issue.path.join('.') === path).map((issue) => issue.message);
}

describe('SubmitRequestBody', () => {
  it('accepts a complete, valid body', () => {
    const result = SubmitRequestBody.safeParse(validBody);

    expect(result.success).toBe(true);
    expect(result.data).toEqual(validBody);
  });

  it('accepts a preferred vendor id', () => {
    const body = { ...validBody, preferredVendorId: 'ven_01jz8k2m3n4p5q6r7s8t9v0w1x' };

    expect(issuePaths(body)).toEqual([]);
  });

  it('trims surrounding whitespace from the text fields', () => {
    const body = { ...validBody, title: '  CQV support  ', justification: '\tBecause.\n' };

    const parsed = SubmitRequestBody.parse(body);

    expect(parsed.title).toBe('CQV support');
    expect(parsed.justification).toBe('Because.');
  });

  it('accepts an end date on the start date', () => {
    const body = { ...validBody, startDate: '2026-07-01', endDate: '2026-07-01' };

    expect(issuePaths(body)).toEqual([]);
  });

  it('rejects unknown fields, naming them', () => {
    const body = { ...validBody, approvedBy: 'me', costCentre: '4711' };

    const result = SubmitRequestBody.safeParse(body);

    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([
      expect.objectContaining({ code: 'unrecognized_keys', path: [], keys: ['approvedBy', 'costCentre'] }),
    ]);
  });

  it('rejects unknown fields inside the estimated cost', () => {
    const body = { ...validBody, estimatedCost: { ...validBody.estimatedCost, minor: 18_500_000 } };

    expect(issuePaths(body)).toEqual(['estimatedCost']);
  });

  it.each([
    ['title', 12345],
    ['description', ['a', 'b']],
    ['estimatedCost', '185000.00 USD'],
    ['startDate', 20260701],
    ['urgency', 1],
  ])('rejects %s of the wrong type', (field, value) => {
    const body = { ...validBody, [field]: value };

    expect(issuePaths(body)).toEqual([field]);
  });

  it('rejects a numeric amount: money travels as a decimal string', () => {
    const body = { ...validBody, estimatedCost: { amount: 185000, currency: 'USD' } };

    expect(issuePaths(body)).toEqual(['estimatedCost.amount']);
  });

  it('lists every missing required field at once, and not the optional vendor', () => {
    const paths = issuePaths({});

    expect(paths.sort()).toEqual(
      [
        'businessFunction',
        'category',
        'description',
        'endDate',
        'estimatedCost',
        'justification',
        'startDate',
        'title',
        'urgency',
      ].sort(),
    );
  });

  it('rejects a body that is not an object', () => {
    expect(issuePaths(null)).toEqual(['']);
    expect(issuePaths([validBody])).toEqual(['']);
  });

  it.each([
    ['a title shorter than three characters', { title: 'ab' }, 'title'],
    ['a title of only whitespace', { title: '     ' }, 'title'],
    ['an empty description', { description: '' }, 'description'],
    ['a justification of only whitespace', { justification: '   ' }, 'justification'],
    ['a lower-case business function code', { businessFunction: 'qa' }, 'businessFunction'],
    ['an unknown category', { category: 'CATERING' }, 'category'],
    ['a lower-case category', { category: 'validation_cqv' }, 'category'],
    ['an unknown urgency', { urgency: 'ASAP' }, 'urgency'],
    ['a malformed vendor id', { preferredVendorId: 'vendor-42' }, 'preferredVendorId'],
  ])('rejects %s', (_case, change, path) => {
    const body = { ...validBody, ...change };

    expect(issuePaths(body)).toEqual([path]);
  });

  it.each(['2026-02-30', '2026-13-01', '2026/07/01', '2026-7-1', '01.07.2026', '2026-07-01T00:00:00Z', ''])(
    'rejects the start date "%s"',
    (startDate) => {
      const body = { ...validBody, startDate };

      expect(issuesAt(body, 'startDate')).toEqual(['Must be a date in the form YYYY-MM-DD.']);
    },
  );

  it('accepts 29 February in a leap year', () => {
    const body = { ...validBody, startDate: '2028-02-29', endDate: '2028-03-01' };

    expect(issuePaths(body)).toEqual([]);
  });

  it('rejects an end date before the start date at endDate', () => {
    const body = { ...validBody, startDate: '2026-07-01', endDate: '2026-06-30' };

    const result = SubmitRequestBody.safeParse(body);

    expect(result.error?.issues).toEqual([
      expect.objectContaining({ path: ['endDate'], message: 'Must not be before startDate.' }),
    ]);
  });

  it('reports the date order together with the other invalid fields', () => {
    const body = {
      ...validBody,
      title: 'x',
      urgency: 'SOMEDAY',
      startDate: '2026-07-01',
      endDate: '2026-01-01',
    };

    const paths = issuePaths(body);

    expect(paths.sort()).toEqual(['endDate', 'title', 'urgency']);
    expect(issuesAt(body, 'endDate')).toEqual(['Must not be before startDate.']);
  });

  it('does not compare the dates when one of them is itself invalid', () => {
    const body = { ...validBody, startDate: '2026-02-30', endDate: '2026-01-01' };

    expect(issuePaths(body)).toEqual(['startDate']);
  });

  it.each([
    [
      'more decimals than USD allows',
      { amount: '185000.001', currency: 'USD' },
      'USD allows at most 2 decimal places.',
    ],
    ['any decimals in JPY', { amount: '1000.5', currency: 'JPY' }, 'JPY allows at most 0 decimal places.'],
    ['a zero amount', { amount: '0.00', currency: 'USD' }, 'Must be greater than zero.'],
    [
      'a negative amount',
      { amount: '-100.00', currency: 'USD' },
      'Must be a decimal number string such as "185000.00".',
    ],
  ])('reports %s at estimatedCost.amount', (_case, estimatedCost, message) => {
    const body = { ...validBody, estimatedCost };

    expect(issuePaths(body)).toEqual(['estimatedCost.amount']);
    expect(issuesAt(body, 'estimatedCost.amount')).toEqual([message]);
  });

  it('reports an unknown currency at estimatedCost.currency', () => {
    const body = { ...validBody, estimatedCost: { amount: '100.00', currency: 'XYZ' } };

    expect(issuePaths(body)).toEqual(['estimatedCost.currency']);
    expect(issuesAt(body, 'estimatedCost.currency')).toEqual(['Unknown ISO 4217 currency code "XYZ".']);
  });

  it('accepts three decimals in a three-decimal currency', () => {
    const body = { ...validBody, estimatedCost: { amount: '5000.125', currency: 'KWD' } };

    expect(issuePaths(body)).toEqual([]);
  });

  it('reports money issues together with the other invalid fields', () => {
    const body = {
      ...validBody,
      category: 'CATERING',
      estimatedCost: { amount: '1.234', currency: 'USD' },
      endDate: '2026-01-01',
    };

    const paths = issuePaths(body);

    expect(paths.sort()).toEqual(['category', 'endDate', 'estimatedCost.amount']);
  });
});
