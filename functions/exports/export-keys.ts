/**
 * How exports are laid out in the Exports table (env-free: the CDK app reads the TTL attribute
 * here too):
 *
 *   EXPORT#<export id>           EXPORT          an export job: what it covers, status, progress, file
 *   SCHEDULE#<kind>#<fy>         LATEST          the daily export's last export of a fiscal year
 *                                                (the next one starts after it)
 *   IDEMPOTENCY#<sub>            <route>#<key>   POST /exports' first response, for retries
 *                                                (functions/shared/idempotency.ts; TTL expiresAt)
 */
export const exportKeys = {
  exportJob: (exportId: string) => ({ pk: `EXPORT#${exportId}`, sk: 'EXPORT' }),
  schedulePointer: (kind: string, fiscalYear: string) => ({
    pk: `SCHEDULE#${kind}#${fiscalYear}`,
    sk: 'LATEST',
  }),
};

export const EXPORTS_TTL_ATTRIBUTE = 'expiresAt';
