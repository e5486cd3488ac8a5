import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTVerifyGetKey,
  SignJWT,
} from 'jose';
import { type AppConfig, appConfigFrom } from '../config.js';
import { loadCdkContext } from './synth.js';

/**
 * The local identity provider: an RS256 key pair kept in the data dir. The local gateway
 * verifies tokens with it exactly as the API Gateway JWT authorizer verifies the real issuer's.
 */
const KEY_FILE = 'dev-signing-key.json';
const ALGORITHM = 'RS256';

interface StoredKey {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

async function devKey(dataDir: string): Promise<StoredKey> {
  const file = path.join(dataDir, KEY_FILE);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as StoredKey;
  const { privateKey, publicKey } = await generateKeyPair(ALGORITHM, { extractable: true });
  const stored = {
    kid: randomUUID(),
    privateJwk: await exportJWK(privateKey),
    publicJwk: await exportJWK(publicKey),
  };
  mkdirSync(dataDir, { recursive: true });
  // wx: two processes creating the key at once must not overwrite each other's.
  try {
    writeFileSync(file, JSON.stringify(stored), { flag: 'wx', mode: 0o600 });
  } catch {
    return JSON.parse(readFileSync(file, 'utf8')) as StoredKey;
  }
  return stored;
}

/** The issuer's key set, as API Gateway fetches it from the JWKS URL: keys are picked by `kid`. */
export async function devKeySet(dataDir: string): Promise<JWTVerifyGetKey> {
  const { publicJwk, kid } = await devKey(dataDir);
  return createLocalJWKSet({ keys: [{ ...publicJwk, kid, alg: ALGORITHM, use: 'sig' }] });
}

/** Where the local cloud and the token script keep their data. */
export function localDataDir(): string {
  return process.env.LOCAL_DATA_DIR ?? '.local';
}

/** The identity provider settings of the app, from cdk.json as the synthesized authorizer has them. */
let authConfig: AppConfig | undefined;

export function devAuthConfig(): AppConfig {
  authConfig ??= appConfigFrom(new App({ context: loadCdkContext() }).node);
  return authConfig;
}

export interface DevTokenClaims {
  sub: string;
  email: string;
  name: string;
  groups: string[];
  businessFunction?: string | undefined;
  /** Negative for a token that has expired already. */
  expiresInSeconds?: number;
  /** The app's audience unless given (a test's token for another API). */
  audience?: string;
}

export async function issueDevToken(dataDir: string, claims: DevTokenClaims): Promise<string> {
  const config = devAuthConfig();
  const { privateJwk, kid } = await devKey(dataDir);
  return new SignJWT({
    email: claims.email,
    name: claims.name,
    [config.claims.groups]: claims.groups,
    ...(claims.businessFunction ? { [config.claims.businessFunction]: claims.businessFunction } : {}),
  })
    .setProtectedHeader({ alg: ALGORITHM, kid, typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuer(config.jwtIssuer)
    .setAudience(claims.audience ?? config.jwtAudience[0] ?? '')
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + (claims.expiresInSeconds ?? 12 * 3600))
    .sign(await importJWK(privateJwk, ALGORITHM));
}
