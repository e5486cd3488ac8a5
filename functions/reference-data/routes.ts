import * as z from 'zod';
import type { RouteDefinition } from '../platform/route.js';
import { PaginationQuery, pageSchemaOf } from '../shared/pagination.js';
import {
  HolidayCalendarBody,
  HolidayCalendarPath,
  HolidayCalendarResource,
} from './holiday-calendar-model.js';
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
  {
    operationId: 'getHolidayCalendar',
    method: 'GET',
    path: '/holiday-calendars/{year}',
    entry: 'functions/reference-data/get-holiday-calendar.ts',
    summary: "A year's holiday calendar",
    description:
      'Every role. The days of the year that are not business days although they are weekdays: reminders and escalation deadlines of approval steps skip them, as they skip weekends.',
    tag: 'Reference data',
    pathParameters: HolidayCalendarPath,
    responses: {
      200: {
        description: 'The calendar; its ETag is its version.',
        schema: HolidayCalendarResource,
        headers: ['ETag'],
      },
      400: { description: 'The year is not a year such as "2027".' },
      404: { description: 'No calendar for the year: every weekday of it is a business day.' },
    },
    access: { referenceData: 'read' },
  },
  {
    operationId: 'putHolidayCalendar',
    method: 'PUT',
    path: '/holiday-calendars/{year}',
    entry: 'functions/reference-data/put-holiday-calendar.ts',
    summary: "Create or replace a year's holiday calendar",
    description:
      "Role admin. The year's holidays, replaced whole; each date once and in the year. If-Match is required to replace a calendar that exists. Approvals asked afterwards count business days over it.",
    tag: 'Reference data',
    pathParameters: HolidayCalendarPath,
    headers: {
      'If-Match': {
        schema: z.string(),
        description: 'The ETag of the calendar the change is based on; required when it exists.',
        required: false,
      },
    },
    body: HolidayCalendarBody,
    responses: {
      200: { description: 'The replaced calendar.', schema: HolidayCalendarResource, headers: ['ETag'] },
      201: {
        description: 'The created calendar.',
        schema: HolidayCalendarResource,
        headers: ['ETag', 'Location'],
      },
      400: { description: 'An invalid year or body: every problem is listed; nothing is written.' },
      409: { description: 'It was created meanwhile by someone else: read it and send If-Match.' },
      412: { description: 'It changed since the ETag sent in If-Match.' },
      428: { description: 'It exists: send If-Match with its ETag so a concurrent change is not lost.' },
    },
    access: { referenceData: 'write', audit: 'append' },
  },
];
