import { readFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import path from 'node:path';
import { importJWK, type JWK, SignJWT } from 'jose';
import { describe, expect, inject, it } from 'vitest';
import { devAuthConfig } from '../../infra/local/dev-identity.js';
import { call } from './support.js';

/** A token signed with the dev key exactly like `npm run token`'s, but without an expiry. */
async function tokenWithoutExpiry(): Promise<string> {
  const stored = JSON.parse(readFileSync(path.join(inject('dataDir'), 'dev-signing-key.json'), 'utf8')) as {
    kid: string;
    privateJwk: JWK;
  };
  const config = devAuthConfig();
  return new SignJWT({ [config.claims.groups]: ['admin'], email: 'no.expiry@techops.example' })
    .setProtectedHeader({ alg: 'RS256', kid: stored.kid, typ: 'JWT' })
    .setSubject('no-expiry')
    .setIssuer(config.jwtIssuer)
    .setAudience(config.jwtAudience[0] ?? '')
    .setIssuedAt()
    .sign(await importJWK(stored.privateJwk, 'RS256'));
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  socket: unknown;
}

/** One request on the given keep-alive agent, with the socket it went over. */
function send(agent: Agent, method: string, pathname: string, body?: Buffer): Promise<RawResponse> {
  const url = new URL(pathname, inject('apiUrl'));
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      url,
      {
        agent,
        method,
        headers: body ? { 'content-type': 'application/json', 'content-length': String(body.length) } : {},
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            socket: request.socket,
          }),
        );
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

describe('the local gateway, as API Gateway does', () => {
  it('refuses a correctly signed token without exp with 401', async () => {
    const token = await tokenWithoutExpiry();

    const response = await call('GET', '/requests', { token });

    expect(response.status).toBe(401);
    expect(response.body).toEqual({ message: 'Unauthorized' });
  });

  it('answers a body over 10 MB with the whole 413, and the connection serves the next request', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const tooLarge = Buffer.alloc(11 * 1024 * 1024, 'a');

    try {
      const refused = await send(agent, 'POST', '/requests', tooLarge);
      const next = await send(agent, 'GET', '/health');

      expect(refused.status).toBe(413);
      expect(JSON.parse(refused.body)).toEqual({ message: 'Request Entity Too Large' });
      expect(next.status).toBe(200);
      expect(JSON.parse(next.body)).toMatchObject({ status: 'ok' });
    } finally {
      agent.destroy();
    }
  });
});
