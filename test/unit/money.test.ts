import { describe, expect, it } from 'vitest';
import {
  formatMoney,
  isKnownCurrency,
  MAX_MAJOR_UNITS,
  minorDigits,
  moneyIssues,
  parseMoney,
} from '../../functions/shared/money.js';

describe('moneyIssues', () => {
  it('accepts a well-formed amount in a known currency', () => {
    const dto = { amount: '185000.00', currency: 'USD' };

    const issues = moneyIssues(dto);

    expect(issues).toEqual([]);
  });

  it.each([
    ['a whole amount', '185000', 'USD'],
    ['fewer decimals than the currency allows', '185000.5', 'USD'],
    ['a zero-decimal currency without decimals', '1500', 'JPY'],
    ['a three-decimal currency with three decimals', '12.345', 'KWD'],
    ['the smallest unit of a two-decimal currency', '0.01', 'EUR'],
    ['the smallest unit of a three-decimal currency', '0.001', 'BHD'],
  ])('accepts %s', (_case, amount, currency) => {
    const issues = moneyIssues({ amount, currency });

    expect(issues).toEqual([]);
  });

  it.each([
    ['1.234', 'USD', 2],
    ['1000.5', 'JPY', 0],
    ['1000.0', 'JPY', 0],
    ['1.2345', 'KWD', 3],
  ])('rejects %s %s: more decimals than the currency allows', (amount, currency, digits) => {
    const issues = moneyIssues({ amount, currency });

    expect(issues).toEqual([
      { field: 'amount', message: `${currency} allows at most ${digits} decimal places.` },
    ]);
  });

  it.each(['0', '0.00', '0.0', '0.000'])('rejects the zero amount %s', (amount) => {
    const issues = moneyIssues({ amount, currency: 'KWD' });

    expect(issues).toEqual([{ field: 'amount', message: 'Must be greater than zero.' }]);
  });

  it.each([
    ['a negative amount', '-5.00'],
    ['an explicit plus sign', '+5.00'],
    ['the empty string', ''],
    ['letters', 'abc'],
    ['a thousands separator', '1,000.00'],
    ['a leading zero', '01.00'],
    ['a trailing point', '1.'],
    ['a missing whole part', '.50'],
    ['surrounding whitespace', ' 1.00'],
    ['exponent notation', '1e3'],
    ['a decimal comma', '1,50'],
  ])('rejects %s as malformed', (_case, amount) => {
    const issues = moneyIssues({ amount, currency: 'USD' });

    expect(issues).toEqual([
      { field: 'amount', message: 'Must be a decimal number string such as "185000.00".' },
    ]);
  });

  it.each(['XYZ', 'usd', 'US', ''])('rejects the unknown currency code "%s"', (currency) => {
    const issues = moneyIssues({ amount: '100.00', currency });

    expect(issues).toEqual([{ field: 'currency', message: `Unknown ISO 4217 currency code "${currency}".` }]);
  });

  it('accepts the largest allowed amount', () => {
    const dto = { amount: `${MAX_MAJOR_UNITS}.99`, currency: 'USD' };

    const issues = moneyIssues(dto);

    expect(issues).toEqual([]);
  });

  it('rejects an amount above the largest allowed amount', () => {
    const dto = { amount: `${MAX_MAJOR_UNITS + 1n}.00`, currency: 'USD' };

    const issues = moneyIssues(dto);

    expect(issues).toEqual([{ field: 'amount', message: `Must not exceed ${MAX_MAJOR_UNITS}.` }]);
  });
});

describe('currency reference data', () => {
  it.each([
    ['JPY', 0],
    ['KRW', 0],
    ['USD', 2],
    ['EUR', 2],
    ['GBP', 2],
    ['KWD', 3],
    ['BHD', 3],
    ['CLF', 4],
  ])('knows that %s has %i minor digits', (currency, digits) => {
    expect(isKnownCurrency(currency)).toBe(true);
    expect(minorDigits(currency)).toBe(digits);
  });
});

