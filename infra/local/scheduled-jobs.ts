import { lambdaErrorOf } from './aws-services.js';
import type { LocalLambdas } from './lambda-runtime.js';
import { type CfnTemplate, schedulesOf } from './template.js';

/**
 * Locally nothing waits for tomorrow morning: every scheduled job of the template runs once when
 * the local cloud starts (they are safe to repeat), and `npm run contract-digest` runs one on demand.
 */
export async function runScheduledJobs(
  template: CfnTemplate,
  lambdas: LocalLambdas,
  log: (line: string) => void,
): Promise<void> {
  for (const schedule of schedulesOf(template)) {
    try {
      await lambdas.invoke(schedule.functionLogicalId, schedule.input);
      log(`Ran scheduled job ${schedule.functionLogicalId} (${schedule.expression}).`);
    } catch (error) {
      log(`Scheduled job ${schedule.functionLogicalId} failed: ${lambdaErrorOf(error).errorMessage}`);
    }
  }
}
