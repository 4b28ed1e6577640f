import { HOURS_PER_MONTH } from '../accounting/units';
import { normalizeScheduleName, type ScheduleRegistry } from '../schedule';
import { desiredStateAt } from '../schedule/evaluate';
import { nextTransition } from '../schedule/next-transition';
import type { Schedule } from '../schedule/types';

/**
 * What the rightsizer assumes about the running time of a scheduled instance (docs/rightsizing.md): the weekdays on
 * which it runs (for the data-coverage rule) and its running hours per month (for the monthly USD and CO2e
 * savings), from the schedule its `Schedule` tag names in the schedule registry, so built-in and custom schedules
 * are priced alike.
 */
export interface RunningProfile {
  /** The schedule's name; the normalised tag for an unknown schedule; undefined without a `Schedule` tag. */
  readonly schedule: string | undefined;
  /** Days of the week the instance runs, 0 = Monday … 6 = Sunday (in the schedule's time zone). */
  readonly weekdays: readonly number[];
  /** Running hours per month: the hours of one week × 730 / 168 (730 h = 24 × 365 ÷ 12, AWS's billing month). */
  readonly monthlyHours: number;
  /**
   * `schedule`: walked through the registry's schedule; `assumed-always`: no tag or an unknown schedule (730 h,
   * every day, an upper bound).
   */
  readonly basis: 'schedule' | 'assumed-always';
}

const WEEK_MS = 7 * 24 * 3_600_000;
const EVERY_DAY = [0, 1, 2, 3, 4, 5, 6];
const WEEKDAY_INDEX: Readonly<Record<string, number>> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

function weekdayOf(zone: string, ms: number): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone: zone, weekday: 'short' }).format(new Date(ms));
  return WEEKDAY_INDEX[name] ?? 0;
}

/**
 * Running hours of `schedule` in the week from `from`: walks its transitions (`nextTransition`) and adds up the
 * stretches whose desired state is not `stopped` (`any` counts as running: an upper bound). Also the weekdays with
 * any running time.
 */
export function weeklyRunningHours(schedule: Schedule, from: Date): { hours: number; weekdays: number[] } {
  const startMs = from.getTime();
  const endMs = startMs + WEEK_MS;
  let runningMs = 0;
  const days = new Set<number>();
  let t = startMs;
  let state = desiredStateAt(schedule, t).state;
  while (t < endMs) {
    const next = nextTransition(schedule, new Date(t));
    const stretchEnd = Math.min(next ? next.at.getTime() : endMs, endMs);
    if (state !== 'stopped') {
      runningMs += stretchEnd - t;
      for (let h = t; h < stretchEnd; h += 3_600_000) days.add(weekdayOf(schedule.timezone, h));
      days.add(weekdayOf(schedule.timezone, stretchEnd - 1));
    }
    if (!next) break;
    t = stretchEnd;
    state = next.state;
  }
  return { hours: runningMs / 3_600_000, weekdays: [...days].sort((a, b) => a - b) };
}

/**
 * The running profile of an instance tagged `Schedule=<scheduleTag>` (undefined: no tag), walked over the week from
 * `from` through `registry`. office-hours (Mon–Fri 08:00–18:00): 50 h × 730 / 168 = 217.26 h a month; a custom
 * schedule by its own periods; always-on and carbon-aware (paused only when dirty, not predictable): 730 h.
 */
export function runningProfile(
  registry: ScheduleRegistry,
  scheduleTag: string | undefined,
  from: Date,
): RunningProfile {
  if (scheduleTag === undefined) {
    return { schedule: undefined, weekdays: EVERY_DAY, monthlyHours: HOURS_PER_MONTH, basis: 'assumed-always' };
  }
  const resolved = registry.resolve(scheduleTag);
  if (!resolved.ok) {
    return {
      schedule: normalizeScheduleName(scheduleTag),
      weekdays: EVERY_DAY,
      monthlyHours: HOURS_PER_MONTH,
      basis: 'assumed-always',
    };
  }
  const { hours, weekdays } = weeklyRunningHours(resolved.schedule, from);
  return {
    schedule: resolved.schedule.name,
    weekdays,
    monthlyHours: (hours * HOURS_PER_MONTH) / 168,
    basis: 'schedule',
  };
}
