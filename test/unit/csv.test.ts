import { describe, expect, it } from 'vitest';
import { csvCell, csvLine } from '../../functions/exports/csv.js';
import { spendExportFileName } from '../../functions/exports/model.js';

describe('csvCell', () => {
  it.each([
    ['=HYPERLINK("http://evil.example","x")', `"'=HYPERLINK(""http://evil.example"",""x"")"`],
    ['+1+1', "'+1+1"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1:A9)', "'@SUM(A1:A9)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', `"'\rcmd"`],
  ])('neutralises %j so a spreadsheet shows it as text', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it.each([
    ['plain', 'plain'],
    ['a, b', '"a, b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\r\nlines', '"two\r\nlines"'],
    ['Müller & Söhne', 'Müller & Söhne'],
    ['', ''],
  ])('quotes %j per RFC 4180 only where needed', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it('writes numbers as they are', () => {
    expect(csvCell(3)).toBe('3');
  });
});

describe('csvLine', () => {
  it('joins cells with commas and ends the record with CRLF', () => {
    expect(csvLine(['a', 'b,c', 1])).toBe('a,"b,c",1\r\n');
  });
});

describe('spendExportFileName', () => {
  it('names the year, the filters and the time of the export', () => {
    const name = spendExportFileName(
      { fiscalYear: 'FY2027', format: 'csv', businessFunction: 'QA', vendorId: 'ven_01jabc' },
      new Date('2027-01-15T10:30:00.123Z'),
    );

    expect(name).toBe('spend-FY2027-QA-ven_01jabc-20270115T103000Z.csv');
  });

  it('leaves out filters that were not given', () => {
    expect(
      spendExportFileName({ fiscalYear: 'FY2027', format: 'json' }, new Date('2027-01-15T10:30:00Z')),
    ).toBe('spend-FY2027-20270115T103000Z.json');
  });
});
