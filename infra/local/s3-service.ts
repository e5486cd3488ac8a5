import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import type { LocalResponse, LocalService } from './aws-services.js';
import type { CfnTemplate } from './template.js';

/**
 * S3, locally: the calls the exports Lambda makes (PutObject; multipart create, upload part,
 * complete, abort) and GetObject, path-style, for the template's buckets. Objects live under
 * <dataDir>/s3/<bucket>/, their headers beside them. A GET must carry a valid, unexpired
 * presigned (SigV4 query) signature, as a download link does in AWS.
 */

/** The buckets the template declares; locally a bucket is named by its logical id. */
export function bucketsOf(template: CfnTemplate): string[] {
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::S3::Bucket')
    .map(([logicalId]) => logicalId);
}

function s3Error(status: number, code: string, message: string): LocalResponse {
  return {
    status,
    headers: { 'content-type': 'application/xml' },
    body: Buffer.from(
      `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
    ),
  };
}

const xml = (body: string): LocalResponse => ({
  status: 200,
  headers: { 'content-type': 'application/xml' },
  body: Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>${body}`),
});

const etagOf = (data: Buffer) => `"${createHash('md5').update(data).digest('hex')}"`;

/** Bodies the SDK sends with `Content-Encoding: aws-chunked` (streaming checksums): the data only. */
function decodeAwsChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', offset);
    if (lineEnd < 0) break;
    const size = Number.parseInt(body.subarray(offset, lineEnd).toString('ascii').split(';')[0] ?? '0', 16);
    if (!size) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/** RFC 3986 encoding, as SigV4 canonicalises query parameters. */
const rfc3986 = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

/**
 * Checks a presigned URL as S3 does: the SigV4 query signature over the method, path, query and
 * signed headers, with the local secret; and that it has not expired.
 */
function presignedProblem(request: IncomingMessage, url: URL, secretAccessKey: string): string | undefined {
  const query = url.searchParams;
  const signature = query.get('X-Amz-Signature');
  const credential = query.get('X-Amz-Credential');
  const amzDate = query.get('X-Amz-Date');
  const expires = Number(query.get('X-Amz-Expires'));
  const signedHeaders = query.get('X-Amz-SignedHeaders');
  if (
    !signature ||
    !credential ||
    !amzDate ||
    !signedHeaders ||
    query.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256'
  ) {
    return 'Only presigned (SigV4 query) GETs are served locally.';
  }
  const signedAt = Date.parse(
    amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'),
  );
  if (!Number.isFinite(signedAt) || Date.now() > signedAt + expires * 1000) return 'Request has expired';
  const [, date = '', region = '', service = ''] = credential.split('/');
  const canonicalQuery = [...query.entries()]
    .filter(([name]) => name !== 'X-Amz-Signature')
    .map(([name, value]) => [rfc3986(name), rfc3986(value)] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const headerNames = signedHeaders.split(';');
  const canonicalHeaders = headerNames
    .map(
      (name) =>
        `${name}:${String(request.headers[name] ?? '')
          .trim()
          .replace(/\s+/g, ' ')}\n`,
    )
    .join('');
  const canonicalRequest = [
    request.method,
    url.pathname,
    canonicalQuery,
    canonicalHeaders,
    signedHeaders,
    'UNSIGNED-PAYLOAD',
  ].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    scope,
    createHash('sha256').update(canonicalRequest).digest('hex'),
  ].join('\n');
  const key = ['aws4_request'].reduce(
    (signingKey, part) => hmac(signingKey, part),
    [date, region, service].reduce<Buffer | string>(
      (signingKey, part) => hmac(signingKey, part),
      `AWS4${secretAccessKey}`,
    ),
  );
  const expected = createHmac('sha256', key).update(stringToSign).digest();
  const given = Buffer.from(signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected)
    ? undefined
    : 'The request signature we calculated does not match the signature you provided.';
}

interface StoredHeaders {
  'content-type'?: string;
  'content-disposition'?: string;
  etag: string;
}

