import { Construct } from 'constructs';
import { referenceDataRoutes } from '../../functions/reference-data/routes.js';
import { addRoutes, type CapabilityApiProps } from './route-access.js';

/** Business functions and their heads: read-only through the API. */
export class ReferenceDataApi extends Construct {
  constructor(scope: Construct, id: string, props: CapabilityApiProps) {
    super(scope, id);
    addRoutes(this, props.api, referenceDataRoutes, props);
  }
}
