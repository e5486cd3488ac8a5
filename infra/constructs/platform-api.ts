import { Construct } from 'constructs';
import { platformRoutes } from '../../functions/platform/routes.js';
import type { ConsultancyHttpApi } from './consultancy-http-api.js';
import { addRoutes } from './route-access.js';

/** Health and the OpenAPI document: no data access at all (nothing is provided to grant). */
export class PlatformApi extends Construct {
  constructor(scope: Construct, id: string, props: { api: ConsultancyHttpApi }) {
    super(scope, id);
    addRoutes(this, props.api, platformRoutes, {});
  }
}
