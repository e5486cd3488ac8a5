import { Logger } from '@aws-lambda-powertools/logger';

/** One structured JSON logger per Lambda instance; the correlation id is appended per call. */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'techops-consultancy',
});
