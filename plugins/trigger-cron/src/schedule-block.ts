/**
 * A workflow's `cron` trigger block:
 *
 * ```yaml
 * triggers:
 *   - type: cron
 *     schedule: '30 2 * * 1-5'      # 5 fields: minute hour day-of-month month day-of-week
 *     timezone: Europe/Berlin       # IANA name; default UTC
 * ```
 *
 * Only 5-field expressions: a run per second would be a load test, not a schedule, and minute
 * precision is what makes a tick's identity (its minute) the same on every replica.
 */
import { Cron } from 'croner';
import type { TriggerSubscription } from '@containerops/sdk';

export interface ScheduleBlock {
  readonly workflow: string;
  readonly schedule: string;
  readonly timezone: string;
}

/** The block of a subscription, or a message saying what is wrong with it. */
export function scheduleBlockOf(subscription: TriggerSubscription): ScheduleBlock | string {
  const schedule = subscription.trigger['schedule'];
  if (typeof schedule !== 'string' || schedule.trim().split(/\s+/).length !== 5)
    return 'schedule must be a 5-field cron expression such as "30 2 * * 1-5"';
  const timezone = subscription.trigger['timezone'] ?? 'UTC';
  if (typeof timezone !== 'string' || !isTimeZone(timezone))
    return `timezone must be an IANA time zone such as Europe/Berlin (got ${String(timezone)})`;
  try {
    // Parses without scheduling: a bad field is reported here, not at the first tick.
    new Cron(schedule.trim(), { timezone, mode: '5-part', paused: true }).stop();
  } catch (error) {
    return `schedule "${schedule}" is not valid: ${error instanceof Error ? error.message : String(error)}`;
  }
  return { workflow: subscription.workflow, schedule: schedule.trim(), timezone };
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
