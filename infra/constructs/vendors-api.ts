import { Construct } from 'constructs';
import { vendorRoutes } from '../../functions/vendors/routes.js';
import type { ConsultancyHttpApi } from './consultancy-http-api.js';
import type { DataTables } from './data-tables.js';
import { addRoutes } from './route-access.js';

/** Vendor relationship records: vendors, contracts, rate cards, reviews. */
export class VendorsApi extends Construct {
  constructor(scope: Construct, id: string, props: { api: ConsultancyHttpApi; data: DataTables }) {
    super(scope, id);
    addRoutes(this, props.api, vendorRoutes, props);
  }
}