describe('parseMoney', () => {
  it.each([
    ['185000.00', 'USD', 18_500_000],
    ['185000.5', 'USD', 18_500_050],
    ['185000', 'USD', 18_500_000],
    ['0.01', 'USD', 1],
    ['1500', 'JPY', 1500],
    ['1.5', 'KWD', 1500],
    ['0.001', 'KWD', 1],
    ['12.345', 'KWD', 12_345],
  ])('reads %s %s as %i exact minor units', (amount, currency, minor) => {
    const money = parseMoney({ amount, currency });

    expect(money).toEqual({ minor, currency });
  });

  it('keeps amounts exact where binary floating point would not', () => {
    const money = parseMoney({ amount: '0.29', currency: 'USD' });

    expect(money.minor).toBe(29);
    expect(Number.isInteger(money.minor)).toBe(true);
  });

  it.each([
    ['USD', `${MAX_MAJOR_UNITS}.99`, 99_999_999_999_999],
    ['JPY', `${MAX_MAJOR_UNITS}`, 999_999_999_999],
    ['KWD', `${MAX_MAJOR_UNITS}.999`, 999_999_999_999_999],
  ])('keeps the largest %s amount a safe integer', (currency, amount, minor) => {
    const money = parseMoney({ amount, currency });

    expect(money.minor).toBe(minor);
    expect(Number.isSafeInteger(money.minor)).toBe(true);
  });

  it('throws a RangeError naming the problem for an amount moneyIssues rejects', () => {
    const dto = { amount: '1.234', currency: 'USD' };

    const parse = () => parseMoney(dto);

    expect(parse).toThrow(RangeError);
    expect(parse).toThrow('USD allows at most 2 decimal places.');
  });

  it('throws for an unknown currency', () => {
    expect(() => parseMoney({ amount: '10.00', currency: 'XYZ' })).toThrow(RangeError);
  });

  it('throws for zero', () => {
    expect(() => parseMoney({ amount: '0.00', currency: 'USD' })).toThrow('Must be greater than zero.');
  });
});

describe('formatMoney', () => {
  it.each([
    [18_500_000, 'USD', '185000.00'],
    [5, 'USD', '0.05'],
    [50, 'USD', '0.50'],
    [0, 'USD', '0.00'],
    [1500, 'JPY', '1500'],
    [1, 'KWD', '0.001'],
    [12_345, 'KWD', '12.345'],
    [-5, 'USD', '-0.05'],
    [-1_000_050, 'USD', '-10000.50'],
    [-1500, 'JPY', '-1500'],
  ])('writes %i minor units of %s as "%s"', (minor, currency, amount) => {
    const dto = formatMoney({ minor, currency });

    expect(dto).toEqual({ amount, currency });
  });

  it('writes the currency’s full number of decimals when the input had fewer', () => {
    const money = parseMoney({ amount: '185000.5', currency: 'USD' });

    const dto = formatMoney(money);

    expect(dto.amount).toBe('185000.50');
  });

  it.each([
    ['185000.00', 'USD'],
    ['0.01', 'EUR'],
    ['1500', 'JPY'],
    ['1', 'JPY'],
    ['0.001', 'KWD'],
    ['12.345', 'BHD'],
    [`${MAX_MAJOR_UNITS}.99`, 'USD'],
    [`${MAX_MAJOR_UNITS}`, 'JPY'],
    [`${MAX_MAJOR_UNITS}.999`, 'KWD'],
  ])('round-trips the canonical amount %s %s unchanged', (amount, currency) => {
    const dto = { amount, currency };

    const roundTripped = formatMoney(parseMoney(dto));

    expect(roundTripped).toEqual(dto);
  });

  it('round-trips minor units through the wire form unchanged', () => {
    const money = { minor: 123_456_789, currency: 'GBP' };

    const roundTripped = parseMoney(formatMoney(money));

    expect(roundTripped).toEqual(money);
  });
});
