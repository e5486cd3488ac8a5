import type { Writable } from 'node:stream';
import { PassThrough } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { requireEnv } from '../shared/config.js';

/**
 * The exports bucket, the only S3 user. An HTTP API Lambda integration cannot stream its
 * response and carries at most 6 MB, so an export streams into S3 (a multipart upload fed as it
 * is written) and the caller downloads it through a short-lived presigned URL.
 */
const bucket = requireEnv('EXPORTS_BUCKET_NAME');
// Locally AWS_ENDPOINT_URL_S3 points at the local S3 service, which is addressed path-style.
const s3 = new S3Client({ forcePathStyle: process.env.AWS_ENDPOINT_URL_S3 !== undefined });

/** How long a presigned download stays valid. */
export const DOWNLOAD_SECONDS = 300;

/** An export file's key and the headers it is downloaded with. */
export interface ExportFile {
  key: string;
  contentType: string;
  contentDisposition: string;
}

/**
 * Uploads what `writeTo` writes, as it writes it; a failed write aborts the upload. Answers
 * what `writeTo` answered, once the upload is complete.
 */
export async function streamToBucket<T>(
  file: ExportFile,
  writeTo: (out: Writable) => Promise<T>,
): Promise<T> {
  const body = new PassThrough();
  const upload = new Upload({
    client: s3,
    // One part (5 MB, the least S3 takes) uploading while the next fills: the writer waits
    // (backpressure) rather than parts piling up in memory; the reads are slower than this anyway.
    queueSize: 1,
    params: {
      Bucket: bucket,
      Key: file.key,
      Body: body,
      ContentType: file.contentType,
      ContentDisposition: file.contentDisposition,
    },
  });
  const uploaded = upload.done();
  const [written] = await Promise.all([
    writeTo(body).catch((error: unknown) => {
      body.destroy(error as Error);
      throw error;
    }),
    uploaded,
  ]);
  return written;
}

/** Writes a chunk, waiting while the stream's buffer is full (backpressure). */
export async function write(out: Writable, chunk: string): Promise<void> {
  if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
}

/** A small object written whole (an export's manifest). */
export async function putJsonObject(key: string, body: unknown): Promise<void> {
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: `${JSON.stringify(body, null, 2)}\n`,
      ContentType: 'application/json; charset=utf-8',
    }),
  );
}

/** A small file written whole (the portfolio page), with the headers it is downloaded with. */
export async function putFile(file: ExportFile, body: string): Promise<void> {
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: file.key,
      Body: body,
      ContentType: file.contentType,
      ContentDisposition: file.contentDisposition,
    }),
  );
}

/** A presigned URL that downloads the file for DOWNLOAD_SECONDS. */
export function downloadUrlOf(file: ExportFile): Promise<string> {
  return getSignedUrl(
    s3,
    new GetObjectCommand({
      Bucket: bucket,
      Key: file.key,
      ResponseContentType: file.contentType,
      ResponseContentDisposition: file.contentDisposition,
    }),
    { expiresIn: DOWNLOAD_SECONDS },
  );
}

/** What a caller gets for a file: its presigned link, when that expires, and the file's name. */
export async function downloadOf(file: ExportFile, fileName: string, now: Date) {
  return {
    downloadUrl: await downloadUrlOf(file),
    expiresAt: new Date(now.getTime() + DOWNLOAD_SECONDS * 1000).toISOString(),
    fileName,
  };
}
