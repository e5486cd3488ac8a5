import { Construct } from 'constructs';
import { vendorRoutes } from '../../functions/vendors/routes.js';
import { addRoutes, type CapabilityApiProps } from './route-access.js';

/** Vendor relationship records: vendors, contracts, rate cards, reviews. */
export class VendorsApi extends Construct {
  constructor(scope: Construct, id: string, props: CapabilityApiProps) {
    super(scope, id);
    addRoutes(this, props.api, vendorRoutes, props);
  }
}
