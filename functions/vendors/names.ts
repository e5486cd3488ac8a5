/**
 * Normalized names and tax ids: what makes two vendor records the same company, and the
 * case-insensitive sort key that name prefix search runs on.
 */

/** Legal forms that do not tell two companies apart ("Acme GmbH" is "Acme AG" is "ACME"). */
const LEGAL_FORMS = new Set([
  'ag',
  'bv',
  'co',
  'company',
  'corp',
  'corporation',
  'gmbh',
  'inc',
  'incorporated',
  'kg',
  'limited',
  'llc',
  'llp',
  'lp',
  'ltd',
  'nv',
  'oy',
  'plc',
  'pty',
  'sa',
  'sarl',
  'sas',
  'se',
  'spa',
  'srl',
]);

function folded(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Lower case, no accents, punctuation or legal forms, single spaces. */
export function normalizeLegalName(legalName: string): string {
  const words = folded(legalName)
    .replace(/&/g, ' and ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .split(' ');
  const significant = words.filter((word, index) => index === 0 || !LEGAL_FORMS.has(word));
  return significant.join(' ');
}

/** Upper case, letters and digits only: "DE 123.456.789" is "DE123456789". */
export function normalizeTaxId(taxId: string): string {
  return taxId.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** The prefix-searchable form of a display name: accents and case folded, spaces single. */
export function searchableName(displayName: string): string {
  return folded(displayName).replace(/\s+/g, ' ').trim();
}

/** Sort key of a vendor in the name-ordered indexes: searchable name, then id for uniqueness. */
export function sortNameOf(vendor: { displayName: string; id: string }): string {
  return `${searchableName(vendor.displayName)}#${vendor.id}`;
}
