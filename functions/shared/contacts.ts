/** A person an approval step is assigned to or decided by: a name and an email address. */
export interface Contact {
  name: string;
  email: string;
}

/** Emails compare case-insensitively: that is how people (and identity providers) write them. */
export const normalizedEmail = (email: string) => email.trim().toLowerCase();

export const sameEmail = (a: string | undefined, b: string | undefined) =>
  a !== undefined && b !== undefined && normalizedEmail(a) === normalizedEmail(b);
