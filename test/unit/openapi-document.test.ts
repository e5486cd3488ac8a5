import { describe, expect, it } from 'vitest';
import { allRoutes } from '../../functions/platform/api.js';
import { buildOpenApiDocument } from '../../functions/platform/openapi-document.js';

interface Operation {
  operationId: string;
  security: Record<string, string[]>[];
  requestBody?: { required: boolean; content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, unknown>;
}

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, Record<string, unknown>>;
    securitySchemes: Record<string, Record<string, unknown>>;
  };
}

const document = buildOpenApiDocument() as unknown as OpenApiDocument;

function operationOf(method: string, path: string): Operation | undefined {
  return document.paths[path]?.[method.toLowerCase()];
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

  it('describes every error response of the JSON API as application/problem+json with the Problem schema', () => {
    const problems = allRoutes
      .filter((route) => route.produces === undefined)
      .flatMap((route) =>
        Object.entries(operationOf(route.method, route.path)?.responses ?? {})
          .filter(([status]) => Number(status) >= 400)
          .map(([status, response]) => [`${route.operationId} ${status}`, response] as const),
      );

    expect(problems.length).toBeGreaterThan(0);
    for (const [, response] of problems) {
      expect(response).toEqual(
        expect.objectContaining({
          content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        }),
      );
    }
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
