import * as z from 'zod';

/**
 * Exact money: integer minor units internally, a decimal string with its ISO 4217 currency
 * on the wire. No floating point anywhere money flows.
 */
export interface Money {
  /** Amount in minor units (cents for USD); always a safe integer. */
  minor: number;
  currency: string;
}

export interface MoneyDto {
  amount: string;
  currency: string;
}

// Active ISO 4217 codes. Most have two minor digits; the exceptions are listed below.
const CURRENCY_CODES =
  `AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP
BYN BZD CAD CDF CHF CLF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD
GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR
LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP
PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP
TRY TTD TWD TZS UAH UGX USD UYI UYU UYW UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG`.split(
    /\s+/,
  );

const MINOR_DIGITS_EXCEPTIONS: Record<string, number> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4,
  UYW: 4,
};

const KNOWN_CURRENCIES = new Set(CURRENCY_CODES);

export function isKnownCurrency(code: string): boolean {
  return KNOWN_CURRENCIES.has(code);
}

export function minorDigits(currency: string): number {
  return MINOR_DIGITS_EXCEPTIONS[currency] ?? 2;
}

/** Largest accepted amount in major units: far above any consultancy budget. Minor units must also stay below 2^53. */
export const MAX_MAJOR_UNITS = 999_999_999_999n;

const DECIMAL = /^(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;

/** Why a money value is invalid, field by field; empty when it is valid. */
export function moneyIssues(dto: MoneyDto): { field: 'amount' | 'currency'; message: string }[] {
  const issues: { field: 'amount' | 'currency'; message: string }[] = [];
  if (!isKnownCurrency(dto.currency)) {
    issues.push({ field: 'currency', message: `Unknown ISO 4217 currency code "${dto.currency}".` });
  }
  const match = DECIMAL.exec(dto.amount);
  if (!match) {
    issues.push({ field: 'amount', message: 'Must be a decimal number string such as "185000.00".' });
    return issues;
  }
  if (/^[0.]+$/.test(dto.amount)) {
    issues.push({ field: 'amount', message: 'Must be greater than zero.' });
    return issues;
  }
  if (!isKnownCurrency(dto.currency)) return issues;
  const digits = minorDigits(dto.currency);
  const fraction = match[2] ?? '';
  if (fraction.length > digits) {
    issues.push({ field: 'amount', message: `${dto.currency} allows at most ${digits} decimal places.` });
  } else if (
    BigInt(match[1] ?? '0') > MAX_MAJOR_UNITS ||
    BigInt(`${match[1]}${fraction.padEnd(digits, '0')}`) > BigInt(Number.MAX_SAFE_INTEGER)
  ) {
    issues.push({
      field: 'amount',
      message: `Must not exceed ${MAX_MAJOR_UNITS}.`,
    });
  }
  return issues;
}

/** Parses a validated wire amount into exact minor units. Throws on anything `moneyIssues` reports. */
export function parseMoney(dto: MoneyDto): Money {
  const issues = moneyIssues(dto);
  if (issues.length > 0 || !isKnownCurrency(dto.currency)) {
    throw new RangeError(
      issues.map((issue) => issue.message).join(' ') || `Unknown currency ${dto.currency}`,
    );
  }
  const [whole = '0', fraction = ''] = dto.amount.split('.');
  const digits = minorDigits(dto.currency);
  const minor = BigInt(whole) * 10n ** BigInt(digits) + BigInt(fraction.padEnd(digits, '0') || '0');
  return { minor: Number(minor), currency: dto.currency };
}

/** The wire form; a negative amount (a running total such as an overspent line's available) keeps its sign. */
export function formatMoney(money: Money): MoneyDto {
  const digits = minorDigits(money.currency);
  const sign = money.minor < 0 ? '-' : '';
  const text = (BigInt(money.minor) * (money.minor < 0 ? -1n : 1n)).toString().padStart(digits + 1, '0');
  const amount = digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  return { amount: `${sign}${amount}`, currency: money.currency };
}

/** The fields of an amount on the wire, for bodies that carry an amount beside other fields. */
export const MONEY_FIELDS = {
  amount: z.string().max(32).describe('Decimal string in major units, e.g. "185000.00".'),
  currency: z.string().regex(/^[A-Z]{3}$/, 'Must be a three-letter ISO 4217 code.'),
};

/** Checks an amount's precision and range against its currency (a zod superRefine). */
export function refineMoney(value: MoneyDto, context: z.RefinementCtx): void {
  const wellFormedCode = /^[A-Z]{3}$/.test(value.currency);
  for (const issue of moneyIssues(value)) {
    // A malformed code has its own message from the schema: say it once.
    if (issue.field === 'currency' && !wellFormedCode) continue;
    context.addIssue({ code: 'custom', path: [issue.field], message: issue.message });
  }
}

/** The wire schema of an amount; the amount's precision is checked against its currency too. */
export const MoneySchema = z
  .strictObject(MONEY_FIELDS)
  .superRefine(refineMoney)
  .meta({ id: 'Money', example: { amount: '185000.00', currency: 'USD' } });
