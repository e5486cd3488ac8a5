import { describe, expect, inject, it } from 'vitest';
import {
  acceptedAtTriage,
  approvalEmailOf,
  call,
  requestInStatus,
  tokenFor,
  validRequestBody,
} from './support.js';
import { insertSubmittedRequest, runSweeper } from './sweeper-support.js';

// A request whose workflow never started (StartExecution failed and nobody retried): this file
// writes one straight into DynamoDB Local, as the submit handler would have, and runs the sweeper.
const strandedRequest = (minutesAgo: number) =>
  insertSubmittedRequest(inject('dynamoDbEndpoint'), minutesAgo);

describe('the sweeper', () => {
  it('starts the approval of a request stranded in SUBMITTED, and leaves fresh ones to their own start', async () => {
    const stranded = await strandedRequest(10);
    const fresh = await strandedRequest(0);
    const requester = await tokenFor({ sub: 'sam-sc', groups: ['requester'], businessFunction: 'SC' });

    const { started } = await runSweeper(inject('servicesUrl'));

    expect(started).toContain(stranded);
    expect(started).not.toContain(fresh);
    await acceptedAtTriage(stranded);
    await approvalEmailOf(stranded);
    await requestInStatus(requester, stranded, 'IN_APPROVAL');
    const untouched = await call('GET', `/requests/${fresh}`, { token: requester });
    expect(untouched.body.status).toBe('SUBMITTED');
  });

  it('never starts a second execution for a request whose workflow runs', async () => {
    const requester = await tokenFor({ groups: ['requester'], businessFunction: 'SC' });
    const submitted = await call('POST', '/requests', {
      token: requester,
      body: validRequestBody({ businessFunction: 'SC', title: 'Started normally' }),
    });
    const id = submitted.body.id;
    await requestInStatus(requester, id, 'IN_TRIAGE');

    const again = await runSweeper(inject('servicesUrl'));

    expect(again.started).not.toContain(id);
    const request = await call('GET', `/requests/${id}`, { token: requester });
    expect(request.body).toMatchObject({ status: 'IN_TRIAGE', version: 2 });
  });
});
