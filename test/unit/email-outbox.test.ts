import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { emailOutboxService } from '../../infra/local/email-outbox.js';

const ESC = '\u001b';
let outbox: string | undefined;

afterEach(() => {
  if (outbox) rmSync(outbox, { recursive: true, force: true });
});

describe('the local SES outbox', () => {
  it('prints user text with its control characters escaped, and keeps the email as sent', async () => {
    outbox = mkdtempSync(path.join(tmpdir(), 'outbox-'));
    const lines: string[] = [];
    const service = emailOutboxService(outbox, (line) => lines.push(line));
    const subject = `Approval needed: ${ESC}[2J${ESC}[31mPay now${ESC}[0m\u0007`;
    const email = {
      FromEmailAddress: 'noreply@techops.example',
      Destination: { ToAddresses: ['marcus.okafor@techops.example'] },
      Content: {
        Simple: { Subject: { Data: subject }, Body: { Text: { Data: 'Open https://x.example/a' } } },
      },
    };

    const response = await service.handle({} as IncomingMessage, Buffer.from(JSON.stringify(email)));

    expect(response.status).toBe(200);
    const printed = lines.join('\n');
    expect([...printed].filter((char) => char < ' ' && char !== '\n')).toEqual([]);
    expect(printed).toContain('\\u001b[2J\\u001b[31mPay now\\u001b[0m\\u0007');
    const file = /-> (.+\.eml)$/.exec(lines[0] ?? '')?.[1] ?? '';
    expect(readFileSync(file, 'utf8')).toContain(`=?UTF-8?B?${Buffer.from(subject).toString('base64')}?=`);
  });
});
