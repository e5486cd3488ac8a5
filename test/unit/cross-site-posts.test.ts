import { describe, expect, it } from 'vitest';
import { refuseCrossSitePost } from '../../functions/approvals/page-http.js';
import { ForbiddenError } from '../../functions/shared/errors.js';
import type { ApiEvent } from '../../functions/shared/http.js';

const PUBLIC_BASE_URL = 'https://consultancy.techops.example';

/** A form post as API Gateway hands it on, here behind a custom domain's CDN (another Host). */
const post = (headers: Record<string, string>) =>
  ({ headers: { host: 'abc123.execute-api.eu-central-1.amazonaws.com', ...headers } }) as unknown as ApiEvent;

describe('refuseCrossSitePost', () => {
  it.each([
    ['no Origin and no Sec-Fetch-Site', {}],
    ['the public base URL as Origin', { origin: PUBLIC_BASE_URL, 'sec-fetch-site': 'same-origin' }],
    ['the Host as Origin', { origin: 'https://abc123.execute-api.eu-central-1.amazonaws.com' }],
    ['Sec-Fetch-Site: none (typed in)', { 'sec-fetch-site': 'none' }],
    ['the opaque Origin of its own no-referrer page', { origin: 'null', 'sec-fetch-site': 'same-origin' }],
    ['an opaque Origin alone (an older browser)', { origin: 'null' }],
  ])('takes a post with %s', (_case, headers) => {
    expect(() => refuseCrossSitePost(post(headers), PUBLIC_BASE_URL)).not.toThrow();
  });

  it.each([
    ['a foreign Origin', { origin: 'https://evil.example' }],
    ['a sibling subdomain', { origin: 'https://evil.techops.example' }],
    ['the public host over http', { origin: 'http://consultancy.techops.example' }],
    ['an opaque Origin on a cross-site fetch', { origin: 'null', 'sec-fetch-site': 'cross-site' }],
    ['an unreadable Origin', { origin: 'not a url' }],
    [
      'a same-origin Origin but a cross-site fetch',
      { origin: PUBLIC_BASE_URL, 'sec-fetch-site': 'cross-site' },
    ],
  ])('refuses a post with %s', (_case, headers) => {
    expect(() => refuseCrossSitePost(post(headers), PUBLIC_BASE_URL)).toThrow(ForbiddenError);
  });
});
