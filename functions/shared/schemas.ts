import * as z from 'zod';
import { idPattern } from './ids.js';

/** Schemas every capability shares: text, dates, people, and the ids of requests and vendors. */

/**
 * Text a person typed. Control characters (C0, DEL, C1) are never part of it: they only smuggle
 * terminal escapes, bells and NULs into consoles, logs and emails. Written as ranges, not \p{Cc},
 * so the OpenAPI document's pattern reads the same in every JSON Schema validator.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const NO_CONTROLS = /^[^\u0000-\u001f\u007f-\u009f]*$/;
/** As above, but tab, line feed and carriage return (CRLF is what a browser's textarea sends). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const NO_CONTROLS_BUT_LINE_BREAKS = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$/;

/** User text for a console or a plain log line: each control character written as \uXXXX, as JSON does. */
export function escapeControlCharacters(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Refuses control characters and line breaks in a string of a format of its own (a URL, a URI). */
export const withoutControlCharacters = <T extends z.ZodString | z.ZodStringFormat>(schema: T): T =>
  schema.regex(NO_CONTROLS, 'Must not contain control characters or line breaks.') as T;

/** One line of text (a title, a name, a reference), trimmed. Add .min/.max per field. */
export const SingleLineText = withoutControlCharacters(z.string().trim());

/** Paragraphs (a description, a reason, a comment), trimmed. Add .min/.max per field. */
export const MultiLineText = z
  .string()
  .trim()
  .regex(NO_CONTROLS_BUT_LINE_BREAKS, 'Must not contain control characters other than tabs and line breaks.');

const EARLIEST_DATE = '2000-01-01';
const LATEST_DATE = '2100-12-31';

/**
 * A calendar date, within years a budget can be about: year 1 would be fiscal year FY1, which
 * no budget route takes. A malformed date is reported by its form only.
 */
export const IsoDate = z.iso
  .date('Must be a date in the form YYYY-MM-DD.')
  .refine(
    (date) => !/^\d{4}-\d{2}-\d{2}$/.test(date) || (date >= EARLIEST_DATE && date <= LATEST_DATE),
    `Must be a date between ${EARLIEST_DATE} and ${LATEST_DATE}.`,
  );

/** A person in a resource: who requested, decided, reviewed. */
export const PersonResource = z.object({ sub: z.string(), name: z.string(), email: z.string() });

/** A person to reach, without an identity: an approver, an owner, a head. */
export const ContactResource = z.object({ name: z.string(), email: z.string() });

export const RequestId = z.string().regex(idPattern('request'), 'Must be a request id such as "req_01j...".');

export const VendorId = z.string().regex(idPattern('vendor'), 'Must be a vendor id such as "ven_01j...".');
