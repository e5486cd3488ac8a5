import { describe, expect, it } from 'vitest';
import { call, tokenFor } from './support.js';

describe('health, OpenAPI and business functions through the local gateway', () => {
  it('answers health without a token', async () => {
    const response = await call('GET', '/health');

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'ok' });
  });

  it('serves the OpenAPI 3.1 document to an authenticated caller only', async () => {
    const token = await tokenFor({ groups: ['requester'], businessFunction: 'QA' });

    const anonymous = await call('GET', '/openapi.json');
    const authenticated = await call('GET', '/openapi.json', { token });

    expect(anonymous.status).toBe(401);
    expect(authenticated.status).toBe(200);
    expect(authenticated.body.openapi).toBe('3.1.0');
    expect(Object.keys(authenticated.body.paths)).toEqual(
      expect.arrayContaining([
        '/requests',
        '/requests/{id}',
        '/requests/{id}/withdraw',
        '/requests/{id}/history',
      ]),
    );
  });

  it('lists the seeded business functions with their heads', async () => {
    const token = await tokenFor({ groups: ['requester'], businessFunction: 'QA' });

    const response = await call('GET', '/business-functions', { token });

    expect(response.status).toBe(200);
    const codes = response.body.items.map((item: { code: string }) => item.code);
    expect(codes).toEqual(
      expect.arrayContaining(['QA', 'MFG', 'MSAT', 'ENG', 'SC', 'DIGITAL', 'STRATEGY', 'FINANCE']),
    );
    const qa = response.body.items.find((item: { code: string }) => item.code === 'QA');
    expect(qa).toMatchObject({ name: 'Quality Assurance', head: { email: expect.stringContaining('@') } });
  });

  it('pages business functions with an opaque cursor', async () => {
    const token = await tokenFor({ groups: ['finance'] });

    const first = await call('GET', '/business-functions?limit=5', { token });
    const second = await call('GET', `/business-functions?limit=5&cursor=${first.body.nextCursor}`, {
      token,
    });

    expect(first.body.items).toHaveLength(5);
    expect(second.body.items.length).toBeGreaterThanOrEqual(3);
    const all = [...first.body.items, ...second.body.items].map((item: { code: string }) => item.code);
    expect(new Set(all).size).toBe(all.length);
  });

  it('answers 404 for a route the API does not have', async () => {
    const token = await tokenFor({ groups: ['admin'] });

    const response = await call('GET', '/nothing-here', { token });

    expect(response.status).toBe(404);
  });
});
