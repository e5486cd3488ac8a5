import type { BusinessFunction } from './schemas.js';

/** Demo reference data the local cloud seeds on an empty data dir, so a newcomer can try it at once. */
export const demoBusinessFunctions: BusinessFunction[] = [
  {
    code: 'QA',
    name: 'Quality Assurance',
    head: { name: 'Dr. Ingrid Hale', email: 'ingrid.hale@techops.example' },
  },
  {
    code: 'MFG',
    name: 'Manufacturing',
    head: { name: 'Marcus Okafor', email: 'marcus.okafor@techops.example' },
  },
  {
    code: 'MSAT',
    name: 'Manufacturing Science & Technology',
    head: { name: 'Dr. Priya Raman', email: 'priya.raman@techops.example' },
  },
  {
    code: 'ENG',
    name: 'Engineering',
    head: { name: 'Tomas Lindqvist', email: 'tomas.lindqvist@techops.example' },
  },
  {
    code: 'SC',
    name: 'Supply Chain',
    head: { name: 'Elena Vasquez', email: 'elena.vasquez@techops.example' },
  },
  {
    code: 'DIGITAL',
    name: 'Digital & Data',
    head: { name: 'Kenji Watanabe', email: 'kenji.watanabe@techops.example' },
  },
  {
    code: 'STRATEGY',
    name: 'Strategy & Business Operations',
    head: { name: 'Claire Dubois', email: 'claire.dubois@techops.example' },
  },
  {
    code: 'FINANCE',
    name: 'TechOps Finance',
    head: { name: 'Samuel Adeyemi', email: 'samuel.adeyemi@techops.example' },
  },
];
