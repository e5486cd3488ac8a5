import middy from '@middy/core';
import { listAuditEventsOfEntity } from '../shared/audit.js';
import { type ApiEvent, apiMiddlewares, callerOf, json, validate } from '../shared/http.js';
import { allInOrder } from '../shared/parallel.js';
import { RequestHistoryQuery, RequestIdPath } from './model.js';
import { getRequestVisibleTo } from './request-queries.js';

/** The audit trail of one request, oldest first. */
export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    const { id } = validate(RequestIdPath, event.pathParameters);
    const page = validate(RequestHistoryQuery, event.queryStringParameters ?? {});
    // Both reads at once; the visibility check decides first (404/403 before anything else).
    const [, events] = await allInOrder(
      getRequestVisibleTo(caller, id),
      listAuditEventsOfEntity('REQUEST', id, page),
    );
    return json(200, events);
  });
