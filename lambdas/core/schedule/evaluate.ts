import { periodAppliesOn } from './day-match';
import { describePeriod } from './describe';
import { formatTimeOfDay } from './fields';
import type { DesiredState, Period, Schedule } from './types';
import { civilDate, localTime, wallToInstant } from './zone-time';

/** What a schedule wants at an instant, and why. */
export interface ScheduleEvaluation {
  state: DesiredState;
  /** The instance type of the running period that decided, when it sets one. */
  instanceType?: string;
  /** The deciding period: its name, or `period 2`. Absent when stopped outside every period. */
  period?: string;
  /** Human readable, e.g. `office-hours: running in period 1 (mon-fri 08:00–18:00) at Mon 2026-03-30 09:00 Europe/Berlin`. */
  reason: string;
}

const RANK: Record<DesiredState, number> = { stopped: 0, any: 1, running: 2 };
const WEEKDAY_SHORT = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function isExceptionDay(schedule: Schedule, dayKey: number): string | undefined {
  for (const range of schedule.exceptions) {
    if (dayKey >= range.fromDay && dayKey <= range.toDay) {
      return range.from === range.to ? range.from : `${range.from}/${range.to}`;
    }
  }
  return undefined;
}

/** Whether the period may start on this date: it applies, and the date is not an exception. */
function startsOn(schedule: Schedule, period: Period, epochDay: number): boolean {
  if (!periodAppliesOn(period, epochDay)) return false;
  return schedule.exceptions.length === 0 || isExceptionDay(schedule, civilDate(epochDay).dayKey) === undefined;
}

/**
 * State of one period at instant `atMs` whose local date is `epochDay` (Instance Scheduler semantics, plus overnight):
 * - on a day the period does not apply: stopped (except the overnight tail from the previous day);
 * - no times: running all day; only `begintime`: any before it, running from it; only `endtime`: any before it,
 *   stopped from it; both: running in [begintime, endtime), else stopped;
 * - overnight (`begintime > endtime`): running from begintime on an applying day to endtime the next day.
 * Boundaries are instants (see zone-time.ts), so begin is inclusive and end exclusive to the second across DST.
 */
function periodState(schedule: Schedule, period: Period, epochDay: number, atMs: number): DesiredState {
  const zone = schedule.timezone;
  const begin = period.beginSeconds;
  const end = period.endSeconds;
  if (period.overnight && begin !== undefined && end !== undefined) {
    if (startsOn(schedule, period, epochDay) && atMs >= wallToInstant(zone, epochDay, begin)) return 'running';
    if (atMs < wallToInstant(zone, epochDay, end) && startsOn(schedule, period, epochDay - 1)) return 'running';
    return 'stopped';
  }
  if (!periodAppliesOn(period, epochDay)) return 'stopped';
  if (begin === undefined && end === undefined) return 'running';
  if (begin !== undefined && end !== undefined) {
    return atMs >= wallToInstant(zone, epochDay, begin) && atMs < wallToInstant(zone, epochDay, end)
      ? 'running'
      : 'stopped';
  }
  if (begin !== undefined) return atMs >= wallToInstant(zone, epochDay, begin) ? 'running' : 'any';
  return atMs >= wallToInstant(zone, epochDay, end as number) ? 'stopped' : 'any';
}

function localText(schedule: Schedule, epochDay: number, seconds: number): string {
  const date = civilDate(epochDay);
  const day = `${date.year}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
  return `${WEEKDAY_SHORT[date.weekday]} ${day} ${formatTimeOfDay(seconds)} ${schedule.timezone}`;
}

function evaluate(schedule: Schedule, atMs: number): ScheduleEvaluation {
  if (schedule.overrideStatus) {
    return {
      state: schedule.overrideStatus,
      reason: `${schedule.name}: ${schedule.overrideStatus} because its overrideStatus is "${schedule.overrideStatus}"`,
    };
  }
  const local = localTime(schedule.timezone, atMs);
  const when = localText(schedule, local.epochDay, local.seconds);
  if (schedule.exceptions.length > 0) {
    const exception = isExceptionDay(schedule, civilDate(local.epochDay).dayKey);
    if (exception !== undefined) {
      return { state: 'stopped', reason: `${schedule.name}: stopped on exception date ${exception} (${when})` };
    }
  }
  let best: { state: DesiredState; period: Period } | undefined;
  for (const period of schedule.periods) {
    const state = periodState(schedule, period, local.epochDay, atMs);
    if (!best || RANK[state] > RANK[best.state]) best = { state, period };
    if (state === 'running') break;
  }
  if (!best || best.state === 'stopped') {
    const shown = schedule.periods.slice(0, 3).map((p) => `${p.label}: ${describePeriod(p)}`);
    if (schedule.periods.length > 3) shown.push(`${schedule.periods.length - 3} more`);
    return {
      state: 'stopped',
      reason: `${schedule.name}: stopped, outside every period (${shown.join('; ')}) at ${when}`,
    };
  }
  const { state, period } = best;
  const described = `${period.label} (${describePeriod(period)})`;
  const result: ScheduleEvaluation = {
    state,
    period: period.name ?? period.label,
    reason:
      state === 'running'
        ? `${schedule.name}: running in ${described} at ${when}`
        : `${schedule.name}: any (state left as it is) in ${described} at ${when}`,
  };
  if (state === 'running' && period.instanceType) result.instanceType = period.instanceType;
  return result;
}

const lastResult = new WeakMap<Schedule, { second: number; evaluation: ScheduleEvaluation }>();

/**
 * The desired state of `schedule` at instant `at`, evaluated in the schedule's IANA time zone.
 *
 * Order: `overrideStatus` → exception dates (stopped all local day) → periods (running > any > stopped; the first
 * period with the winning state is reported). Results are constant within a whole second (all boundaries are whole
 * seconds), and the last result per schedule is memoised by second, so evaluating thousands of instances of the
 * same schedule at the same `now` costs one evaluation.
 *
 * @throws {RangeError} when `at` is an invalid Date
 */
export function desiredState(schedule: Schedule, at: Date): ScheduleEvaluation {
  const atMs = at.getTime();
  if (Number.isNaN(atMs)) throw new RangeError('desiredState: "at" is an invalid Date');
  const second = Math.floor(atMs / 1000);
  const cached = lastResult.get(schedule);
  if (cached && cached.second === second) return { ...cached.evaluation };
  const evaluation = evaluate(schedule, second * 1000);
  lastResult.set(schedule, { second, evaluation });
  return { ...evaluation };
}

/** Like {@link desiredState} but never memoised (for searches that visit many instants once). */
export function desiredStateAt(schedule: Schedule, atMs: number): ScheduleEvaluation {
  return evaluate(schedule, Math.floor(atMs / 1000) * 1000);
}
