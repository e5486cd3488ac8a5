import middy from '@middy/core';
import * as z from 'zod';
import { etagOf } from '../shared/concurrency.js';
import { type ApiEvent, apiMiddlewares, callerOf, json, parseJsonBody } from '../shared/http.js';
import { publishApprovalPolicy } from './policy-commands.js';

/** Publishes a new version (admin, If-Match); the document is checked in full by the command. */
export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    // Any JSON object here: the command reports shape and reference problems together.
    const document = parseJsonBody(event, z.unknown());
    const policy = await publishApprovalPolicy(caller, document, event.headers['if-match']);
    return json(200, policy, { etag: etagOf(policy) });
  });
