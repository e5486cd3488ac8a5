import * as z from 'zod';
import type { RouteDefinition } from '../platform/route.js';
import { PaginationQuery, pageSchemaOf } from '../shared/pagination.js';
import { BusinessFunctionResource } from './schemas.js';

export const ListBusinessFunctionsQuery = z.strictObject({ ...PaginationQuery });

export const referenceDataRoutes: RouteDefinition[] = [
  {
    operationId: 'listBusinessFunctions',
    method: 'GET',
    path: '/business-functions',
    entry: 'functions/reference-data/list-business-functions.ts',
    summary: 'List the business functions and their heads',
    tag: 'Reference data',
    query: ListBusinessFunctionsQuery,
    responses: {
      200: {
        description: 'A page of business functions.',
        schema: pageSchemaOf(BusinessFunctionResource),
      },
      400: { description: 'Invalid query parameters.' },
    },
    access: { referenceData: 'read' },
  },
];
