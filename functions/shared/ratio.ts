/**
 * Ratios of money, worked out exactly on integers (BigInt) and rounded once, half up, to two
 * decimals, shown as decimal strings: the same minor units always give the same figures.
 */

/** numerator / denominator rounded half up to two decimals, as a decimal string (both >= 0, denominator > 0). */
export function roundedRatio(numerator: bigint, denominator: bigint): string {
  const hundredths = (2n * numerator * 100n + denominator) / (2n * denominator);
  const text = hundredths.toString().padStart(3, '0');
  return `${text.slice(0, -2)}.${text.slice(-2)}`;
}

/** part / whole in percent, two decimals; null when the whole is zero. */
export function percentOf(part: number, whole: number): string | null {
  if (whole <= 0) return null;
  return roundedRatio(BigInt(part) * 100n, BigInt(whole));
}
