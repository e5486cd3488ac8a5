import { seedDemoVendors } from '../../functions/vendors/demo-data.js';

/**
 * Bundled and run like one of the template's Lambdas (a worker thread with the table names CDK
 * gave the vendor Lambdas), so the demo vendors go through the same domain commands, straight
 * to DynamoDB Local, without a round trip through the gateway per write.
 */
export const handler = () => seedDemoVendors();
