import { desiredState } from '../../../lambdas/core/schedule/evaluate';
import { parseScheduleDefinition } from '../../../lambdas/core/schedule/parse';
import type { Schedule } from '../../../lambdas/core/schedule/types';

/** Parse a definition that the test expects to be valid; fails the test with the errors otherwise. */
export function schedule(definition: Record<string, unknown>, defaultTimezone = 'UTC'): Schedule {
  const result = parseScheduleDefinition({ name: 'test', ...definition }, defaultTimezone);
  if (!result.ok) throw new Error(`expected a valid definition, got:\n${result.errors.join('\n')}`);
  return result.schedule;
}

/** A schedule with one all-day period made of these day fields (UTC). */
export function dayPeriod(fields: Record<string, unknown>): Schedule {
  return schedule({ periods: [fields] });
}

/** Days of `month` in `year` on which an all-day UTC schedule runs (evaluated at 12:00 UTC). */
export function runningDays(s: Schedule, year: number, month: number): number[] {
  const days: number[] = [];
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  for (let day = 1; day <= last; day++) {
    if (desiredState(s, new Date(Date.UTC(year, month - 1, day, 12))).state === 'running') days.push(day);
  }
  return days;
}

/** The desired state at an ISO instant. */
export function stateAt(s: Schedule, iso: string): string {
  return desiredState(s, new Date(iso)).state;
}
