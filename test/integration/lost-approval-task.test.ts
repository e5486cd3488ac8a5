import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ListStateMachinesCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, type LocalCloud, startLocalCloud } from '../../infra/local/cloud.js';
import {
  acceptedAtTriage,
  approvalEmailOf,
  call,
  currentStepOf,
  eventually,
  fundBudget,
  pendingApprovalOf,
  requestInStatus,
  tokenFor,
  triaged,
  validRequestBody,
} from './support.js';
import { insertSubmittedRequest, runSweeper } from './sweeper-support.js';

// Step Functions delivers a task at least once. A crash between saving a waiting task and
// running its Lambda must not strand the request: the local Step Functions delivers such a
// task again after a restart, and the sweeper takes over from an execution that never asked.
// This file runs its own clouds on one data dir: the first loses the first delivery of every
// execution named after a request (a recovered execution, `<id>-2`, is delivered normally).
const dataDir = mkdtempSync(path.join(tmpdir(), 'techops-lost-task-'));
let crashing: LocalCloud | undefined;
afterAll(async () => {
  // A second stop finds nothing left to do.
  await crashing?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const local = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
const crashBeforeTaskDelivery = (executionName: string) => !executionName.includes('-');

/** The saved execution record of the local Step Functions. */
function savedExecution(
  name: string,
): { status: string; error?: string; waiting?: { delivered?: boolean } } | undefined {
  const file = path.join(dataDir, 'stepfunctions', `${name}.json`);
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
}

/** Cold Lambdas on a just-started cloud (on a loaded machine) take their time. */
const lostDelivery = (name: string) =>
  eventually(
    () => savedExecution(name)?.waiting?.delivered === false,
    `the lost delivery of ${name}`,
    60_000,
  );

async function approvalWorkflowArn(cloud: LocalCloud): Promise<string> {
  const sfn = new SFNClient({ ...local, endpoint: cloud.servicesUrl });
  const { stateMachines = [] } = await sfn.send(new ListStateMachinesCommand({}));
  return stateMachines.find((machine) => machine.name?.startsWith('ApprovalWorkflow'))
    ?.stateMachineArn as string;
}

/** A request stored SUBMITTED ten minutes ago, its execution started (by hand, as submit does). */
async function strandedRequest(cloud: LocalCloud): Promise<string> {
  const id = await insertSubmittedRequest(cloud.dynamoDbEndpoint, 10, 'Lost its approval task');
  const sfn = new SFNClient({ ...local, endpoint: cloud.servicesUrl });
  await sfn.send(
    new StartExecutionCommand({
      stateMachineArn: await approvalWorkflowArn(cloud),
      name: id,
      input: JSON.stringify({ requestId: id }),
    }),
  );
  return id;
}

describe('an approval task lost between saving and delivering it', { timeout: 300_000 }, () => {
  let port: number;
  const requester = () => tokenFor({ sub: 'sam-sc', groups: ['requester'], businessFunction: 'SC' }, dataDir);

  it('is taken over by the sweeper: the stranded execution is stopped and a fresh one asks', async () => {
    port = await freePort();
    const cloud = await startLocalCloud({
      dataDir,
      port,
      stepFunctionsFaults: { crashBeforeTaskDelivery },
      // An execution a second old that has not asked counts as stranded (two minutes in AWS).
      context: { 'techops:strandedApprovalAfter': 'PT1S' },
    });
    crashing = cloud;

    const id = await strandedRequest(cloud);
    await eventually(
      async () => {
        const saved = savedExecution(id);
        if (saved?.status === 'ABORTED') return true;
        if (saved?.waiting?.delivered === false) await runSweeper(cloud.servicesUrl);
        return undefined;
      },
      `the sweeper to take over ${id}`,
      60_000,
    );

    expect(savedExecution(id)).toMatchObject({ status: 'ABORTED', error: 'ApprovalNeverAsked' });
    await acceptedAtTriage(id, { baseUrl: cloud.url, dataDir });
    await approvalEmailOf(id, dataDir);
    const waiting = await requestInStatus(await requester(), id, 'IN_APPROVAL', cloud.url);
    expect(currentStepOf(waiting.body).status).toBe('PENDING');
    expect(savedExecution(`${id}-2`)?.status).toBe('RUNNING');
    const again = await runSweeper(cloud.servicesUrl);
    expect([...again.started, ...again.recovered]).not.toContain(id);
  });

  it('is delivered again, with the same token, when the local cloud starts again', async () => {
    const cloud = crashing as LocalCloud;
    const token = await requester();
    await fundBudget('FY2027', { SC: '1000000.00' }, { baseUrl: cloud.url, dataDir });
    const submitted = await call('POST', '/requests', {
      baseUrl: cloud.url,
      token,
      body: validRequestBody({ businessFunction: 'SC', title: 'Submitted just before a crash' }),
    });
    expect(submitted.status).toBe(201);
    const id: string = submitted.body.id;
    await lostDelivery(id);
    const before = await call('GET', `/requests/${id}`, { baseUrl: cloud.url, token });
    expect(before.body.status).toBe('SUBMITTED');
    await cloud.stop();

    const restarted = await startLocalCloud({ dataDir, port });
    try {
      await triaged(id, undefined, { baseUrl: restarted.url, dataDir });
      await approvalEmailOf(id, dataDir);
      const waiting = await requestInStatus(token, id, 'IN_APPROVAL', restarted.url);
      const pending = pendingApprovalOf(waiting.body);
      const approver = await tokenFor({ ...pending.approver, groups: ['approver'] }, dataDir);
      const decided = await call('POST', `/approvals/${pending.id}/decision`, {
        baseUrl: restarted.url,
        token: approver,
        body: { decision: 'APPROVED' },
      });
      expect(decided.status).toBe(200);
      // The decision completed the very task that was delivered again: the workflow carries on.
      await requestInStatus(token, id, 'APPROVED', restarted.url);
      await eventually(() => savedExecution(id)?.status === 'SUCCEEDED', 'the execution to succeed');
    } finally {
      await restarted.stop();
    }
  });
});
