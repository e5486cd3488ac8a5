import { describe, expect, it } from 'vitest';
import { ResponseValidator } from '../openapi/response-validator.js';

// The checker every integration test's responses go through: it must pass what the document
// describes and refuse what it does not, or the integration tests could pass anything.
const validator = new ResponseValidator();
const api = 'http://127.0.0.1:3000';

const problem = (status: number, extensions: Record<string, unknown> = {}) =>
  JSON.stringify({
    type: 'urn:techops:problem:conflict',
    title: 'Conflict with the current state',
    status,
    detail: 'A PROSPECT vendor cannot become PREFERRED.',
    instance: '/vendors/ven_01hzzzzzzzzzzzzzzzzzzzzzzz/status',
    ...extensions,
  });

const statusChangeConflict = (body: string, contentType = 'application/problem+json') => ({
  method: 'POST',
  url: `${api}/vendors/ven_01hzzzzzzzzzzzzzzzzzzzzzzz/status`,
  status: 409,
  headers: { 'content-type': contentType, 'x-correlation-id': 'corr-1' },
  body,
});

describe('ResponseValidator', () => {
  it('passes a response the document describes', () => {
    const mismatches = validator.mismatchesOf({
      method: 'GET',
      url: `${api}/health`,
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8', 'x-correlation-id': 'corr-1' },
      body: JSON.stringify({ status: 'ok', service: 'techops-consultancy' }),
    });

    expect(mismatches).toEqual([]);
  });

  it('passes a refusal with the extension members its problem schema names', () => {
    const body = problem(409, { currentStatus: 'PROSPECT', allowedTransitions: ['ONBOARDING', 'ON_HOLD'] });

    expect(validator.mismatchesOf(statusChangeConflict(body))).toEqual([]);
  });

  it('refuses a body that does not match the schema, naming the field', () => {
    const mismatches = validator.mismatchesOf({
      method: 'GET',
      url: `${api}/health`,
      status: 200,
      headers: { 'content-type': 'application/json', 'x-correlation-id': 'corr-1' },
      body: JSON.stringify({ status: 'down' }),
    });

    expect(mismatches).toEqual(
      expect.arrayContaining([
        expect.stringContaining("must have required property 'service'"),
        expect.stringContaining('body/status: must be equal to constant'),
      ]),
    );
  });

  it('refuses an extension member the document does not name', () => {
    const body = problem(409, { currentStatus: 'PROSPECT', secretInternals: 'stack' });

    expect(validator.mismatchesOf(statusChangeConflict(body))).toEqual([
      expect.stringContaining('must NOT have additional properties {"additionalProperty":"secretInternals"}'),
    ]);
  });

  it('refuses a status the operation does not declare, listing those it does', () => {
    const mismatches = validator.mismatchesOf({
      method: 'GET',
      url: `${api}/health`,
      status: 404,
      headers: { 'content-type': 'application/problem+json' },
      body: problem(404),
    });

    expect(mismatches).toEqual(['status 404 is not declared (declared: 200, 429, 500, 503)']);
  });

  it('refuses a response without a header it must carry', () => {
    const mismatches = validator.mismatchesOf({
      method: 'GET',
      url: `${api}/vendors/ven_01hzzzzzzzzzzzzzzzzzzzzzzz`,
      status: 404,
      headers: { 'content-type': 'application/problem+json' },
      body: problem(404),
    });

    expect(mismatches).toEqual(['header x-correlation-id is missing']);
  });

  it('refuses a malformed header value', () => {
    const mismatches = validator.mismatchesOf({
      method: 'GET',
      url: `${api}/health`,
      status: 200,
      headers: { 'content-type': 'application/json', 'x-correlation-id': '' },
      body: JSON.stringify({ status: 'ok', service: 'techops-consultancy' }),
    });

    expect(mismatches).toEqual([
      expect.stringMatching(/^header x-correlation-id "": .*fewer than 1 characters/),
    ]);
  });

  it('refuses a content type the response does not declare', () => {
    const body = problem(409, { currentStatus: 'PROSPECT' });

    expect(validator.mismatchesOf(statusChangeConflict(body, 'application/json'))).toEqual([
      'content type application/json is not declared (declared: application/problem+json)',
    ]);
  });

  it("passes API Gateway's own 401 on an authorized route, without a correlation id", () => {
    const mismatches = validator.mismatchesOf({
      method: 'GET',
      url: `${api}/requests`,
      status: 401,
      headers: { 'content-type': 'application/json' },
      body: '{"message":"Unauthorized"}',
    });

    expect(mismatches).toEqual([]);
  });

  it("expects API Gateway's 404 for a path no route has, and nothing else", () => {
    const notFound = {
      method: 'GET',
      url: `${api}/no/such/route`,
      headers: { 'content-type': 'application/json' },
    };

    expect(validator.mismatchesOf({ ...notFound, status: 404, body: '{"message":"Not Found"}' })).toEqual([]);
    expect(validator.mismatchesOf({ ...notFound, status: 404, body: '{"error":"nope"}' })).toContain(
      `body: must have required property 'message' {"missingProperty":"message"}`,
    );
    expect(validator.mismatchesOf({ ...notFound, status: 200, body: '{}' })).toEqual([
      expect.stringContaining("must answer API Gateway's 404"),
    ]);
  });

  it('picks the route with literal segments over one with a parameter, as API Gateway does', () => {
    expect(validator.operationOf('GET', '/vendors/contracts/expiring')?.operation.operationId).toBe(
      'listExpiringContracts',
    );
    expect(
      validator.operationOf('GET', '/vendors/ven_01hzzzzzzzzzzzzzzzzzzzzzzz')?.operation.operationId,
    ).toBe('getVendor');
    expect(validator.operationOf('DELETE', '/vendors/ven_01hzzzzzzzzzzzzzzzzzzzzzzz')).toBeUndefined();
  });

  it('fails with the operation, the status and every mismatch', () => {
    const body = problem(409, { secretInternals: 'stack' });

    expect(() => validator.assertConforms(statusChangeConflict(body, 'text/plain'))).toThrow(
      /^The response does not match the OpenAPI document: POST \/vendors\/\{id\}\/status \(changeVendorStatus\) answered 409\n {2}- content type text\/plain is not declared/,
    );
  });
});
