import middy from '@middy/core';
import { type ApiEvent, apiMiddlewares, callerOf, json, validate } from '../shared/http.js';
import { TriageQueueQuery } from './model.js';
import { triageQueue } from './triage-queue.js';

export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const { status } = validate(TriageQueueQuery, event.queryStringParameters ?? {});
    return json(200, await triageQueue(callerOf(event), status));
  });
