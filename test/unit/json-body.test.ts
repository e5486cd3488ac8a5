import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { TransferBody } from '../../functions/budgets/model.js';
import { SubmitRequestBody } from '../../functions/requests/model.js';
import { ValidationError } from '../../functions/shared/errors.js';
import { type ApiEvent, parseJsonBody } from '../../functions/shared/http.js';

function eventWithBody(body: string): ApiEvent {
  return {
    body,
    isBase64Encoded: false,
    headers: { 'content-type': 'application/json' },
  } as unknown as ApiEvent;
}

function issuesOf(read: () => unknown) {
  try {
    read();
  } catch (error) {
    if (error instanceof ValidationError) return error.issues;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('parseJsonBody', () => {
  it.each(['null', '[]', '42', '"text"', 'true'])(
    'refuses the JSON value %s as a body: every body is an object',
    (raw) => {
      const issues = issuesOf(() => parseJsonBody(eventWithBody(raw), TransferBody));

      expect(issues).toEqual([{ field: '', message: 'The body must be a JSON object.' }]);
    },
  );

  it('refuses a body nested 30,000 deep before anything walks it', () => {
    const raw = `{"title":${nested(30_000)}}`;

    const issues = issuesOf(() => parseJsonBody(eventWithBody(raw), SubmitRequestBody));

    expect(issues).toEqual([{ field: '', message: 'The body is nested too deeply (at most 32 levels).' }]);
  });

  it('reads a body nested as deep as the limit', () => {
    const raw = `{"a":${nested(31)}}`;

    const body = parseJsonBody(eventWithBody(raw), z.object({ a: z.unknown() }));

    expect(body).toEqual(JSON.parse(raw));
  });
});
