import { versionedRecordPutHandler } from '../reference-data/versioned-record-handler.js';
import { putInternalCapability } from './internal-capability-commands.js';
import { InternalCapabilityBody, InternalCapabilityPath } from './model.js';

/** Creates (201) or replaces (200, If-Match) an internal capability. */
export const handler = versionedRecordPutHandler({
  path: InternalCapabilityPath,
  key: 'id',
  body: InternalCapabilityBody,
  put: putInternalCapability,
  collection: '/internal-capabilities',
});
