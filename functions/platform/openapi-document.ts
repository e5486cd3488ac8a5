import * as z from 'zod';
import { allRoutes } from './api.js';
import type { RouteDefinition } from './route.js';

/** The problem+json body (RFC 9457) every error response carries. */
export const Problem = z
  .object({
    type: z
      .string()
      .describe('Stable identifier of the kind of problem, e.g. urn:techops:problem:validation-error.'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string(),
    errors: z
      .array(z.object({ field: z.string(), message: z.string() }))
      .optional()
      .describe('For validation errors: every invalid field.'),
  })
  .meta({ id: 'Problem' });

type JsonSchema = Record<string, unknown>;
const componentRef = (id: string) => `#/components/schemas/${id}`;

/** A schema as a reference to its component when it has an id, inline otherwise. */
function schemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const id = z.globalRegistry.get(schema)?.id;
  if (id) return { $ref: componentRef(id) };
  // Nested schemas with an id come out as local $defs; they are components already.
  const { $schema: _, $defs: __, ...inline } = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  return JSON.parse(JSON.stringify(inline).replaceAll('"#/$defs/', '"#/components/schemas/'));
}

function parametersOf(route: RouteDefinition): JsonSchema[] {
  const fromObject = (where: 'path' | 'query', object: z.ZodObject | undefined) =>
    Object.entries(object?.shape ?? {}).map(([name, schema]) => ({
      name,
      in: where,
      required: where === 'path' || !(schema as z.ZodType).safeParse(undefined).success,
      schema: schemaOf(schema as z.ZodType, 'input'),
    }));
  const headers = Object.entries(route.headers ?? {}).map(([name, header]) => ({
    name,
    in: 'header',
    required: false,
    description: header.description,
    schema: schemaOf(header.schema, 'input'),
  }));
  return [...fromObject('path', route.pathParameters), ...fromObject('query', route.query), ...headers];
}

function operationOf(route: RouteDefinition): JsonSchema {
  const responses = Object.fromEntries(
    Object.entries(route.responses).map(([status, response]) => {
      if (route.produces) {
        return [
          status,
          {
            description: response.description,
            content: { [route.produces]: { schema: { type: 'string' } } },
          },
        ];
      }
      const isProblem = Number(status) >= 400;
      const schema = isProblem ? Problem : response.schema;
      const mediaType = isProblem ? 'application/problem+json' : 'application/json';
      return [
        status,
        {
          description: response.description,
          ...(schema ? { content: { [mediaType]: { schema: schemaOf(schema, 'output') } } } : {}),
        },
      ];
    }),
  );
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    security: route.public ? [] : [{ bearerAuth: [] }],
    parameters: parametersOf(route),
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: schemaOf(route.body, 'input') } },
          },
        }
      : {}),
    ...(route.formBody
      ? {
          requestBody: {
            required: true,
            content: { 'application/x-www-form-urlencoded': { schema: schemaOf(route.formBody, 'input') } },
          },
        }
      : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document of the API, built from the route catalogue and its zod schemas. */
export function buildOpenApiDocument(): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of allRoutes) {
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operationOf(route) };
  }
  const registered = z.toJSONSchema(z.globalRegistry, {
    io: 'output',
    unrepresentable: 'any',
    uri: componentRef,
  });
  const schemas = Object.fromEntries(
    Object.entries(registered.schemas).map(([id, { $schema: _, $id: __, ...schema }]) => [id, schema]),
  );
  return {
    openapi: '3.1.0',
    info: {
      title: 'TechOps consultancy budget and vendor management API',
      version: '1.0.0',
      description: 'Consultancy support requests, approvals, budgets and vendors for Technical Operations.',
    },
    paths,
    components: {
      schemas,
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
}
