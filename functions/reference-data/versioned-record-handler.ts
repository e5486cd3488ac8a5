import middy from '@middy/core';
import type * as z from 'zod';
import { type Caller, requireRole } from '../shared/auth.js';
import { etagOf } from '../shared/concurrency.js';
import {
  type ApiEvent,
  apiMiddlewares,
  callerOf,
  json,
  parseJsonBody,
  validate,
  validateBoth,
} from '../shared/http.js';

/**
 * The handler of a PUT that creates (201, Location) or replaces (200, If-Match) a versioned
 * reference record: admins only, path and body validated together, the ETag of the new version.
 */
export function versionedRecordPutHandler<Body, Stored extends { version: number }>(resource: {
  /** The path parameters, with the record's key under `key`. */
  path: z.ZodType<Record<string, string>>;
  key: string;
  body: z.ZodType<Body>;
  put: (
    caller: Caller,
    key: string,
    body: Body,
    ifMatch: string | undefined,
  ) => Promise<{ record: Stored; created: boolean }>;
  /** "/approver-groups": the collection a created record's Location is in. */
  collection: string;
}) {
  return middy<ApiEvent>()
    .use(apiMiddlewares())
    .handler(async (event) => {
      const caller = callerOf(event);
      requireRole(caller, 'admin');
      const [path, body] = validateBoth(
        () => validate(resource.path, event.pathParameters),
        () => parseJsonBody(event, resource.body),
      );
      const key = path[resource.key] as string;
      const { record, created } = await resource.put(caller, key, body, event.headers['if-match']);
      return json(created ? 201 : 200, record, {
        etag: etagOf(record),
        ...(created ? { location: `${resource.collection}/${key}` } : {}),
      });
    });
}
