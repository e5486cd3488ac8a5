import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsServicesEndpoint, startAwsServices } from '../../infra/local/aws-services.js';
import { s3Service } from '../../infra/local/s3-service.js';

/** The local S3 stand-in driven by the real SDK calls the export Lambda makes. */
const BUCKET = 'ExportsBucketTest';
let root: string;
let endpoint: AwsServicesEndpoint;
let s3: S3Client;

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'techops-s3-'));
  endpoint = await startAwsServices([s3Service(root, [BUCKET], 'local')]);
  s3 = new S3Client({
    endpoint: endpoint.url,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  endpoint.server.closeAllConnections();
  await new Promise((resolve) => endpoint.server.close(resolve));
  rmSync(root, { recursive: true, force: true });
});

async function presignedGet(key: string, secretAccessKey = 'local', signingDate = new Date()) {
  const signer = new S3Client({
    endpoint: endpoint.url,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'local', secretAccessKey },
  });
  return getSignedUrl(
    signer,
    new GetObjectCommand({
      Bucket: BUCKET,
      Key: key,
      ResponseContentDisposition: 'attachment; filename="x.csv"',
    }),
    { expiresIn: 60, signingDate },
  );
}

describe('the local S3 service', () => {
  it('assembles a multipart upload from a stream, parts in order, and serves it by presigned URL', async () => {
    const body = new PassThrough();
    const upload = new Upload({
      client: s3,
      params: {
        Bucket: BUCKET,
        Key: 'spend/FY2027/big.csv',
        Body: body,
        ContentType: 'text/csv; charset=utf-8',
      },
      partSize: 5 * 1024 * 1024,
    });
    const done = upload.done();
    const chunk = (index: number) => `${String(index).padStart(7, '0')},${'x'.repeat(1000)}\r\n`;
    for (let index = 0; index < 12_000; index++) {
      if (!body.write(chunk(index))) await new Promise((resolve) => body.once('drain', resolve));
    }
    body.end();
    await done;

    const file = await fetch(await presignedGet('spend/FY2027/big.csv'));
    const text = await file.text();

    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(file.headers.get('content-disposition')).toBe('attachment; filename="x.csv"');
    expect(text.length).toBe(12_000 * chunk(0).length);
    expect(text.startsWith(chunk(0))).toBe(true);
    expect(text.endsWith(chunk(11_999))).toBe(true);
    expect(readFileSync(path.join(root, BUCKET, 'objects', 'spend/FY2027/big.csv'), 'utf8')).toBe(text);
  });

  it('refuses a URL signed with another secret, and an expired one', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'spend/small.csv', Body: 'a,b\r\n' }));

    const [good, forged] = await Promise.all([
      fetch(await presignedGet('spend/small.csv')),
      fetch(await presignedGet('spend/small.csv', 'not-the-secret')),
    ]);
    // Signed two minutes ago, valid for one.
    const expired = await presignedGet('spend/small.csv', 'local', new Date(Date.now() - 120_000));

    expect(await good.text()).toBe('a,b\r\n');
    expect(forged.status).toBe(403);
    expect((await fetch(expired)).status).toBe(403);
  });

  it('answers 404 for a key that does not exist', async () => {
    const response = await fetch(await presignedGet('spend/none.csv'));

    expect(response.status).toBe(404);
    expect(await response.text()).toContain('<Code>NoSuchKey</Code>');
  });
});
