import { describe, expect, it } from 'vitest';
import { addBusinessDays, isBusinessDay, yearsSpanned } from '../../functions/shared/business-days.js';

const none = new Set<string>();
const at = (iso: string) => new Date(iso);

describe('addBusinessDays', () => {
  it.each([
    ['Monday', '2061-01-03T10:00:00.000Z', 2, '2061-01-05T10:00:00.000Z'],
    ['Thursday, over the weekend', '2061-01-06T10:00:00.000Z', 2, '2061-01-10T10:00:00.000Z'],
    ['Friday, over the weekend', '2061-01-07T10:00:00.000Z', 2, '2061-01-11T10:00:00.000Z'],
    ['Saturday: counting starts on Monday', '2061-01-08T10:00:00.000Z', 2, '2061-01-11T10:00:00.000Z'],
    ['Sunday', '2061-01-09T23:30:00.000Z', 1, '2061-01-10T23:30:00.000Z'],
    ['Monday, five days: a whole week', '2061-01-03T08:15:00.000Z', 5, '2061-01-10T08:15:00.000Z'],
  ])('from a %s skips Saturdays and Sundays', (_, from, days, expected) => {
    const result = addBusinessDays(at(from), days, none);

    expect(result.toISOString()).toBe(expected);
  });

  it('skips a holiday as it skips a weekend day', () => {
    const holidays = new Set(['2061-01-04']);

    const result = addBusinessDays(at('2061-01-03T10:00:00.000Z'), 2, holidays);

    expect(result.toISOString()).toBe('2061-01-06T10:00:00.000Z');
  });

  it('skips a holiday that falls on a Monday after a weekend', () => {
    const holidays = new Set(['2061-01-10']);

    const result = addBusinessDays(at('2061-01-07T10:00:00.000Z'), 1, holidays);

    expect(result.toISOString()).toBe('2061-01-11T10:00:00.000Z');
  });

  it('crosses a year end with holidays of both years', () => {
    const holidays = new Set(['2060-12-31', '2061-01-03']);

    const result = addBusinessDays(at('2060-12-30T12:00:00.000Z'), 2, holidays);

    // Thursday 30th -> (Friday 31st holiday, weekend, Monday 3rd holiday) Tuesday 4th, Wednesday 5th.
    expect(result.toISOString()).toBe('2061-01-05T12:00:00.000Z');
  });

  it('keeps the instant for zero days', () => {
    const result = addBusinessDays(at('2061-01-08T10:00:00.000Z'), 0, none);

    expect(result.toISOString()).toBe('2061-01-08T10:00:00.000Z');
  });

  it('refuses a negative or fractional count', () => {
    expect(() => addBusinessDays(at('2061-01-03T10:00:00.000Z'), -1, none)).toThrow(RangeError);
    expect(() => addBusinessDays(at('2061-01-03T10:00:00.000Z'), 1.5, none)).toThrow(RangeError);
  });
});

describe('isBusinessDay', () => {
  it('is false on weekends and holidays, true otherwise', () => {
    const holidays = new Set(['2061-01-04']);

    expect(isBusinessDay(at('2061-01-03T00:00:00.000Z'), holidays)).toBe(true);
    expect(isBusinessDay(at('2061-01-04T00:00:00.000Z'), holidays)).toBe(false);
    expect(isBusinessDay(at('2061-01-08T00:00:00.000Z'), holidays)).toBe(false);
    expect(isBusinessDay(at('2061-01-09T00:00:00.000Z'), holidays)).toBe(false);
  });
});

describe('yearsSpanned', () => {
  it('names the next year too when a count reaches over the year end', () => {
    expect(yearsSpanned(at('2061-06-01T00:00:00.000Z'), 5)).toEqual([2061]);
    expect(yearsSpanned(at('2061-12-20T00:00:00.000Z'), 5)).toEqual([2061, 2062]);
  });
});
