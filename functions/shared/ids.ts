import { monotonicFactory } from 'ulid';

/** Kinds of identifiers and their prefixes: sortable by creation time, unguessable. */
const prefixes = {
  request: 'req',
  vendor: 'ven',
  approval: 'apr',
  contract: 'ctr',
  rate: 'rat',
  review: 'rev',
  auditEvent: 'evt',
  ledgerEntry: 'led',
  transfer: 'trf',
  export: 'exp',
  delegation: 'dlg',
} as const;
export type IdKind = keyof typeof prefixes;

const nextUlid = monotonicFactory();

export function newId(kind: IdKind, now = Date.now()): string {
  return `${prefixes[kind]}_${nextUlid(now).toLowerCase()}`;
}

/** The shape of an id of a kind: its prefix and a lower-case ULID (Crockford base32). */
export function idPattern(kind: IdKind): RegExp {
  return new RegExp(`^${prefixes[kind]}_[0-9a-hjkmnp-tv-z]{26}$`);
}
