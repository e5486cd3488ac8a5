import * as z from 'zod';
import { ApprovalPolicyDocument, ApproverGroupName } from '../../functions/approval-policy/model.js';
import { ApproverGroupBody } from '../../functions/approval-policy/policy-checks.js';
import { HolidayCalendarSeedItem } from '../../functions/reference-data/holiday-calendar-model.js';
import { BusinessFunctionResource } from '../../functions/reference-data/schemas.js';
import type { PutOutcome } from '../../functions/reference-data/versioned-records.js';
import type { Caller } from '../../functions/shared/auth.js';
import { InternalCapabilityBody, InternalCapabilityId } from '../../functions/triage/model.js';

/**
 * One section of the reference data file: its items' schema, what names an item (for the
 * summary and duplicate checks), and how one item is put through the domain's own command.
 * `put` loads its command only when called: commands read their table names at load, and the
 * seed command sets them from the stack's outputs first.
 */
export interface SeedSection<T> {
  /** Plural, for the summary: "business functions". */
  what: string;
  item: z.ZodType<T>;
  /** The section is one item rather than a list (the approval policy). */
  single?: true;
  keyOf(item: T): string;
  put(caller: Caller, item: T): Promise<PutOutcome>;
}

const section = <T>(definition: SeedSection<T>) => definition;

/**
 * The sections of the file, in the order they are written (what later sections refer to
 * comes first). Adding reference data is adding a section here: its schema and its put.
 */
export const SEED_SECTIONS = {
  businessFunctions: section({
    what: 'business functions',
    item: BusinessFunctionResource,
    keyOf: (businessFunction) => businessFunction.code,
    put: async (caller, businessFunction) =>
      (await import('../../functions/reference-data/business-function-commands.js')).putBusinessFunction(
        caller,
        businessFunction,
      ),
  }),
  // Groups before the policy: its steps may name them.
  approverGroups: section({
    what: 'approver groups',
    item: ApproverGroupBody.extend({ name: ApproverGroupName }),
    keyOf: (group) => group.name,
    put: async (caller, { name, ...body }) =>
      (await import('../../functions/approval-policy/approver-group-commands.js')).ensureApproverGroup(
        caller,
        name,
        body,
      ),
  }),
  approvalPolicy: section({
    what: 'approval policy',
    single: true,
    item: ApprovalPolicyDocument,
    keyOf: () => 'the approval policy',
    put: async (caller, document) =>
      (await import('../../functions/approval-policy/policy-commands.js')).ensureApprovalPolicy(
        caller,
        document,
      ),
  }),
  internalCapabilities: section({
    what: 'internal capabilities',
    item: InternalCapabilityBody.extend({ id: InternalCapabilityId }),
    keyOf: (capability) => capability.id,
    put: async (caller, { id, ...body }) =>
      (await import('../../functions/triage/internal-capability-commands.js')).ensureInternalCapability(
        caller,
        id,
        body,
      ),
  }),
  holidayCalendars: section({
    what: 'holiday calendars',
    item: HolidayCalendarSeedItem,
    keyOf: (calendar) => calendar.year,
    put: async (caller, { year, ...body }) =>
      (await import('../../functions/reference-data/holiday-calendar-commands.js')).ensureHolidayCalendar(
        caller,
        year,
        body,
      ),
  }),
};

export type SectionName = keyof typeof SEED_SECTIONS;

/** The file: any of the sections, nothing else; no key twice within a section. */
export const SeedFile = z
  .strictObject(
    Object.fromEntries(
      Object.entries(SEED_SECTIONS).map(([name, { item, keyOf, single }]) => [
        name,
        single
          ? (item as z.ZodType<unknown>).optional()
          : z
              .array(item as z.ZodType<unknown>)
              .optional()
              .superRefine(
                (items, context) => {
                  const seen = new Set<string>();
                  if (!Array.isArray(items)) return;
                  items.forEach((entry, index) => {
                    // Runs on the raw items too (when some are invalid): only objects have a key.
                    if (entry === null || typeof entry !== 'object') return;
                    const key = keyOf(entry as never);
                    if (typeof key !== 'string') return;
                    if (seen.has(key))
                      context.addIssue({ code: 'custom', message: `${key} is listed twice`, path: [index] });
                    seen.add(key);
                  });
                },
                // Listed with the items' own problems: every problem of the file at once.
                { when: () => true },
              ),
      ]),
    ) as { [name in SectionName]: z.ZodOptional<z.ZodType<unknown>> },
  )
  .refine((file) => Object.values(file).some((items) => items !== undefined), {
    message: `Name at least one section: ${Object.keys(SEED_SECTIONS).join(', ')}`,
  });
export type SeedFile = z.infer<typeof SeedFile>;

export interface SectionSummary {
  section: SectionName;
  what: string;
  created: string[];
  changed: string[];
  unchanged: string[];
}

/** Puts every item of every section the file has, section by section, one item at a time. */
export async function applySeedFile(caller: Caller, file: SeedFile): Promise<SectionSummary[]> {
  const summaries: SectionSummary[] = [];
  for (const [name, definition] of Object.entries(SEED_SECTIONS) as [SectionName, SeedSection<unknown>][]) {
    const given = file[name];
    if (given === undefined) continue;
    const items = definition.single ? [given] : (given as unknown[]);
    const summary: SectionSummary = {
      section: name,
      what: definition.what,
      created: [],
      changed: [],
      unchanged: [],
    };
    for (const item of items) {
      summary[await definition.put(caller, item)].push(definition.keyOf(item));
    }
    summaries.push(summary);
  }
  return summaries;
}
