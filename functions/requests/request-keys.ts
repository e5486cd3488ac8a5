import { type ConsultancyRequest, UNDECIDED_STATUSES } from './model.js';

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
  // Sparse: only undecided requests carry `undecidedIn` (their business function), so the
  // pipeline of a business function is read without its history of decided requests.
  undecidedByBusinessFunction: 'undecidedIn',
} as const;

export type RequestIndexName = keyof typeof REQUEST_INDEXES;

/** A request as stored: its keys, and the attributes its indexes need beside its own fields. */
export function requestItem(request: ConsultancyRequest): Record<string, unknown> {
  const undecided = (UNDECIDED_STATUSES as readonly string[]).includes(request.status);
  return {
    ...requestKey(request.id),
    entity: 'REQUEST',
    ...request,
    ...(undecided ? { undecidedIn: request.businessFunction } : {}),
  };
}
