import { Construct } from 'constructs';
import { triageRoutes } from '../../functions/triage/routes.js';
import { addRoutes, type CapabilityApiProps } from './route-access.js';

/** Triage's routes: the triagers' queue and decision, and the internal capabilities that admins keep. */
export class TriageApi extends Construct {
  constructor(scope: Construct, id: string, props: CapabilityApiProps) {
    super(scope, id);
    addRoutes(this, props.api, triageRoutes, props);
  }
}
