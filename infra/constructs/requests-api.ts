import { Construct } from 'constructs';
import { requestRoutes } from '../../functions/requests/routes.js';
import { addRoutes, type CapabilityApiProps } from './route-access.js';

/** Consultancy request intake: submit, find, track, withdraw. Each route's access is on its definition. */
export class RequestsApi extends Construct {
  constructor(scope: Construct, id: string, props: CapabilityApiProps) {
    super(scope, id);
    addRoutes(this, props.api, requestRoutes, props);
  }
}
