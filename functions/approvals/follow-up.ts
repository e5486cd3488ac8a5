import { MAX_DEADLINE_BUSINESS_DAYS } from '../approval-policy/model.js';
import { holidaysOf } from '../reference-data/holiday-calendar-store.js';
import { addBusinessDays, yearsSpanned } from '../shared/business-days.js';
import type { Contact } from '../shared/contacts.js';
import type { ApprovalFollowUp } from './model.js';

/**
 * When a pending approval is reminded and when its step escalates: business days from when it
 * was asked (or last reminded), over the holiday calendar. Plain functions, but for the
 * calendar's read.
 */

export interface FollowUpTimings {
  remindAfterBusinessDays: number;
  maxReminders: number;
  deadlineBusinessDays: number;
}

/**
 * The holidays any follow-up counted from `from` may reach: the calendars of the years its longest
 * timing (MAX_DEADLINE_BUSINESS_DAYS) spans, read once for every approval that needs them.
 */
export const followUpHolidaysFrom = (from: Date): Promise<Set<string>> =>
  holidaysOf(yearsSpanned(from, MAX_DEADLINE_BUSINESS_DAYS));

/** The follow-up with its next action: the next reminder (while any is left) or the deadline (before it escalated). */
export function withNextAction(followUp: ApprovalFollowUp): ApprovalFollowUp {
  const { nextActionAt: _, ...rest } = followUp;
  const candidates = [
    followUp.remindersSent < followUp.maxReminders ? followUp.nextReminderAt : undefined,
    followUp.escalateTo.length > 0 && !followUp.escalatedAt ? followUp.deadlineAt : undefined,
  ]
    .filter((at): at is string => at !== undefined)
    .sort();
  return candidates[0] ? { ...rest, nextActionAt: candidates[0] } : rest;
}

/** A fresh approval's follow-up: the first reminder and the deadline, counted from when it is asked. */
export async function newFollowUp(
  timings: FollowUpTimings,
  escalateTo: Contact[],
  askedAt: Date,
): Promise<ApprovalFollowUp> {
  const holidays = await followUpHolidaysFrom(askedAt);
  return withNextAction({
    remindAfterBusinessDays: timings.remindAfterBusinessDays,
    maxReminders: timings.maxReminders,
    deadlineBusinessDays: timings.deadlineBusinessDays,
    remindersSent: 0,
    ...(timings.maxReminders > 0
      ? { nextReminderAt: addBusinessDays(askedAt, timings.remindAfterBusinessDays, holidays).toISOString() }
      : {}),
    deadlineAt: addBusinessDays(askedAt, timings.deadlineBusinessDays, holidays).toISOString(),
    escalateTo,
  });
}
