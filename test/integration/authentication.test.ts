import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { call, tokenFor, validRequestBody } from './support.js';

async function foreignToken(overrides: { issuer?: string; audience?: string } = {}) {
  const secretlySigned = new TextEncoder().encode('not-the-dev-key-not-the-dev-key-32');
  return new SignJWT({ groups: ['admin'] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('intruder')
    .setIssuer(overrides.issuer ?? 'https://auth.techops.local/dev')
    .setAudience(overrides.audience ?? 'techops-consultancy-api')
    .setExpirationTime('1h')
    .sign(secretlySigned);
}

describe('authentication and roles', () => {
  it('refuses a call without a token with 401', async () => {
    const response = await call('GET', '/requests');

    expect(response.status).toBe(401);
  });

  it('refuses a malformed token with 401', async () => {
    const response = await call('GET', '/requests', { token: 'not.a.jwt' });

    expect(response.status).toBe(401);
  });

  it('refuses an expired token with 401', async () => {
    // Expired a minute ago.
    const token = await tokenFor({ groups: ['admin'], expiresInSeconds: -60 });

    const response = await call('GET', '/requests', { token });

    expect(response.status).toBe(401);
  });

  it('refuses a token signed with another key with 401', async () => {
    const response = await call('GET', '/requests', { token: await foreignToken() });

    expect(response.status).toBe(401);
  });

  it('refuses a token whose signature was tampered with', async () => {
    const token = await tokenFor({ groups: ['requester'], businessFunction: 'QA' });
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, groups: ['admin'] })).toString('base64url');

    const response = await call('GET', '/requests', { token: `${header}.${forged}.${signature}` });

    expect(response.status).toBe(401);
  });

  it('answers 403 with a problem document to a token with none of the roles', async () => {
    const token = await tokenFor({ groups: ['visitor'], businessFunction: 'QA' });

    const response = await call('POST', '/requests', { token, body: validRequestBody() });

    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body).toMatchObject({ status: 403, type: 'urn:techops:problem:forbidden' });
  });
});
