/** CSV as RFC 4180 says and spreadsheets read it safely. */

export const UTF8_BOM = '\uFEFF';

/** Characters that make a spreadsheet treat a cell as a formula (CSV/formula injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One cell: a text a spreadsheet would run as a formula gets a leading apostrophe (shown as
 * text, never evaluated); a cell with a comma, quote or line break is quoted, quotes doubled.
 */
export function csvCell(value: string | number): string {
  const text = typeof value === 'number' ? String(value) : FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: (string | number)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
