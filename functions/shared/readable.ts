/**
 * Values as people read them, for pages and emails (the API keeps its wire forms): dates in
 * words, times to the minute with their zone, amounts with grouped digits.
 */

/** "1234567.89" -> "1,234,567.89" (an amount as the API writes it; a running total may be negative). */
export function groupedAmount(amount: string): string {
  const [whole = '', fraction] = amount.replace(/^-/, '').split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${amount.startsWith('-') ? '-' : ''}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** "2027-02-01" -> "1 February 2027". */
export function readableDate(isoDate: string): string {
  const [year, month, day] = isoDate.slice(0, 10).split('-').map(Number);
  return `${day} ${MONTHS[(month ?? 1) - 1]} ${year}`;
}

/** "2026-12-07T13:14:05.123Z" -> "7 December 2026, 13:14 UTC". */
export function readableDateTime(isoTimestamp: string): string {
  const at = new Date(isoTimestamp);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${readableDate(at.toISOString())}, ${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())} UTC`;
}

/** An upper-case code as a word: "HIGH" -> "High", "NORMAL" -> "Normal". */
export function readableCode(code: string): string {
  const words = code.toLowerCase().replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
