import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../infra/constructs/handler-function.js';
import { SeedFile } from '../../infra/seed/seed-sections.js';

describe('the reference data file operators start from', () => {
  it('is a valid seed file with every section: business functions, approver groups, the approval policy, internal capabilities, holiday calendars', () => {
    const example = JSON.parse(
      readFileSync(path.join(PROJECT_ROOT, 'infra/seed/reference-data.example.json'), 'utf8'),
    );

    const parsed = SeedFile.safeParse(example);

    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(Object.keys(example).sort()).toEqual([
      'approvalPolicy',
      'approverGroups',
      'businessFunctions',
      'holidayCalendars',
      'internalCapabilities',
    ]);
  });
});
