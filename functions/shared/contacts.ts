import * as z from 'zod';

/** A person an approval step is assigned to or decided by: a name and an email address. */
export interface Contact {
  name: string;
  email: string;
}

/** Emails compare case-insensitively: that is how people (and identity providers) write them. */
export const normalizedEmail = (email: string) => email.trim().toLowerCase();

export const sameEmail = (a: string | undefined, b: string | undefined) =>
  a !== undefined && b !== undefined && normalizedEmail(a) === normalizedEmail(b);

const ContactList = z.array(z.strictObject({ name: z.string().min(1), email: z.email() })).min(1);

/** A configured list of people (`techops:triagers`, the digest's recipients), from its environment variable's JSON. */
export function parseContacts(raw: string, variable: string): Contact[] {
  const parsed = ContactList.safeParse(JSON.parse(raw));
  if (!parsed.success)
    throw new Error(`${variable} must be a JSON list of {name, email}: ${parsed.error.message}`);
  return parsed.data;
}
