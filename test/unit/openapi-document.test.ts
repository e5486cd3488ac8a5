import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { allRoutes } from '../../functions/platform/api.js';
import { buildOpenApiDocument } from '../../functions/platform/openapi-document.js';
import type { RouteDefinition } from '../../functions/platform/route.js';

interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, unknown>;
  required?: string[];
  additionalProperties?: boolean;
}

interface Response {
  description: string;
  headers?: Record<string, { required: boolean; schema: Schema }>;
  content?: Record<string, { schema: Schema }>;
}

interface Operation {
  operationId: string;
  security: Record<string, string[]>[];
  requestBody?: { required: boolean; content: Record<string, { schema: Schema }> };
  responses: Record<string, Response>;
}

interface OpenApiDocument {
  openapi: string;
  servers: { url: string }[];
  tags: { name: string; description: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, Schema>;
    securitySchemes: Record<string, Record<string, unknown>>;
  };
}

const document = buildOpenApiDocument() as unknown as OpenApiDocument;

function operationOf(method: string, path: string): Operation | undefined {
  return document.paths[path]?.[method.toLowerCase()];
}

function responsesOf(method: string, path: string): Record<string, Response> {
  return operationOf(method, path)?.responses ?? {};
}

/** The component a `$ref` names. */
function componentOf(schema: Schema | undefined): Schema {
  const id = schema?.$ref?.replace('#/components/schemas/', '') ?? '';
  return document.components.schemas[id] ?? {};
}

/** Every `$ref` anywhere in a JSON value. */
function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) =>
    key === '$ref' && typeof inner === 'string' ? [inner] : refsIn(inner),
  );
}

