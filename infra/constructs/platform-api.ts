import { Construct } from 'constructs';
import { platformRoutes } from '../../functions/platform/routes.js';
import type { ConsultancyHttpApi } from './consultancy-http-api.js';

/** Health and the OpenAPI document: no data access at all. */
export class PlatformApi extends Construct {
  constructor(scope: Construct, id: string, props: { api: ConsultancyHttpApi }) {
    super(scope, id);
    for (const route of platformRoutes) props.api.addRoute(this, route);
  }
}
