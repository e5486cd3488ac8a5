import { Construct } from 'constructs';
import { referenceDataRoutes } from '../../functions/reference-data/routes.js';
import type { ConsultancyHttpApi } from './consultancy-http-api.js';
import type { DataTables } from './data-tables.js';

/** Business functions and their heads: read-only through the API. */
export class ReferenceDataApi extends Construct {
  constructor(scope: Construct, id: string, props: { api: ConsultancyHttpApi; data: DataTables }) {
    super(scope, id);
    for (const route of referenceDataRoutes) {
      props.data.grantReferenceDataRead(props.api.addRoute(this, route));
    }
  }
}