describe('buildOpenApiDocument', () => {
  it('is an OpenAPI 3.1.0 document', () => {
    expect(document.openapi).toBe('3.1.0');
  });

  it('describes every route of the API with its method and operation id', () => {
    const described = allRoutes.map((route) => operationOf(route.method, route.path)?.operationId);

    expect(described).toEqual(allRoutes.map((route) => route.operationId));
  });

  it('describes no operation that is not a route', () => {
    const operations = Object.values(document.paths).flatMap((methods) => Object.keys(methods));

    expect(operations).toHaveLength(allRoutes.length);
  });

  it('has a unique operation id per route', () => {
    const ids = allRoutes.map((route) => route.operationId);

    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(
    allRoutes.filter((route) => !route.public).map((route) => [`${route.method} ${route.path}`, route]),
  )('requires a bearer token for %s', (_key, route) => {
    const operation = operationOf(route.method, route.path);

    expect(operation?.security).toEqual([{ bearerAuth: [] }]);
  });

  it('leaves the health check open', () => {
    const health = operationOf('GET', '/health');

    expect(health?.security).toEqual([]);
  });

  it('declares bearerAuth as a JWT bearer scheme', () => {
    expect(document.components.securitySchemes.bearerAuth).toEqual({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
  });

  it.each(
    allRoutes
      .filter((route) => route.method === 'POST' && 201 in route.responses)
      .map((route) => [`${route.method} ${route.path}`, route]),
  )('takes an Idempotency-Key on the creating %s and documents its 422', (_key, route) => {
    const operation = operationOf(route.method, route.path) as Operation & {
      parameters: { name: string; in: string; required: boolean }[];
    };

    expect(operation.parameters).toContainEqual(
      expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false }),
    );
    expect(operation.responses['422']).toBeDefined();
  });

  it('describes the body of POST /requests by the SubmitRequest component', () => {
    const submit = operationOf('POST', '/requests');

    expect(submit?.requestBody).toEqual({
      required: true,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/SubmitRequest' } } },
    });
  });

  it.each(['Money', 'Request', 'Problem', 'SubmitRequest'])('includes the %s component schema', (id) => {
    expect(document.components.schemas[id]).toEqual(expect.objectContaining({ type: 'object' }));
  });

  it('describes the estimated cost of a submitted request by the Money component', () => {
    const submitRequest = document.components.schemas.SubmitRequest as {
      properties: Record<string, unknown>;
      additionalProperties?: boolean;
    };

    expect(submitRequest.properties.estimatedCost).toEqual({ $ref: '#/components/schemas/Money' });
    expect(submitRequest.additionalProperties).toBe(false);
  });

  it('refers only to components that exist', () => {
    const refs = refsIn(document);
    const missing = refs.filter(
      (ref) => !(ref.startsWith('#/components/schemas/') && ref.slice(21) in document.components.schemas),
    );

    expect(refs.length).toBeGreaterThan(0);
    expect(missing).toEqual([]);
  });

  it('describes every error a handler gives as application/problem+json with a problem schema', () => {
    const problems = allRoutes
      .filter((route) => route.produces === undefined)
      .flatMap((route) =>
        Object.entries(responsesOf(route.method, route.path)).filter(([status]) => Number(status) >= 400),
      )
      .filter(([, response]) => response.content?.['application/problem+json'] !== undefined);

    expect(problems.length).toBeGreaterThan(allRoutes.length);
    for (const [, response] of problems) {
      const schema = componentOf(response.content?.['application/problem+json']?.schema);
      expect(schema.required).toEqual(
        expect.arrayContaining(['type', 'title', 'status', 'detail', 'instance']),
      );
    }
  });

  it.each(allRoutes.map((route) => [`${route.method} ${route.path}`, route]))(
    'says %s can be throttled (429), fail (500) or be unavailable (503)',
    (_key, route) => {
      const responses = responsesOf(route.method, route.path);

      expect(Object.keys(responses)).toEqual(expect.arrayContaining(['429', '500', '503']));
      expect(Object.keys(responses['429']?.content ?? {})).toEqual(['application/json']);
      expect(responses['429']?.content?.['application/json']?.schema).toEqual({
        $ref: '#/components/schemas/GatewayMessage',
      });
    },
  );

  it.each(
    allRoutes.filter((route) => !route.public).map((route) => [`${route.method} ${route.path}`, route]),
  )("describes the 401 of %s as API Gateway's message or a problem", (_key, route) => {
    const unauthorized = responsesOf(route.method, route.path)['401'];

    expect(Object.keys(unauthorized?.content ?? {}).sort()).toEqual([
      'application/json',
      'application/problem+json',
    ]);
    expect(unauthorized?.headers?.['x-correlation-id']?.required).toBe(false);
    expect(responsesOf(route.method, route.path)['403']).toBeDefined();
  });

  it('gives the gateway message its own closed schema', () => {
    expect(document.components.schemas.GatewayMessage).toEqual({
      type: 'object',
      properties: { message: expect.objectContaining({ type: 'string' }) },
      required: ['message'],
      additionalProperties: false,
    });
  });

  it.each(
    allRoutes
      .filter((route) => route.produces === undefined && (route.body || route.query || route.pathParameters))
      .map((route) => [`${route.method} ${route.path}`, route]),
  )('declares the 400 of %s, which validates its input, with every invalid field', (_key, route) => {
    expect(responsesOf(route.method, route.path)['400']?.content).toEqual({
      'application/problem+json': { schema: { $ref: '#/components/schemas/ValidationProblem' } },
    });
  });

  it('requires If-Match where the server refuses a change without it: 428, and 412 for a stale one', () => {
    const patch = operationOf('PATCH', '/vendors/{id}') as unknown as Operation & {
      parameters: { name: string; in: string; required: boolean }[];
    };

    expect(patch.parameters.find((parameter) => parameter.name === 'If-Match')).toEqual(
      expect.objectContaining({ in: 'header', required: true }),
    );
    expect(Object.keys(patch.responses)).toEqual(expect.arrayContaining(['412', '428']));
  });

  it('keeps If-Match optional where it only guards, with 412 but no 428', () => {
    const withdraw = operationOf('POST', '/requests/{id}/withdraw') as unknown as Operation & {
      parameters: { name: string; required: boolean }[];
    };

    expect(withdraw.parameters.find((parameter) => parameter.name === 'If-Match')?.required).toBe(false);
    expect(Object.keys(withdraw.responses)).toContain('412');
    expect(Object.keys(withdraw.responses)).not.toContain('428');
  });

  it('declares 422 and the optional Idempotent-Replayed header where an Idempotency-Key is taken', () => {
    const submit = responsesOf('POST', '/requests');

    expect(submit['422']).toBeDefined();
    expect(submit['201']?.headers?.['Idempotent-Replayed']).toEqual(
      expect.objectContaining({ required: false, schema: { type: 'string', enum: ['true'] } }),
    );
    // A POST that creates nothing takes no key.
    expect(responsesOf('POST', '/requests/{id}/withdraw')['200']?.headers?.['Idempotent-Replayed']).toBe(
      undefined,
    );
  });

  it('declares Location and ETag on a created request, the correlation id on every handler response', () => {
    const created = responsesOf('POST', '/requests')['201'];

    expect(created?.headers?.Location?.required).toBe(true);
    expect(created?.headers?.ETag?.required).toBe(true);
    expect(created?.headers?.['x-correlation-id']?.required).toBe(true);
    expect(responsesOf('GET', '/approvals/{approval}')['200']?.headers?.['x-correlation-id']?.required).toBe(
      true,
    );
  });

  it('declares no correlation id on what only API Gateway answers (413, 429)', () => {
    const submit = responsesOf('POST', '/requests');

    expect(submit['413']?.headers).toBeUndefined();
    expect(submit['429']?.headers).toBeUndefined();
  });

  it('names the extension members of a refused vendor transition: currentStatus and allowedTransitions', () => {
    const conflict = responsesOf('POST', '/vendors/{id}/status')['409'];
    const schema = componentOf(conflict?.content?.['application/problem+json']?.schema);

    expect(Object.keys(schema.properties ?? {})).toEqual(
      expect.arrayContaining(['currentStatus', 'allowedTransitions']),
    );
  });

  it('names the figures of a budget refusal as Money', () => {
    const conflict = responsesOf('POST', '/budgets/{fiscalYear}/transfers')['409'];
    const schema = componentOf(conflict?.content?.['application/problem+json']?.schema);

    expect(schema.properties?.available).toEqual({
      $ref: '#/components/schemas/Money',
      description: 'What the line has available.',
    });
  });

  it('defines every tag an operation uses, each with a description', () => {
    const defined = new Map(document.tags.map((tag) => [tag.name, tag.description]));

    for (const route of allRoutes) expect(defined.get(route.tag)).toEqual(expect.any(String));
  });

  it('names the servers: the host that served it, and the local cloud', () => {
    expect(document.servers.map((server) => server.url)).toEqual(['/', 'http://127.0.0.1:{port}']);
  });

  it('gives a schema read differently in a request than in a response an Input component', () => {
    const Defaulted = z.object({ note: z.string().default('none') }).meta({ id: 'DefaultedForTest' });
    const route: RouteDefinition = {
      operationId: 'echo',
      method: 'POST',
      path: '/echo',
      entry: 'functions/platform/health.ts',
      access: {},
      summary: 'Echo',
      tag: 'Platform',
      body: Defaulted,
      responses: { 200: { description: 'The same.', schema: Defaulted } },
    };

    const built = buildOpenApiDocument([route]) as unknown as OpenApiDocument;

    expect(built.components.schemas.DefaultedForTest?.required).toEqual(['note']);
    expect(built.components.schemas.DefaultedForTestInput?.required).toBeUndefined();
    expect(built.paths['/echo']?.post?.requestBody?.content['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/DefaultedForTestInput',
    });
  });

  it("describes the approver's pages as HTML, the form post as a urlencoded body", () => {
    const page = operationOf('GET', '/approvals/{approval}') as unknown as {
      responses: Record<string, { content: Record<string, unknown> }>;
    };
    const form = operationOf('POST', '/approvals/{approval}') as unknown as {
      requestBody: { content: Record<string, unknown> };
      security: unknown[];
    };

    expect(Object.keys(page.responses['404']?.content ?? {})).toEqual(['text/html']);
    expect(Object.keys(form.requestBody.content)).toEqual(['application/x-www-form-urlencoded']);
    expect(form.security).toEqual([]);
  });

  it('marks path parameters required and defaulted query parameters optional', () => {
    const history = operationOf('GET', '/requests/{id}/history') as unknown as {
      parameters: { name: string; in: string; required: boolean }[];
    };

    const byName = Object.fromEntries(history.parameters.map((p) => [p.name, p]));

    expect(byName.id).toEqual(expect.objectContaining({ in: 'path', required: true }));
    expect(byName.limit).toEqual(expect.objectContaining({ in: 'query', required: false }));
    expect(byName.cursor).toEqual(expect.objectContaining({ in: 'query', required: false }));
  });
});
