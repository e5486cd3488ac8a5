import { Duration } from 'aws-cdk-lib';
import type { Schedule } from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import { PORTFOLIO_LAMBDA, reportRoutes } from '../../functions/reports/routes.js';
import type { AppConfig } from '../config.js';
import type { ConsultancyHttpApi } from './consultancy-http-api.js';
import { dailySchedule } from './daily-schedule.js';
import type { DataTables } from './data-tables.js';
import { DeadLetterQueue } from './dead-letter-queue.js';
import type { EmailSender } from './email-sender.js';
import type { ExportsApi } from './exports-api.js';
import { HandlerFunction } from './handler-function.js';
import { addRoutes } from './route-access.js';

export const PORTFOLIO_DIGEST_ENTRY = 'functions/reports/send-portfolio-digest.ts';

/**
 * Reports: GET /reports/portfolio (its page goes to the exports bucket under reports/, like the
 * spend export's files) and the weekly portfolio digest, an EventBridge Scheduler schedule
 * emailing the configured recipients the headline figures and the page's link.
 */
export class ReportsApi extends Construct {
  readonly digest: HandlerFunction;
  readonly schedule: Schedule;

  constructor(
    scope: Construct,
    id: string,
    props: {
      api: ConsultancyHttpApi;
      data: DataTables;
      config: AppConfig;
      email: EmailSender;
      exports: ExportsApi;
    },
  ) {
    super(scope, id);
    addRoutes(this, props.api, reportRoutes, {
      data: props.data,
      config: props.config,
      exports: props.exports,
    });

    this.digest = new HandlerFunction(this, 'PortfolioDigest', {
      entry: PORTFOLIO_DIGEST_ENTRY,
      description: "Weekly: email the portfolio's headline figures and the page's link",
      memorySize: PORTFOLIO_LAMBDA.memorySize,
      timeout: Duration.minutes(2),
      environment: {
        PUBLIC_BASE_URL: props.config.publicBaseUrl,
        FISCAL_YEAR_START_MONTH: String(props.config.fiscalYearStartMonth),
        PORTFOLIO_DIGEST_RECIPIENTS: JSON.stringify(props.config.portfolioDigestRecipients),
      },
    });
    props.data.grantBudgetsRead(this.digest);
    props.data.grantRequestsRead(this.digest);
    props.data.grantVendorsRead(this.digest);
    props.email.grantSend(this.digest);
    const failures = new DeadLetterQueue(this, 'DigestDeadLetters', 'the weekly portfolio digest');
    failures.receiveFailedInvocationsOf(this.digest, { retryAttempts: 2, maxEventAge: Duration.hours(6) });
    this.schedule = dailySchedule(this, this.digest, {
      description: 'Portfolio digest, every Monday morning',
      hourUtc: 7,
      weekDay: 'MON',
      deadLetters: failures,
    });
  }
}
