/** The demo budget the local cloud seeds for the current fiscal year on an empty data dir. */
export const demoBudget = {
  currency: 'USD',
  envelope: '1500000.00',
  allocations: {
    QA: '300000.00',
    MFG: '350000.00',
    MSAT: '250000.00',
    ENG: '200000.00',
    SC: '120000.00',
    DIGITAL: '130000.00',
    STRATEGY: '50000.00',
  } as Record<string, string>,
};
