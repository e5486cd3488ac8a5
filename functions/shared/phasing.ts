import * as z from 'zod';
import type { FieldIssue } from './errors.js';
import { FISCAL_YEAR_PATTERN, fiscalYearOf } from './fiscal-year.js';
import { formatMoney, type Money, type MoneyDto, MoneySchema, parseMoney } from './money.js';

/**
 * Multi-year requests. A request whose dates touch more than one fiscal year is phased: its
 * estimated cost is split into one part per fiscal year, each checked, committed and released on
 * that year's budget line. The requester may state the parts; otherwise they are worked out pro
 * rata by days. Requests, triage and budgets all read a request's parts, so this lives in the
 * shared kernel (as the fiscal year itself does).
 */

export const PHASING_BASES = ['STATED', 'PRO_RATA_BY_DAYS'] as const;
export type PhasingBasis = (typeof PHASING_BASES)[number];

/** One fiscal year's part of a request, as stored (exact minor units). */
export interface PhasingPart {
  fiscalYear: string;
  amount: Money;
  /** How many of the request's days (start and end inclusive) fall in the fiscal year. */
  days: number;
}

export interface StoredPhasing {
  basis: PhasingBasis;
  parts: PhasingPart[];
}

/** The submission's `phasing`: the requester's parts, one per fiscal year the dates touch. */
export const PhasingInput = z
  .array(
    z.strictObject({
      fiscalYear: z.string().regex(FISCAL_YEAR_PATTERN, 'Must be a fiscal year such as "FY2027".'),
      amount: MoneySchema,
    }),
  )
  .min(1)
  .max(100)
  .describe(
    "The estimated cost split by fiscal year: one entry per fiscal year the request's dates touch, each above zero, in the estimated cost's currency, summing exactly to it. Left out, a request spanning fiscal years is split pro rata by days.",
  );
export type PhasingInputType = z.infer<typeof PhasingInput>;

export const PhasingResource = z
  .object({
    basis: z
      .enum(PHASING_BASES)
      .describe(
        'STATED: the requester gave the parts. PRO_RATA_BY_DAYS: worked out from the days in each fiscal year (whole minor units, each part rounded down, the remainder added to the last year).',
      ),
    parts: z.array(
      z.object({
        fiscalYear: z.string(),
        amount: z.object({ amount: z.string(), currency: z.string() }),
        days: z.number().int().describe("The request's days (start and end inclusive) in the fiscal year."),
      }),
    ),
  })
  .describe(
    "How the estimated cost is split by fiscal year: each part is checked, committed and released on its year's budget line. Present when the request's dates span fiscal years, or the requester stated a phasing.",
  )
  .meta({ id: 'Phasing' });

const DAY_MS = 86_400_000;
const dayNumber = (isoDate: string) => Date.parse(`${isoDate}T00:00:00Z`) / DAY_MS;
const isoDateOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** The last day of the fiscal year a date is in. */
function fiscalYearEndOf(isoDate: string, startMonth: number): string {
  const endYear = Number(fiscalYearOf(isoDate, startMonth).slice(2));
  // The day before the next fiscal year starts (month `startMonth` of the end year, or January after it).
  const nextStart = startMonth === 1 ? Date.UTC(endYear + 1, 0, 1) : Date.UTC(endYear, startMonth - 1, 1);
  return isoDateOf(nextStart / DAY_MS - 1);
}

/** The fiscal years a request's dates touch, in order, with the request's days in each. */
export function fiscalYearsTouched(
  startDate: string,
  endDate: string,
  startMonth: number,
): { fiscalYear: string; days: number }[] {
  const years: { fiscalYear: string; days: number }[] = [];
  let from = startDate;
  while (from <= endDate) {
    const yearEnd = fiscalYearEndOf(from, startMonth);
    const to = yearEnd < endDate ? yearEnd : endDate;
    years.push({ fiscalYear: fiscalYearOf(from, startMonth), days: dayNumber(to) - dayNumber(from) + 1 });
    from = isoDateOf(dayNumber(to) + 1);
  }
  return years;
}

/**
 * Splits an amount over the years by their days, in whole minor units: each year but the last
 * gets floor(total x days / all days); the last year gets the rest (so the remainder of the
 * rounding, less than one minor unit per year, always lands on the last year). BigInt keeps
 * total x days exact beyond 2^53.
 */
export function proRataByDays(total: Money, years: { fiscalYear: string; days: number }[]): PhasingPart[] {
  const allDays = BigInt(years.reduce((sum, year) => sum + year.days, 0));
  let given = 0;
  return years.map((year, index) => {
    const minor =
      index === years.length - 1
        ? total.minor - given
        : Number((BigInt(total.minor) * BigInt(year.days)) / allDays);
    given += minor;
    return { fiscalYear: year.fiscalYear, amount: { minor, currency: total.currency }, days: year.days };
  });
}

/**
 * What is wrong with a stated phasing, every problem at once (fields as `phasing.<i>.<field>`).
 * Checked only once the estimated cost and dates are valid: the parts are judged against them.
 */
