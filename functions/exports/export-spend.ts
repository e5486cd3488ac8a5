import middy from '@middy/core';
import { type ApiEvent, apiMiddlewares, callerOf, json, validate } from '../shared/http.js';
import { ExportSpendQuery } from './model.js';
import { exportSpend } from './spend-export.js';

/** GET /exports/spend: the export lands in S3 and the caller is sent there with 303 See Other. */
export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    const query = validate(ExportSpendQuery, event.queryStringParameters ?? {});
    const result = await exportSpend(caller, query);
    return json(303, result, { location: result.downloadUrl });
  });
