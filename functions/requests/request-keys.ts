/**
 * How requests are stored: their item keys and the list indexes. The CDK app builds the
 * Requests table's indexes from REQUEST_INDEXES, and the queries name them from here, so an
 * index name is written once.
 */

export const requestKey = (id: string) => ({ pk: `REQUEST#${id}`, sk: 'REQUEST' });

/** The list indexes of requests (index name: partition attribute); each sorts by the time-ordered id. */
export const REQUEST_INDEXES = {
  byBusinessFunction: 'businessFunction',
  byStatus: 'status',
  byFiscalYear: 'fiscalYear',
  byEntity: 'entity',
} as const;

export type RequestIndexName = keyof typeof REQUEST_INDEXES;
