import { monotonicFactory } from 'ulid';

/** Kinds of identifiers and their prefixes: sortable by creation time, unguessable. */
const prefixes = { request: 'req', auditEvent: 'evt' } as const;
export type IdKind = keyof typeof prefixes;

const nextUlid = monotonicFactory();

export function newId(kind: IdKind, now = Date.now()): string {
  return `${prefixes[kind]}_${nextUlid(now).toLowerCase()}`;
}

export function isId(kind: IdKind, value: string): boolean {
  return new RegExp(`^${prefixes[kind]}_[0-9a-hjkmnp-tv-z]{26}$`).test(value);
}
