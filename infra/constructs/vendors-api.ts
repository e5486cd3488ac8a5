import { Construct } from 'constructs';
import { vendorRoutes } from '../../functions/vendors/routes.js';
import type { ConsultancyHttpApi } from './consultancy-http-api.js';
import type { DataTables } from './data-tables.js';
import type { HandlerFunction } from './handler-function.js';

type Grant = (handler: HandlerFunction, data: DataTables) => void;

const read: Grant = (handler, data) => data.grantVendorsRead(handler);
const write: Grant = (handler, data) => {
  data.grantVendorsWrite(handler);
  data.grantAuditAppend(handler);
};

/** What each vendor route may touch: least privilege, per Lambda. */
const ACCESS: Record<string, Grant> = {
  createVendor: write,
  listVendors: read,
  listExpiringContracts: read,
  getVendor: read,
  updateVendor: write,
  changeVendorStatus: write,
  getVendorHistory: (handler, data) => {
    data.grantVendorsRead(handler);
    data.grantAuditRead(handler);
  },
  addVendorContract: write,
  addVendorRate: write,
  getVendorRateCard: read,
  addVendorReview: (handler, data) => {
    write(handler, data);
    // A review may name the request it is about: that request must exist.
    data.grantRequestsRead(handler);
  },
  listVendorReviews: read,
};

/** Vendor relationship records: vendors, contracts, rate cards, reviews. */
export class VendorsApi extends Construct {
  constructor(scope: Construct, id: string, props: { api: ConsultancyHttpApi; data: DataTables }) {
    super(scope, id);
    for (const route of vendorRoutes) {
      const grant = ACCESS[route.operationId];
      if (!grant) throw new Error(`No access declared for route ${route.operationId}`);
      grant(props.api.addRoute(this, route), props.data);
    }
  }
}
