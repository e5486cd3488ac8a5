import { describe, expect, it } from 'vitest';
import { CATEGORY_NAMES, REQUEST_CATEGORIES } from '../../functions/reference-data/schemas.js';
import { readableCode, readableDate, readableDateTime } from '../../functions/shared/readable.js';

describe('values as people read them', () => {
  it('writes a date in words', () => {
    expect(readableDate('2026-12-07')).toBe('7 December 2026');
    expect(readableDate('2027-01-31T23:59:59.999Z')).toBe('31 January 2027');
  });

  it('writes a timestamp to the minute, in UTC, saying so', () => {
    expect(readableDateTime('2026-12-07T13:14:05.123Z')).toBe('7 December 2026, 13:14 UTC');
    expect(readableDateTime('2026-12-07T09:05:00+02:00')).toBe('7 December 2026, 07:05 UTC');
  });

  it('names every request category', () => {
    expect(Object.keys(CATEGORY_NAMES).sort()).toEqual([...REQUEST_CATEGORIES].sort());
    expect(CATEGORY_NAMES.VALIDATION_CQV).toBe('Validation / CQV');
  });

  it('writes an upper-case code as a word', () => {
    expect(readableCode('HIGH')).toBe('High');
    expect(readableCode('ON_HOLD')).toBe('On hold');
  });
});
