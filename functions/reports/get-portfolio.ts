import middy from '@middy/core';
import { type ApiEvent, apiMiddlewares, callerOf, json, validate } from '../shared/http.js';
import { PortfolioQuery } from './model.js';
import { getPortfolio } from './portfolio-queries.js';

/** GET /reports/portfolio: the figures as JSON, or 303 See Other to the page's download. */
export const handler = middy<ApiEvent>()
  .use(apiMiddlewares())
  .handler(async (event) => {
    const caller = callerOf(event);
    const query = validate(PortfolioQuery, event.queryStringParameters ?? {});
    const result = await getPortfolio(caller, query);
    return result.format === 'html'
      ? json(303, result.download, { location: result.download.downloadUrl })
      : json(200, result.portfolio);
  });
