import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { requireEnv } from './config.js';

/**
 * Email through SES v2. The endpoint comes from the environment (the local cloud's outbox
 * locally), so senders never know where they run.
 */
const sender = requireEnv('EMAIL_SENDER');
const ses = new SESv2Client({});

export interface OutgoingEmail {
  to: string[];
  subject: string;
  /** The plain-text part: every email has one, so every client can show it. */
  text: string;
  html?: string;
}

export async function sendEmail(email: OutgoingEmail): Promise<void> {
  await ses.send(
    new SendEmailCommand({
      FromEmailAddress: sender,
      Destination: { ToAddresses: email.to },
      Content: {
        Simple: {
          Subject: { Data: email.subject, Charset: 'UTF-8' },
          Body: {
            Text: { Data: email.text, Charset: 'UTF-8' },
            ...(email.html ? { Html: { Data: email.html, Charset: 'UTF-8' } } : {}),
          },
        },
      },
    }),
  );
}
