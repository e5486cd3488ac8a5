import { versionedRecordPutHandler } from '../reference-data/versioned-record-handler.js';
import { ApproverGroupPath } from './api-schemas.js';
import { putApproverGroup } from './approver-group-commands.js';
import { ApproverGroupBody } from './policy-checks.js';

/** Creates (201) or replaces (200, If-Match) an approver group. */
export const handler = versionedRecordPutHandler({
  path: ApproverGroupPath,
  key: 'name',
  body: ApproverGroupBody,
  put: putApproverGroup,
  collection: '/approver-groups',
});
