import middy from '@middy/core';
import { type ApiEvent, apiMiddlewares, callerOf, json, validate } from '../shared/http.js';
import { showExport } from './export-status.js';
import { ExportPath } from './model.js';

/** GET /exports/{exportId}: status, progress and, when done, a short-lived download link. */
export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    const { exportId } = validate(ExportPath, event.pathParameters);
    return json(200, await showExport(caller, exportId));
  });
