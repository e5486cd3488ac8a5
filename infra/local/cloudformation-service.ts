import type { LocalResponse, LocalService } from './aws-services.js';
import type { LocalStackOutput } from './template.js';

const NAMESPACE = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function queryResponse(status: number, body: string): LocalResponse {
  return { status, headers: { 'content-type': 'text/xml' }, body: Buffer.from(body) };
}

function validationError(message: string): LocalResponse {
  return queryResponse(
    400,
    `<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>Sender</Type><Code>ValidationError</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${crypto.randomUUID()}</RequestId></ErrorResponse>`,
  );
}

/**
 * CloudFormation DescribeStacks for the one stack the local cloud runs, so that operator
 * tools (`npm run seed`) find the tables and the API by the stack's outputs with
 * `@aws-sdk/client-cloudformation` unchanged: the same call as in AWS, answered with the
 * template's outputs resolved to the local names. Any other stack does not exist, as in AWS.
 */
export function cloudFormationService(stackName: string, outputs: LocalStackOutput[]): LocalService {
  const createdAt = new Date().toISOString();
  return {
    name: 'CloudFormation',
    endpointId: 'CLOUDFORMATION',
    // The Query protocol: a form-encoded POST to the root, its Version CloudFormation's.
    handles: (request) =>
      request.method === 'POST' &&
      (request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded') &&
      new URL(request.url ?? '/', 'http://x').pathname === '/',
    async handle(_request, body) {
      const form = new URLSearchParams(body.toString('utf8'));
      if (form.get('Action') !== 'DescribeStacks') {
        return validationError(`The local cloud answers DescribeStacks only, not ${form.get('Action')}`);
      }
      const asked = form.get('StackName');
      if (asked !== null && asked !== stackName) {
        return validationError(`Stack with id ${asked} does not exist`);
      }
      const members = outputs
        .map(
          (output) =>
            `<member><OutputKey>${escapeXml(output.OutputKey)}</OutputKey><OutputValue>${escapeXml(output.OutputValue)}</OutputValue>${output.Description ? `<Description>${escapeXml(output.Description)}</Description>` : ''}</member>`,
        )
        .join('');
      return queryResponse(
        200,
        `<DescribeStacksResponse xmlns="${NAMESPACE}"><DescribeStacksResult><Stacks><member>` +
          `<StackName>${escapeXml(stackName)}</StackName>` +
          `<StackId>arn:aws:cloudformation:us-east-1:000000000000:stack/${escapeXml(stackName)}/local</StackId>` +
          `<CreationTime>${createdAt}</CreationTime><StackStatus>CREATE_COMPLETE</StackStatus>` +
          `<Outputs>${members}</Outputs></member></Stacks></DescribeStacksResult>` +
          `<ResponseMetadata><RequestId>${crypto.randomUUID()}</RequestId></ResponseMetadata></DescribeStacksResponse>`,
      );
    },
  };
}
