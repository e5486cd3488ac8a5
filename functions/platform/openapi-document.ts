import * as z from 'zod';
import { GatewayMessage, Problem, ValidationProblem } from '../shared/problem.js';
import { allRoutes } from './api.js';
import { type RouteDefinition, type RouteResponse, TAGS } from './route.js';

export { Problem } from '../shared/problem.js';

type JsonSchema = Record<string, unknown>;
type Io = 'input' | 'output';

const JSON_MEDIA = 'application/json';
const PROBLEM_MEDIA = 'application/problem+json';
const HTML_MEDIA = 'text/html';
const IF_MATCH = 'if-match';
const IDEMPOTENCY_KEY = 'idempotency-key';

/** The names components get: a schema read differently in requests than in responses gets two. */
const componentName = (id: string, io: Io, split: Set<string>) =>
  io === 'input' && split.has(id) ? `${id}Input` : id;

/**
 * Renders the zod schemas of the document. A schema with an id becomes a component, referred to
 * by `$ref`; a request reads it as input (defaults optional, unknown fields as the schema says)
 * and a response as output (every field the server writes), and where those differ the input
 * reading is its own component, `<id>Input`.
 */
class SchemaRenderer {
  private readonly uses: { schema: z.ZodType; io: Io; holder: { schema?: JsonSchema } }[] = [];

  /** A placeholder, filled in by `finish` once every use is known. */
  use(schema: z.ZodType, io: Io): JsonSchema {
    const holder: { schema?: JsonSchema } = {};
    this.uses.push({ schema, io, holder });
    return holder as JsonSchema;
  }

  finish(): Record<string, JsonSchema> {
    const rendered = this.uses.map((use) => {
      const {
        $schema: _,
        $defs,
        ...root
      } = z.toJSONSchema(use.schema, {
        io: use.io,
        unrepresentable: 'any',
      }) as JsonSchema & { $defs?: Record<string, JsonSchema> };
      return { ...use, root, defs: $defs ?? {} };
    });
    const byIo: Record<Io, Record<string, JsonSchema>> = { input: {}, output: {} };
    for (const { io, defs } of rendered) Object.assign(byIo[io], defs);

    // Ids whose two readings differ, directly or through a component they refer to.
    const split = new Set<string>();
    for (let changed = true; changed; ) {
      changed = false;
      for (const [id, inputReading] of Object.entries(byIo.input)) {
        const outputReading = byIo.output[id];
        if (split.has(id) || outputReading === undefined) continue;
        const input = relink(inputReading, 'input', split);
        const output = relink(outputReading, 'output', split);
        if (JSON.stringify(input) !== JSON.stringify(output)) {
          split.add(id);
          changed = true;
        }
      }
    }

    for (const { root, io, holder } of rendered) Object.assign(holder, relink(root, io, split));
    const components: Record<string, JsonSchema> = {};
    for (const io of ['output', 'input'] as const) {
      for (const [id, schema] of Object.entries(byIo[io])) {
        components[componentName(id, io, split)] ??= relink(schema, io, split);
      }
    }
    return Object.fromEntries(Object.entries(components).sort(([a], [b]) => a.localeCompare(b)));
  }
}

/** Points a rendered schema's local `$defs` references at the components of its reading. */
function relink(schema: JsonSchema, io: Io, split: Set<string>): JsonSchema {
  return JSON.parse(
    JSON.stringify(schema).replace(
      /"#\/\$defs\/([^"]+)"/g,
      (_, id: string) => `"#/components/schemas/${componentName(id, io, split)}"`,
    ),
  );
}

function headerNamed(route: RouteDefinition, name: string) {
  return Object.entries(route.headers ?? {}).find(([header]) => header.toLowerCase() === name)?.[1];
}

function parametersOf(route: RouteDefinition, schemas: SchemaRenderer): JsonSchema[] {
  const fromObject = (where: 'path' | 'query', object: z.ZodObject | undefined) =>
    Object.entries(object?.shape ?? {}).map(([name, schema]) => ({
      name,
      in: where,
      required: where === 'path' || !(schema as z.ZodType).safeParse(undefined).success,
      schema: schemas.use(schema as z.ZodType, 'input'),
    }));
  const headers = Object.entries(route.headers ?? {}).map(([name, header]) => ({
    name,
    in: 'header',
    required: header.required ?? false,
    description: header.description,
    schema: schemas.use(header.schema, 'input'),
  }));
  return [...fromObject('path', route.pathParameters), ...fromObject('query', route.query), ...headers];
}

