import middy from '@middy/core';
import { RequestIdPath, toResource } from '../requests/model.js';
import { etagOf } from '../shared/concurrency.js';
import { type ApiEvent, apiMiddlewares, callerOf, json, parseJsonBody, validate } from '../shared/http.js';
import { TriageDecisionBody } from './model.js';
import { decideTriage } from './triage-decisions.js';

/** POST /requests/{id}/triage: a triager accepts, redirects, asks for information or declines. */
export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    const { id } = validate(RequestIdPath, event.pathParameters);
    const decision = parseJsonBody(event, TriageDecisionBody);
    const request = await decideTriage(caller, id, decision, event.headers['if-match']);
    return json(200, toResource(request), { etag: etagOf(request) });
  });
