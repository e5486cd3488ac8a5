import { Construct } from 'constructs';
import { referenceDataRoutes } from '../../functions/reference-data/routes.js';
import type { ConsultancyHttpApi } from './consultancy-http-api.js';
import type { DataTables } from './data-tables.js';
import { addRoutes } from './route-access.js';

/** Business functions and their heads: read-only through the API. */
export class ReferenceDataApi extends Construct {
  constructor(scope: Construct, id: string, props: { api: ConsultancyHttpApi; data: DataTables }) {
    super(scope, id);
    addRoutes(this, props.api, referenceDataRoutes, props);
  }
}