/** Who can give a response: the handler (problem+json, or the page), API Gateway itself, or either. */
type Origin = 'handler' | 'gateway' | 'either';

interface StandardResponse {
  description: string;
  origin: Origin;
  applies: (route: RouteDefinition) => boolean;
}

const isPage = (route: RouteDefinition) => route.produces === HTML_MEDIA;
const readsInput = (route: RouteDefinition) =>
  Boolean(route.pathParameters || route.query || route.headers || route.body || route.formBody);

/** The responses a route gives by what it is, whether or not its catalogue entry names them. */
const STANDARD_RESPONSES: Record<number, StandardResponse> = {
  400: {
    description: 'The request is invalid: every invalid field is listed in `errors`.',
    origin: 'handler',
    applies: (route) => readsInput(route) && !isPage(route),
  },
  401: {
    description:
      'No valid token. API Gateway\'s JWT authorizer answers a missing, malformed, expired or wrongly signed token itself, with {"message":"Unauthorized"}; a token without the claims the API needs gets a problem.',
    origin: 'either',
    applies: (route) => !route.public,
  },
  403: {
    description: 'The token lacks the role, or the business function, for this.',
    origin: 'handler',
    applies: (route) => !route.public,
  },
  412: {
    description: 'The resource changed since the ETag sent in If-Match.',
    origin: 'handler',
    applies: (route) => headerNamed(route, IF_MATCH) !== undefined,
  },
  413: {
    description:
      'The body is over API Gateway\'s payload limit (10 MB): {"message":"Request Entity Too Large"}.',
    origin: 'gateway',
    applies: (route) => Boolean(route.body || route.formBody),
  },
  422: {
    description: 'The Idempotency-Key was used before with a different request.',
    origin: 'handler',
    applies: (route) => headerNamed(route, IDEMPOTENCY_KEY) !== undefined,
  },
  428: {
    description: 'No If-Match header: send the ETag of the version the change is based on (or "*").',
    origin: 'handler',
    applies: (route) => headerNamed(route, IF_MATCH)?.required === true,
  },
  429: {
    description:
      'API Gateway throttled the call (the stage\'s rate or burst limit): {"message":"Too Many Requests"}. Retry after a pause.',
    origin: 'gateway',
    applies: () => true,
  },
  500: {
    description:
      'Something went wrong on our side: the handler\'s answer names no cause (quote its x-correlation-id), or API Gateway answers {"message":"Internal Server Error"} when the handler itself failed.',
    origin: 'either',
    applies: () => true,
  },
  503: {
    description:
      'Temporarily unavailable: a dependency is down for a moment (a problem saying how to recover), or the handler did not answer in time and API Gateway answers {"message":"Service Unavailable"}. Retry later.',
    origin: 'either',
    applies: () => true,
  },
};

/** Response headers: every response from a handler carries the correlation id. */
const RESPONSE_HEADERS = {
  'x-correlation-id': {
    description:
      'Tags the log lines of this call: the caller’s own x-correlation-id when well formed, else the request id. Quote it when reporting a problem.',
    schema: { type: 'string', minLength: 1, maxLength: 128 },
  },
  Location: {
    description: 'Where the created or changed resource (or the download) is.',
    schema: { type: 'string', format: 'uri-reference' },
  },
  ETag: {
    description: 'The version of the resource, a strong entity tag: send it back in If-Match.',
    schema: { type: 'string', pattern: '^"[0-9]+"$' },
  },
  'WWW-Authenticate': {
    description: "API Gateway's challenge when its JWT authorizer refuses the token.",
    schema: { type: 'string', pattern: '^Bearer' },
  },
  'Idempotent-Replayed': {
    description:
      'Present on a retry with an Idempotency-Key already used: this is the first response again and nothing new was done.',
    schema: { type: 'string', enum: ['true'] },
  },
} as const;

function headerObject(name: keyof typeof RESPONSE_HEADERS, required: boolean): JsonSchema {
  return { ...RESPONSE_HEADERS[name], required };
}

const STANDARD_PROBLEM: Record<number, z.ZodType> = { 400: ValidationProblem };

