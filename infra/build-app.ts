import { App, type AppProps, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { appConfigFrom } from './config.js';
import { STACK_NAME, TechOpsConsultancyStack } from './stack.js';

/** The CDK app, shared by `cdk synth`/`deploy`, the tests and the local cloud. */
export function buildApp(props: AppProps = {}): { app: App; stack: TechOpsConsultancyStack } {
  const app = new App(props);
  const stack = new TechOpsConsultancyStack(app, STACK_NAME, {
    config: appConfigFrom(app.node),
    description: 'TechOps consultancy budget and vendor management',
  });
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
  return { app, stack };
}