export function s3Service(rootDir: string, buckets: string[], secretAccessKey: string): LocalService {
  const uploadsDir = path.join(rootDir, '.uploads');
  const objectPath = (bucket: string, key: string) => path.join(rootDir, bucket, 'objects', key);
  const headersPath = (bucket: string, key: string) => path.join(rootDir, bucket, 'headers', `${key}.json`);
  const locate = (request: IncomingMessage) => {
    const url = new URL(request.url ?? '/', 'http://local');
    const [, bucket = '', ...keyParts] = url.pathname.split('/');
    const key = keyParts.map(decodeURIComponent).join('/');
    return { url, bucket, key };
  };

  /**
   * Stores an object: the data, or a multipart upload's part files in order, appended one part
   * at a time (a large upload is never held in memory whole).
   */
  function store(
    bucket: string,
    key: string,
    data: Buffer | string[],
    headers: Omit<StoredHeaders, 'etag'>,
  ): string {
    if (key.split('/').some((part) => part === '..' || part === '')) throw new Error(`Unsafe key ${key}`);
    for (const file of [objectPath(bucket, key), headersPath(bucket, key)]) {
      mkdirSync(path.dirname(file), { recursive: true });
    }
    const md5 = createHash('md5');
    writeFileSync(objectPath(bucket, key), '');
    for (const chunk of Buffer.isBuffer(data) ? [data] : data) {
      const bytes = Buffer.isBuffer(chunk) ? chunk : readFileSync(chunk);
      md5.update(bytes);
      appendFileSync(objectPath(bucket, key), bytes);
    }
    const etag = `"${md5.digest('hex')}"`;
    writeFileSync(headersPath(bucket, key), JSON.stringify({ ...headers, etag }));
    return etag;
  }

  const headersToKeep = (request: IncomingMessage) => ({
    ...(request.headers['content-type'] ? { 'content-type': request.headers['content-type'] } : {}),
    ...(request.headers['content-disposition']
      ? { 'content-disposition': request.headers['content-disposition'] }
      : {}),
  });

  const bodyOf = (request: IncomingMessage, body: Buffer) =>
    String(request.headers['content-encoding'] ?? '').includes('aws-chunked') ? decodeAwsChunked(body) : body;

  return {
    name: 'S3',
    endpointId: 'S3',
    handles: (request) => buckets.includes(locate(request).bucket),
    async handle(request, body) {
      const { url, bucket, key } = locate(request);
      const query = url.searchParams;
      const uploadId = query.get('uploadId');
      if (key === '') return s3Error(400, 'InvalidRequest', 'Only object operations are served locally.');

      if (request.method === 'POST' && query.has('uploads')) {
        const id = randomUUID();
        mkdirSync(path.join(uploadsDir, id), { recursive: true });
        writeFileSync(
          path.join(uploadsDir, id, 'upload.json'),
          JSON.stringify({ bucket, key, headers: headersToKeep(request) }),
        );
        return xml(
          `<InitiateMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${key}</Key><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`,
        );
      }
      if (uploadId !== null && !/^[0-9a-f-]{36}$/.test(uploadId))
        return s3Error(404, 'NoSuchUpload', uploadId);
      const uploadDir = uploadId ? path.join(uploadsDir, uploadId) : '';
      if (uploadId && !existsSync(uploadDir))
        return s3Error(404, 'NoSuchUpload', 'The upload does not exist.');

      if (request.method === 'PUT' && uploadId) {
        const partNumber = Number(query.get('partNumber'));
        if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10_000) {
          return s3Error(400, 'InvalidArgument', 'partNumber must be 1-10000.');
        }
        const data = bodyOf(request, body);
        writeFileSync(path.join(uploadDir, String(partNumber).padStart(5, '0')), data);
        return { status: 200, headers: { etag: etagOf(data) }, body: Buffer.alloc(0) };
      }
      if (request.method === 'POST' && uploadId) {
        const upload = JSON.parse(readFileSync(path.join(uploadDir, 'upload.json'), 'utf8'));
        const numbers = [...body.toString('utf8').matchAll(/<PartNumber>(\d+)<\/PartNumber>/g)].map((match) =>
          match[1]!.padStart(5, '0'),
        );
        const parts = readdirSync(uploadDir).filter((file) => file !== 'upload.json');
        if (numbers.length === 0 || numbers.some((number) => !parts.includes(number))) {
          return s3Error(400, 'InvalidPart', 'A listed part was not uploaded.');
        }
        const partFiles = numbers.map((number) => path.join(uploadDir, number));
        const etag = store(bucket, key, partFiles, upload.headers);
        rmSync(uploadDir, { recursive: true, force: true });
        return xml(
          `<CompleteMultipartUploadResult><Location>${url.origin}/${bucket}/${key}</Location><Bucket>${bucket}</Bucket><Key>${key}</Key><ETag>${etag}</ETag></CompleteMultipartUploadResult>`,
        );
      }
      if (request.method === 'DELETE' && uploadId) {
        rmSync(uploadDir, { recursive: true, force: true });
        return { status: 204, body: Buffer.alloc(0) };
      }
      if (request.method === 'PUT') {
        const etag = store(bucket, key, bodyOf(request, body), headersToKeep(request));
        return { status: 200, headers: { etag }, body: Buffer.alloc(0) };
      }
      if (request.method === 'GET') {
        const problem = presignedProblem(request, url, secretAccessKey);
        if (problem) return s3Error(403, 'AccessDenied', problem);
        if (!existsSync(objectPath(bucket, key)))
          return s3Error(404, 'NoSuchKey', 'The specified key does not exist.');
        const stored = JSON.parse(readFileSync(headersPath(bucket, key), 'utf8')) as StoredHeaders;
        return {
          status: 200,
          headers: {
            etag: stored.etag,
            'content-type':
              query.get('response-content-type') ?? stored['content-type'] ?? 'application/octet-stream',
            ...((query.get('response-content-disposition') ?? stored['content-disposition'])
              ? {
                  'content-disposition': (query.get('response-content-disposition') ??
                    stored['content-disposition'])!,
                }
              : {}),
          },
          body: readFileSync(objectPath(bucket, key)),
        };
      }
      return s3Error(405, 'MethodNotAllowed', `${request.method} is not served locally.`);
    },
  };
}
