import type { InternalCapabilityBodyType } from './model.js';

/** In-house teams the local cloud seeds with the business functions, so the assessment has something to suggest. */
export const demoInternalCapabilities: Record<string, InternalCapabilityBodyType> = {
  CQV_TEAM: {
    name: 'In-house CQV team',
    owner: { name: 'Hannah Berg', email: 'hannah.berg@techops.example' },
    categories: ['VALIDATION_CQV'],
    note: 'Four validation engineers; about six weeks lead time for IQ/OQ/PQ work.',
  },
  DATA_OFFICE: {
    name: 'TechOps data office',
    owner: { name: 'Ravi Menon', email: 'ravi.menon@techops.example' },
    categories: ['DIGITAL_DATA'],
    note: 'Data engineering and dashboards on the TechOps data platform.',
  },
  OPEX_OFFICE: {
    name: 'Operational excellence office',
    owner: { name: 'Sofia Marin', email: 'sofia.marin@techops.example' },
    categories: ['OPERATIONAL_EXCELLENCE', 'PROCESS_ENGINEERING'],
  },
};
