import middy from '@middy/core';
import * as z from 'zod';
import { type ApiEvent, apiMiddlewares, callerOf, json, parseJsonBody, validate } from '../shared/http.js';
import { createOnce, headersOf, idempotencyClaimOf } from '../shared/idempotency.js';
import { startExportJob } from './export-job-starter.js';
import { requestExport } from './export-request.js';
import { exportsTableName } from './export-store.js';
import { CreateExportBody, type ExportResourceType } from './model.js';

/** POST /exports: 202 with the job; the export job Lambda writes the file. Idempotency-Key makes retries safe. */
export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    const raw = parseJsonBody(event, z.unknown());
    const body = validate(CreateExportBody, raw);
    const result = await createOnce<ExportResourceType>(
      idempotencyClaimOf(event, caller, exportsTableName, raw),
      (alongside) => requestExport(caller, body, startExportJob, new Date(), alongside),
      (job) => ({ statusCode: 202, body: job, headers: { location: `/exports/${job.id}` } }),
    );
    return json(result.statusCode, result.body, headersOf(result));
  });
