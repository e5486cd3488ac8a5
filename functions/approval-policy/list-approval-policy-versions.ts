import middy from '@middy/core';
import { type ApiEvent, apiMiddlewares, callerOf, json, validate } from '../shared/http.js';
import { assertMayReadApprovalPolicy } from './access.js';
import { ListPolicyVersionsQuery } from './api-schemas.js';
import { listPolicyVersions } from './policy-store.js';

/** Published versions, newest first: who published each, when, and how many rules it has. */
export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    assertMayReadApprovalPolicy(callerOf(event));
    const query = validate(ListPolicyVersionsQuery, event.queryStringParameters ?? {});
    const page = await listPolicyVersions(query);
    return json(200, {
      ...page,
      items: page.items.map(({ version, changedBy, changedAt, document }) => ({
        version,
        changedBy,
        changedAt,
        rules: document.rules.length,
      })),
    });
  });
