import middy from '@middy/core';
import * as z from 'zod';
import { etagOf } from '../shared/concurrency.js';
import { type ApiEvent, apiMiddlewares, callerOf, json, parseJsonBody, validate } from '../shared/http.js';
import { RequestIdPath, toResource } from './model.js';
import { editRequest } from './request-revision.js';

/** PATCH /requests/{id}: the requester changes a request triage sent back for information. */
export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    const { id } = validate(RequestIdPath, event.pathParameters);
    // Validated as a whole submission once merged with the stored request (every problem listed).
    const patch = parseJsonBody(event, z.unknown());
    const request = await editRequest(caller, id, patch, event.headers['if-match']);
    return json(200, toResource(request), { etag: etagOf(request) });
  });
