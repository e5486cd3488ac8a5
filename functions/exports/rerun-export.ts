import middy from '@middy/core';
import { type ApiEvent, apiMiddlewares, callerOf, json, validate } from '../shared/http.js';
import { createOnce, headersOf, idempotencyClaimOf } from '../shared/idempotency.js';
import { startExportJob } from './export-job-starter.js';
import { rerunExport } from './export-requests.js';
import { exportsTableName } from './export-store.js';
import { ExportPath, type ExportResourceType } from './model.js';

/** POST /exports/{exportId}/rerun: a new job over the same entries, whose file has the same bytes. */
export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    const { exportId } = validate(ExportPath, event.pathParameters);
    const result = await createOnce<ExportResourceType>(
      idempotencyClaimOf(event, caller, exportsTableName, null),
      (alongside) => rerunExport(caller, exportId, startExportJob, new Date(), alongside),
      (job) => ({ statusCode: 202, body: job, headers: { location: `/exports/${job.id}` } }),
    );
    return json(result.statusCode, result.body, headersOf(result));
  });
