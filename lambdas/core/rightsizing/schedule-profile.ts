import { HOURS_PER_MONTH } from '../accounting/units';

/**
 * What the rightsizer assumes about the running time of a scheduled instance, from its `Schedule` tag: the
 * weekdays on which it runs (for the data-coverage rule) and its running hours per month (for the monthly $ and
 * CO2e savings). Built-in schedules are known exactly (docs/schedules.md); any other schedule is assumed to run every
 * day and 730 h a month, an upper bound (so savings of custom schedules are overstated at most by their stop time).
 */
export interface RunningProfile {
  /** Normalised schedule name, or undefined for an instance without a `Schedule` tag. */
  readonly schedule: string | undefined;
  /** Days of the week the instance is expected to run, 0 = Monday … 6 = Sunday. */
  readonly weekdays: readonly number[];
  /** Expected running hours per month (730 h = 24 × 365 ÷ 12, the AWS billing convention). */
  readonly monthlyHours: number;
  /** How the profile was found: `built-in` schedule, `assumed-always` (custom or no schedule). */
  readonly basis: 'built-in' | 'assumed-always';
}

/** Weeks in a 730-hour month. */
const WEEKS_PER_MONTH = HOURS_PER_MONTH / 168;
const MON_FRI = [0, 1, 2, 3, 4];
const EVERY_DAY = [0, 1, 2, 3, 4, 5, 6];

/** Display names of the built-ins (docs/schedules.md) → their names. */
const DISPLAY_NAMES: Readonly<Record<string, string>> = {
  'office-hours-+-weekend-shutdown': 'office-hours',
  'carbon-aware-24/7': 'carbon-aware',
  '24/7-always-running': 'always-on',
  'extended-development-hours': 'extended-dev',
};

/**
 * Normalise a schedule name as docs/schedules.md does: case-insensitive, spaces and underscores become dashes; the
 * display names of the built-ins map to their names (`Office Hours + Weekend Shutdown` → `office-hours`).
 */
export function normaliseScheduleName(name: string): string {
  const dashed = name
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');
  return DISPLAY_NAMES[dashed] ?? dashed;
}

/**
 * The running profile of an instance with `Schedule=<scheduleTag>` (undefined: no tag).
 * office-hours: Mon–Fri 10 h → 50 h/week × 730/168 = 217.3 h/month; extended-dev: Mon–Fri 15 h → 326.0 h/month;
 * always-on and carbon-aware (paused only when dirty, not predictable): 730 h; anything else: 730 h, every day.
 */
export function runningProfile(scheduleTag: string | undefined): RunningProfile {
  if (scheduleTag === undefined) {
    return { schedule: undefined, weekdays: EVERY_DAY, monthlyHours: HOURS_PER_MONTH, basis: 'assumed-always' };
  }
  const schedule = normaliseScheduleName(scheduleTag);
  switch (schedule) {
    case 'office-hours':
      return { schedule, weekdays: MON_FRI, monthlyHours: 50 * WEEKS_PER_MONTH, basis: 'built-in' };
    case 'extended-dev':
      return { schedule, weekdays: MON_FRI, monthlyHours: 75 * WEEKS_PER_MONTH, basis: 'built-in' };
    case 'always-on':
    case 'carbon-aware':
      return { schedule, weekdays: EVERY_DAY, monthlyHours: HOURS_PER_MONTH, basis: 'built-in' };
    default:
      return { schedule, weekdays: EVERY_DAY, monthlyHours: HOURS_PER_MONTH, basis: 'assumed-always' };
  }
}
