import * as z from 'zod';
import type { RouteDefinition } from './route.js';

const tag = 'Platform';

export const platformRoutes: RouteDefinition[] = [
  {
    operationId: 'getHealth',
    method: 'GET',
    path: '/health',
    entry: 'functions/platform/health.ts',
    summary: 'Liveness check',
    tag,
    public: 'A liveness check for load balancers and monitors.',
    responses: {
      200: {
        description: 'The API is up.',
        schema: z.object({ status: z.literal('ok'), service: z.string() }),
      },
    },
    access: {},
  },
  {
    operationId: 'getOpenApiDocument',
    method: 'GET',
    path: '/openapi.json',
    entry: 'functions/platform/get-openapi-document.ts',
    summary: 'This OpenAPI 3.1 document',
    tag,
    responses: {
      200: {
        description: 'The OpenAPI document, generated from the schemas the handlers validate with.',
        schema: z.looseObject({
          openapi: z.literal('3.1.0'),
          info: z.looseObject({ title: z.string(), version: z.string() }),
          paths: z.record(z.string(), z.unknown()),
        }),
      },
    },
    access: {},
  },
];