export function phasingIssues(
  phasing: PhasingInputType,
  request: { estimatedCost: MoneyDto; startDate: string; endDate: string },
  startMonth: number,
): FieldIssue[] {
  const touched = fiscalYearsTouched(request.startDate, request.endDate, startMonth).map(
    (year) => year.fiscalYear,
  );
  const listed = touched.join(', ');
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  const currency = request.estimatedCost.currency;
  for (const [index, part] of phasing.entries()) {
    if (seen.has(part.fiscalYear)) {
      issues.push({ field: `phasing.${index}.fiscalYear`, message: `${part.fiscalYear} is listed twice.` });
    } else if (!touched.includes(part.fiscalYear)) {
      issues.push({
        field: `phasing.${index}.fiscalYear`,
        message: `${part.fiscalYear} is not among the fiscal years the dates touch (${listed}).`,
      });
    }
    seen.add(part.fiscalYear);
    if (part.amount.currency !== currency) {
      issues.push({
        field: `phasing.${index}.amount.currency`,
        message: `Must be the estimated cost's currency, ${currency}.`,
      });
    }
  }
  const missing = touched.filter((fiscalYear) => !seen.has(fiscalYear));
  if (missing.length > 0) {
    issues.push({
      field: 'phasing',
      message: `Missing ${missing.join(', ')}: give one entry per fiscal year the dates touch (${listed}).`,
    });
  }
  if (phasing.every((part) => part.amount.currency === currency)) {
    const total = parseMoney(request.estimatedCost);
    const sum = phasing.reduce((minor, part) => minor + parseMoney(part.amount).minor, 0);
    if (sum !== total.minor) {
      const money = (minor: number) => `${formatMoney({ minor, currency }).amount} ${currency}`;
      issues.push({
        field: 'phasing',
        message: `The parts sum to ${money(sum)}; they must sum exactly to the estimated cost, ${money(total.minor)}.`,
      });
    }
  }
  return issues;
}

/**
 * A request's phasing as stored: the stated parts (in fiscal year order) when given, else pro
 * rata by days when its dates span fiscal years; undefined for a single-year request with no
 * stated phasing. Expects a phasing without `phasingIssues`.
 */
export function phasingOf(
  request: { estimatedCost: Money; startDate: string; endDate: string; phasing?: PhasingInputType },
  startMonth: number,
): StoredPhasing | undefined {
  const years = fiscalYearsTouched(request.startDate, request.endDate, startMonth);
  if (request.phasing) {
    const days = new Map(years.map((year) => [year.fiscalYear, year.days]));
    return {
      basis: 'STATED',
      parts: years.map(({ fiscalYear }) => {
        const stated = request.phasing?.find((part) => part.fiscalYear === fiscalYear) as {
          amount: MoneyDto;
        };
        return { fiscalYear, amount: parseMoney(stated.amount), days: days.get(fiscalYear) ?? 0 };
      }),
    };
  }
  if (years.length < 2) return undefined;
  return { basis: 'PRO_RATA_BY_DAYS', parts: proRataByDays(request.estimatedCost, years) };
}

/**
 * What a request asks of each fiscal year: its phasing's parts with an amount (a pro-rata part
 * may round to zero), or the whole estimated cost in its start year.
 */
export function budgetPartsOf(request: {
  fiscalYear: string;
  estimatedCost: Money;
  phasing?: StoredPhasing | undefined;
}): { fiscalYear: string; amount: Money }[] {
  const parts = request.phasing?.parts.filter((part) => part.amount.minor > 0);
  return parts && parts.length > 0
    ? parts.map(({ fiscalYear, amount }) => ({ fiscalYear, amount }))
    : [{ fiscalYear: request.fiscalYear, amount: request.estimatedCost }];
}

/** The fiscal years a request asks money of, in order (its start year alone when not phased). */
export const fiscalYearsAskedOf = (request: {
  fiscalYear: string;
  phasing?: StoredPhasing | undefined;
}): string[] => {
  const years = request.phasing?.parts.filter((part) => part.amount.minor > 0).map((part) => part.fiscalYear);
  return years && years.length > 0 ? years : [request.fiscalYear];
};

/** A request's part in one fiscal year, in minor units (zero when it asks nothing of that year). */
export const budgetPartIn = (request: Parameters<typeof budgetPartsOf>[0], fiscalYear: string): number =>
  budgetPartsOf(request).find((part) => part.fiscalYear === fiscalYear)?.amount.minor ?? 0;

/** The wire form of a stored phasing. */
export const phasingResourceOf = (phasing: StoredPhasing) => ({
  basis: phasing.basis,
  parts: phasing.parts.map((part) => ({ ...part, amount: formatMoney(part.amount) })),
});

/** A stated phasing as the requester would submit it again (PATCH starts from it). */
export const statedPhasingInputOf = (phasing: StoredPhasing | undefined): PhasingInputType | undefined =>
  phasing?.basis === 'STATED'
    ? phasing.parts.map((part) => ({ fiscalYear: part.fiscalYear, amount: formatMoney(part.amount) }))
    : undefined;
