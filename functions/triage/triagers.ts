import { type Contact, parseContacts } from '../shared/contacts.js';

/** Who triages requests: from the deployment's configuration (`techops:triagers`), read once. */
export const parseTriagers = (raw: string): Contact[] => parseContacts(raw, 'TRIAGERS');