function responseOf(
  route: RouteDefinition,
  status: number,
  response: RouteResponse,
  origin: Origin,
  schemas: SchemaRenderer,
): JsonSchema {
  const content: Record<string, { schema: JsonSchema }> = {};
  if (origin !== 'gateway') {
    if (isPage(route)) content[HTML_MEDIA] = { schema: { type: 'string' } };
    else if (status >= 400) {
      content[PROBLEM_MEDIA] = {
        schema: schemas.use(response.schema ?? STANDARD_PROBLEM[status] ?? Problem, 'output'),
      };
    } else if (response.schema) content[JSON_MEDIA] = { schema: schemas.use(response.schema, 'output') };
  }
  if (origin !== 'handler') content[JSON_MEDIA] = { schema: schemas.use(GatewayMessage, 'output') };

  const headers: Record<string, JsonSchema> = {};
  if (origin !== 'gateway')
    headers['x-correlation-id'] = headerObject('x-correlation-id', origin === 'handler');
  for (const name of response.headers ?? []) headers[name] = headerObject(name, true);
  if (status === 401 && origin !== 'handler')
    headers['WWW-Authenticate'] = headerObject('WWW-Authenticate', false);
  if (status < 300 && headerNamed(route, IDEMPOTENCY_KEY)) {
    headers['Idempotent-Replayed'] = headerObject('Idempotent-Replayed', false);
  }
  return {
    description: response.description,
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    ...(Object.keys(content).length > 0 ? { content } : {}),
  };
}

function responsesOf(route: RouteDefinition, schemas: SchemaRenderer): JsonSchema {
  const statuses = new Map<number, { response: RouteResponse; origin: Origin }>();
  for (const [status, standard] of Object.entries(STANDARD_RESPONSES)) {
    if (standard.applies(route))
      statuses.set(Number(status), { response: standard, origin: standard.origin });
  }
  for (const [status, response] of Object.entries(route.responses)) {
    const standard = STANDARD_RESPONSES[Number(status)];
    statuses.set(Number(status), { response, origin: standard?.origin ?? 'handler' });
  }
  return Object.fromEntries(
    [...statuses.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, { response, origin }]) => [
        String(status),
        responseOf(route, status, response, origin, schemas),
      ]),
  );
}

function operationOf(route: RouteDefinition, schemas: SchemaRenderer): JsonSchema {
  const body = route.body
    ? { [JSON_MEDIA]: { schema: schemas.use(route.body, 'input') } }
    : route.formBody
      ? { 'application/x-www-form-urlencoded': { schema: schemas.use(route.formBody, 'input') } }
      : undefined;
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    security: route.public ? [] : [{ bearerAuth: [] }],
    parameters: parametersOf(route, schemas),
    ...(body ? { requestBody: { required: true, content: body } } : {}),
    responses: responsesOf(route, schemas),
  };
}

/** The OpenAPI 3.1 document of the API, built from the route catalogue and its zod schemas. */
export function buildOpenApiDocument(routes: RouteDefinition[] = allRoutes): JsonSchema {
  const schemas = new SchemaRenderer();
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operationOf(route, schemas) };
  }
  const components = schemas.finish();
  return {
    openapi: '3.1.0',
    info: {
      title: 'TechOps consultancy budget and vendor management API',
      version: '1.0.0',
      description: [
        'Consultancy support requests, approvals, budgets and vendors for Technical Operations.',
        '',
        'Errors are application/problem+json (RFC 9457) with a stable `type`; the problems of a refusal that depends on state carry extension members (e.g. `currentStatus`, `allowedTransitions`, the figures of a budget refusal). Responses API Gateway gives itself (401 from the JWT authorizer, 413, 429, and 500/503 when a handler fails or times out) are application/json `{"message": "..."}` instead, and so is the 404 of a path or method not described here (`{"message":"Not Found"}`).',
        '',
        'Every response from a handler carries `x-correlation-id`.',
      ].join('\n'),
    },
    servers: [
      { url: '/', description: 'This API: the host that served this document.' },
      {
        url: 'http://127.0.0.1:{port}',
        description: 'The local cloud (`npm start`).',
        variables: { port: { default: '3000', description: 'The PORT the local cloud listens on.' } },
      },
    ],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    paths,
    components: {
      schemas: components,
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
}
