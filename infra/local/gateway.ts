import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type JWTVerifyGetKey, errors as joseErrors, jwtVerify } from 'jose';
import { claimAsApiGatewayRenders } from '../../functions/shared/auth.js';
import type { LocalLambdas } from './lambda-runtime.js';
import { LOCAL_ACCOUNT, type LocalRoute } from './template.js';

/** API Gateway's own limit on a request payload. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
const TEXT_TYPES = /^(text\/|application\/([a-z.+-]+\+)?(json|xml)|application\/x-www-form-urlencoded)/i;

interface CompiledRoute extends LocalRoute {
  pattern: RegExp;
  parameterNames: string[];
}

function compile(route: LocalRoute): CompiledRoute {
  const parameterNames: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const parameter = /^\{(.+?)(\+)?\}$/.exec(segment);
      if (!parameter) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      parameterNames.push(parameter[1] ?? '');
      return parameter[2] ? '(.+)' : '([^/]+)';
    })
    .join('/');
  return { ...route, pattern: new RegExp(`^${source}$`), parameterNames };
}

/** How API Gateway hands claims to the integration: every value a string, arrays as "[a b]". */
function claimsAsApiGatewayPasses(payload: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(payload).map(([name, value]) => [name, claimAsApiGatewayRenders(value)]),
  );
}

function send(
  response: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(body);
}

export interface GatewayOptions {
  routes: LocalRoute[];
  lambdas: LocalLambdas;
  /** The identity provider's key set; a token's `kid` picks the key. */
  keySet: JWTVerifyGetKey;
  port: number;
  onRequest?: (line: {
    method: string;
    path: string;
    routeKey: string;
    status: number;
    ms: number;
    /** Why a call was refused (401): API Gateway never says, the local console does. */
    reason?: string;
  }) => void;
}

/** Why the authorizer refused a token, in words a developer can act on (never sent to the caller). */
function refusalReason(error: joseErrors.JOSEError, route: CompiledRoute): string {
  if (error instanceof joseErrors.JWTExpired) {
    const exp = Number(error.payload.exp);
    return `the token expired${Number.isFinite(exp) ? ` at ${new Date(exp * 1000).toISOString()}` : ''}: issue a new one`;
  }
  if (
    error instanceof joseErrors.JWKSNoMatchingKey ||
    error instanceof joseErrors.JWSSignatureVerificationFailed
  ) {
    return "the token is signed with another key than this local cloud's: issue it with the same LOCAL_DATA_DIR";
  }
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    const expected = { aud: route.jwt?.audience.join(', '), iss: route.jwt?.issuer }[error.claim];
    return `the token's ${error.claim} claim is wrong (${error.reason})${expected ? `: expected ${expected}` : ''}`;
  }
  return `the token is not a valid JWT (${error.message})`;
}

/**
 * A local API Gateway HTTP API: serves exactly the synthesized routes, verifies JWTs as the
 * authorizer does, and invokes the route's Lambda with a payload format 2.0 event.
 */
export async function startGateway(options: GatewayOptions): Promise<{ url: string; server: Server }> {
  const routes = options.routes.map(compile);

  async function authorize(route: CompiledRoute, request: IncomingMessage) {
    if (!route.jwt) return { ok: true as const };
    const match = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '');
    if (!match?.[1]) {
      const reason = request.headers.authorization
        ? 'the Authorization header is not "Bearer <token>"'
        : 'no Authorization header';
      return { ok: false as const, reason };
    }
    try {
      const { payload } = await jwtVerify(match[1], options.keySet, {
        issuer: route.jwt.issuer,
        audience: route.jwt.audience,
        algorithms: ['RS256'],
        // API Gateway refuses a token that never expires.
        requiredClaims: ['exp'],
      });
      return { ok: true as const, claims: claimsAsApiGatewayPasses(payload), scopes: null };
    } catch (error) {
      if (error instanceof joseErrors.JOSEError)
        return { ok: false as const, reason: refusalReason(error, route) };
      throw error;
    }
  }

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const started = Date.now();
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = request.method ?? 'GET';
    const candidates = routes.filter((route) => route.pattern.test(url.pathname));
    const route = candidates.find((candidate) => candidate.method === method || candidate.method === 'ANY');
    const log = (status: number, reason?: string) =>
      options.onRequest?.({
        method,
        path: url.pathname,
        routeKey: route?.routeKey ?? '-',
        status,
        ms: Date.now() - started,
        ...(reason ? { reason } : {}),
      });
    if (!route) {
      send(response, 404, '{"message":"Not Found"}');
      return log(404);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    // Read to the end even past the limit: answering mid-upload would reset the connection
    // under the client before it reads the 413. What is past the limit is dropped as it comes.
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      if (size <= MAX_PAYLOAD_BYTES) chunks.push(chunk as Buffer);
    }
    if (size > MAX_PAYLOAD_BYTES) {
      send(response, 413, '{"message":"Request Entity Too Large"}');
      return log(413);
    }
    const authorization = await authorize(route, request);
    if (!authorization.ok) {
      send(response, 401, '{"message":"Unauthorized"}', { 'www-authenticate': 'Bearer' });
      return log(401, authorization.reason);
    }
    const event = buildEvent(request, url, route, Buffer.concat(chunks), authorization);
    let result: unknown;
    try {
      result = await options.lambdas.invoke(route.functionLogicalId, event);
    } catch {
      send(response, 500, '{"message":"Internal Server Error"}');
      return log(500);
    }
    const status = writeResult(response, result);
    log(status);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) send(response, 500, '{"message":"Internal Server Error"}');
      else response.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server };
}

function buildEvent(
  request: IncomingMessage,
  url: URL,
  route: CompiledRoute,
  body: Buffer,
  authorization: { claims?: Record<string, string>; scopes?: null },
) {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (name === 'cookie' || value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams)
    query[name] = name in query ? `${query[name]},${value}` : value;
  const match = route.pattern.exec(url.pathname);
  const pathParameters = Object.fromEntries(
    route.parameterNames.map((name, index) => [name, decodeURIComponent(match?.[index + 1] ?? '')]),
  );
  const isText = body.length === 0 || TEXT_TYPES.test(headers['content-type'] ?? '');
  const now = new Date();
  return {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    ...(request.headers.cookie ? { cookies: request.headers.cookie.split(/;\s*/) } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(route.parameterNames.length > 0 ? { pathParameters } : {}),
    requestContext: {
      accountId: LOCAL_ACCOUNT,
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: route.routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      ...(authorization.claims
        ? { authorizer: { jwt: { claims: authorization.claims, scopes: null } } }
        : {}),
    },
    ...(body.length > 0 ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: !isText,
  };
}

/** Maps a payload 2.0 Lambda result to the HTTP response, as API Gateway does. */
function writeResult(response: ServerResponse, result: unknown): number {
  const structured =
    result !== null && typeof result === 'object' && 'statusCode' in result
      ? (result as {
          statusCode: number;
          headers?: Record<string, string>;
          body?: string;
          isBase64Encoded?: boolean;
          cookies?: string[];
        })
      : { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(result) };
  const headers: Record<string, string | string[]> = { ...structured.headers };
  if (structured.cookies?.length) headers['set-cookie'] = structured.cookies;
  const body =
    structured.body === undefined
      ? ''
      : structured.isBase64Encoded
        ? Buffer.from(structured.body, 'base64')
        : structured.body;
  response.writeHead(structured.statusCode, headers);
  response.end(body);
  return structured.statusCode;
}
