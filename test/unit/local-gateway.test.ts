import { createWriteStream, mkdtempSync, rmSync, type WriteStream } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devAuthConfig, devKeySet, issueDevToken } from '../../infra/local/dev-identity.js';
import { startGateway } from '../../infra/local/gateway.js';
import { LocalLambdas } from '../../infra/local/lambda-runtime.js';

/** The local gateway's authorizer, on one JWT route whose Lambda is never reached. */
let root: string;
let logStream: WriteStream;
let gateway: { url: string; server: Server };
const refusals: string[] = [];
const person = { sub: 'u-1', email: 'u1@techops.example', name: 'U One', groups: ['requester'] };

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'techops-gateway-'));
  logStream = createWriteStream(path.join(root, 'functions.log'));
  const config = devAuthConfig();
  gateway = await startGateway({
    routes: [
      {
        routeKey: 'GET /requests',
        method: 'GET',
        path: '/requests',
        functionLogicalId: 'ListRequests',
        jwt: { issuer: config.jwtIssuer, audience: config.jwtAudience },
      },
    ],
    lambdas: new LocalLambdas([], {}, logStream),
    keySet: await devKeySet(path.join(root, 'data')),
    port: 0,
    onRequest: (line) => refusals.push(line.reason ?? ''),
  });
});

afterAll(async () => {
  gateway.server.close();
  logStream.end();
  rmSync(root, { recursive: true, force: true });
});

/** Calls the route with a token; answers the response and the reason the console was given. */
async function callWith(token?: string) {
  const response = await fetch(`${gateway.url}/requests`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: response.status, body: await response.text(), reason: refusals.at(-1) };
}

describe('the local gateway, refusing a token', () => {
  it('says on the console that the token expired, and tells the caller no more than API Gateway', async () => {
    const token = await issueDevToken(path.join(root, 'data'), { ...person, expiresInSeconds: -60 });

    const refused = await callWith(token);

    expect(refused).toMatchObject({ status: 401, body: '{"message":"Unauthorized"}' });
    expect(refused.reason).toMatch(/^the token expired at \d{4}-\d\d-\d\dT/);
  });

  it('says that a token of another data dir is signed with another key', async () => {
    const token = await issueDevToken(path.join(root, 'other-data'), person);

    const refused = await callWith(token);

    expect(refused.status).toBe(401);
    expect(refused.reason).toMatch(/signed with another key.*LOCAL_DATA_DIR/);
  });

  it('says that the audience is wrong, and which one is expected', async () => {
    const token = await issueDevToken(path.join(root, 'data'), { ...person, audience: 'another-api' });

    const refused = await callWith(token);

    expect(refused.status).toBe(401);
    expect(refused.reason).toMatch(/aud claim is wrong.*expected techops-consultancy-api/);
  });

  it('says that the Authorization header is missing', async () => {
    const refused = await callWith();

    expect(refused).toMatchObject({ status: 401, reason: 'no Authorization header' });
  });
});
