import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, CfnOutput, NestedStack, Stack } from 'aws-cdk-lib';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { afterAll, describe, expect, it } from 'vitest';
import { flattenedTemplateOf } from '../../infra/local/nested-stacks.js';
import type { Json } from './synthesized.js';

const outdirs: string[] = [];
afterAll(() => {
  for (const outdir of outdirs) rmSync(outdir, { recursive: true, force: true });
});

/** A parent with a topic, and two nested stacks, the second using what the first made. */
function synthesize(build: (parent: Stack, first: NestedStack, second: NestedStack) => void) {
  const outdir = mkdtempSync(path.join(tmpdir(), 'techops-nested-test-'));
  outdirs.push(outdir);
  const app = new App({ outdir });
  const parent = new Stack(app, 'Parent');
  build(parent, new NestedStack(parent, 'First'), new NestedStack(parent, 'Second'));
  return () => flattenedTemplateOf(app.synth(), 'Parent') as Json;
}

const idOf = (template: Json, type: string) =>
  Object.entries(template.Resources).find(([, resource]) => (resource as Json).Type === type)?.[0];

describe('the flattened template of a stack with nested stacks', () => {
  it("holds every resource, the parent's references as they are, the siblings' resolved to the resources", () => {
    const flattened = synthesize((parent, first, second) => {
      const topic = new Topic(parent, 'Topic');
      const queue = new Queue(first, 'Queue');
      new StringParameter(first, 'TopicArn', { stringValue: topic.topicArn });
      new StringParameter(second, 'QueueArn', { stringValue: queue.queueArn });
      new CfnOutput(parent, 'QueueUrl', { value: queue.queueUrl });
    })();
    const topicId = idOf(flattened, 'AWS::SNS::Topic');
    const queueId = idOf(flattened, 'AWS::SQS::Queue');
    const parameters = Object.values(flattened.Resources).filter(
      (resource) => (resource as Json).Type === 'AWS::SSM::Parameter',
    ) as Json[];

    expect(idOf(flattened, 'AWS::CloudFormation::Stack')).toBeUndefined();
    expect(parameters.map((parameter) => parameter.Properties.Value)).toEqual(
      expect.arrayContaining([{ Ref: topicId }, { 'Fn::GetAtt': [queueId, 'Arn'] }]),
    );
    expect(flattened.Outputs.QueueUrl.Value).toEqual({ Ref: queueId });
    expect(JSON.stringify(flattened)).not.toMatch(/referenceto|Outputs\./);
  });

  it('fails, naming the logical id, when two of the templates use the same one', () => {
    const flatten = synthesize((_parent, first, second) => {
      new Queue(first, 'Queue');
      new Queue(second, 'Queue');
    });

    expect(flatten).toThrow(
      /Logical id Queue[0-9A-F]+ is in both nested stack .*First.* and nested stack .*Second/,
    );
  });
});
