import { Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { HandlerFunction } from './handler-function.js';

/**
 * The SES v2 identity the backend sends from (a verified address or domain, configured per
 * deployment). Each sender gets the address and the permission to send from it, and nothing else.
 */
export class EmailSender extends Construct {
  /** The address identity and its domain's identity: SES authorizes against whichever is verified. */
  readonly identityArns: string[];

  constructor(
    scope: Construct,
    id: string,
    readonly address: string,
  ) {
    super(scope, id);
    const domain = address.split('@')[1] ?? address;
    this.identityArns = [address, domain].map((identity) =>
      Stack.of(this).formatArn({ service: 'ses', resource: 'identity', resourceName: identity }),
    );
  }

  grantSend(handler: HandlerFunction): void {
    handler.addEnvironment('EMAIL_SENDER', this.address);
    handler.addToRolePolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: this.identityArns,
        conditions: { StringEquals: { 'ses:FromAddress': this.address } },
      }),
    );
  }
}
