import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { escapeControlCharacters } from '../../functions/shared/schemas.js';
import { awsError, type LocalService } from './aws-services.js';

interface SimpleEmail {
  FromEmailAddress?: string;
  Destination?: { ToAddresses?: string[]; CcAddresses?: string[]; BccAddresses?: string[] };
  Content?: {
    Simple?: {
      Subject?: { Data?: string };
      Body?: { Text?: { Data?: string }; Html?: { Data?: string } };
    };
  };
}

/** An RFC 2047 encoded word when the header needs one (non-ASCII subjects). */
function headerText(value: string): string {
  return /^[\x20-\x7e]*$/.test(value)
    ? value
    : `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

/** The message as SES would deliver it: RFC 5322 headers, a text part and an optional HTML part. */
export function emlOf(email: SimpleEmail, messageId: string, date: Date): string {
  const simple = email.Content?.Simple ?? {};
  const text = simple.Body?.Text?.Data ?? '';
  const html = simple.Body?.Html?.Data;
  const headers = [
    `From: ${email.FromEmailAddress ?? ''}`,
    `To: ${(email.Destination?.ToAddresses ?? []).join(', ')}`,
    ...(email.Destination?.CcAddresses?.length ? [`Cc: ${email.Destination.CcAddresses.join(', ')}`] : []),
    `Subject: ${headerText(simple.Subject?.Data ?? '')}`,
    `Date: ${date.toUTCString()}`,
    `Message-ID: <${messageId}@outbox.local>`,
    'MIME-Version: 1.0',
  ];
  const part = (type: string, body: string) =>
    [`Content-Type: ${type}; charset=UTF-8`, 'Content-Transfer-Encoding: 8bit', '', body].join('\r\n');
  if (!html) return [...headers, part('text/plain', text)].join('\r\n');
  const boundary = `=_${messageId}`;
  return [
    ...headers,
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    part('text/plain', text),
    `--${boundary}`,
    part('text/html', html),
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

/** The links in a text, as a reader of the email would click them. */
export function linksIn(text: string): string[] {
  return text.match(/https?:\/\/[^\s<>"]+/g) ?? [];
}

/**
 * SES v2 SendEmail, locally: each email becomes an .eml file in the outbox folder (named so
 * they sort by time), and its links are printed so a developer can click through.
 */
export function emailOutboxService(outboxDir: string, log: (line: string) => void): LocalService {
  mkdirSync(outboxDir, { recursive: true });
  return {
    name: 'SES v2',
    endpointId: 'SESV2',
    handles: (request) =>
      request.method === 'POST' &&
      new URL(request.url ?? '/', 'http://x').pathname === '/v2/email/outbound-emails',
    async handle(_request, body) {
      const email = JSON.parse(body.toString('utf8')) as SimpleEmail;
      const to = email.Destination?.ToAddresses ?? [];
      if (!email.FromEmailAddress || to.length === 0 || !email.Content?.Simple) {
        return awsError(400, 'BadRequestException', 'A sender, a recipient and simple content are required');
      }
      const now = new Date();
      const messageId = randomUUID();
      const file = path.join(outboxDir, `${now.toISOString().replace(/[:.]/g, '-')}-${messageId}.eml`);
      writeFileSync(file, emlOf(email, messageId, now));
      const subject = email.Content.Simple.Subject?.Data ?? '';
      const links = linksIn(email.Content.Simple.Body?.Text?.Data ?? '');
      log(escapeControlCharacters(`Email to ${to.join(', ')}: "${subject}" -> ${file}`));
      for (const link of links) log(escapeControlCharacters(`  link: ${link}`));
      return { status: 200, body: { MessageId: messageId } };
    },
  };
}
