/**
 * Types of the schedule language (docs/schedules.md): parsed schedules and periods, desired and stored states.
 * Parsing lives in parse.ts, evaluation in evaluate.ts, the start/stop decision in transition.ts.
 */

/** What a schedule wants at an instant. `any` leaves the instance as it is (Instance Scheduler on AWS semantics). */
export type DesiredState = 'running' | 'stopped' | 'any';

/**
 * How carbon intensity modifies the time schedule:
 * - `none`: time only;
 * - `pause-when-dirty`: stop while the region's carbon intensity is above its threshold (the `carbon-aware` built-in);
 * - `defer-start`: when a period begins while the grid is dirty, delay the start to the cleanest forecast slot,
 *   at most `maxDeferMinutes`, then start regardless.
 */
export type CarbonPolicy = 'none' | 'pause-when-dirty' | 'defer-start';

/** Allowed values of {@link CarbonPolicy}, in documentation order. */
export const CARBON_POLICIES: readonly CarbonPolicy[] = ['none', 'pause-when-dirty', 'defer-start'];

/**
 * The state the scheduler remembers per instance between runs (Instance Scheduler on AWS semantics):
 * the last state it acted on (`running`, `stopped`), a failed action to retry (`start_failed`, `stop_failed`), or
 * `retain_running` for an instance a person started before its period began (kept running after the period ends
 * when the schedule sets `retainRunning`).
 */
export type StoredState = 'running' | 'stopped' | 'start_failed' | 'stop_failed' | 'retain_running';

/** EC2 instance lifecycle states (`DescribeInstances` `State.Name`). */
export type InstanceLifecycleState = 'pending' | 'running' | 'stopping' | 'stopped' | 'shutting-down' | 'terminated';

/**
 * Weekdays of a period. Weekday numbers are 0 = Monday … 6 = Sunday (Instance Scheduler on AWS convention).
 * A day matches when its weekday is in `mask`, or it is the n-th such weekday of its month (`fri#3`),
 * or it is the last such weekday of its month (`friL`).
 */
export interface WeekdaySet {
  /** Bit w set (1 << w) when weekday w matches on every date. */
  readonly mask: number;
  /** `<day>#n`: the n-th (1–5) occurrence of `weekday` in the month. */
  readonly nth: readonly { readonly weekday: number; readonly n: number }[];
  /** `<day>L`: bit w set when the last occurrence of weekday w in the month matches. */
  readonly lastMask: number;
}

/** `'L'` stands for the last day of the month being evaluated (28–31). */
export type DayOfMonth = number | 'L';

/**
 * One item of a `monthdays` field:
 * - `days`: from `from` to `to` (inclusive, clamped to the month's length) every `step` days
 *   (`15` is from 15 to 15; `1-7`; `L`; `20-L`; `1/7` is from 1 to L step 7; `*` is 1 to L step 1);
 * - `nearest-weekday`: `15W` — the weekday (Mon–Fri) nearest to that day within the same month; `LW` — the last
 *   weekday of the month. A day beyond the month's length (`31W` in April) matches nothing that month.
 */
export type MonthdayItem =
  | { readonly kind: 'days'; readonly from: DayOfMonth; readonly to: DayOfMonth; readonly step: number }
  | { readonly kind: 'nearest-weekday'; readonly day: DayOfMonth };

/** Days of the month of a period: a day matches when any item matches. */
export interface MonthdaySet {
  readonly items: readonly MonthdayItem[];
}

/** Months of a period: bit m set (1 << m) for month m, 1 = January … 12 = December. */
export interface MonthSet {
  readonly mask: number;
}

/**
 * A parsed period (Instance Scheduler on AWS field names). Times are seconds after local midnight.
 * `beginSeconds` is inclusive and `endSeconds` exclusive; an `endSeconds` of 86,400 is `24:00`, the end of the day.
 * When both are set and `beginSeconds > endSeconds` the period is `overnight`: it runs from `begintime` on a matching
 * day to `endtime` on the next day. Absent weekdays/monthdays/months mean "every"; present ones combine with AND.
 */
export interface Period {
  /** How messages name the period: `period 2`, or `period 2 "night"` when it has a name. */
  label: string;
  name?: string;
  description?: string;
  /** Normalised `HH:MM` (or `HH:MM:SS`) text of the begin time, as written. */
  begintime?: string;
  endtime?: string;
  beginSeconds?: number;
  endSeconds?: number;
  overnight: boolean;
  weekdays?: WeekdaySet;
  monthdays?: MonthdaySet;
  months?: MonthSet;
  /** The period's field texts as written (lists joined with ","), for display. */
  text: { weekdays?: string; monthdays?: string; months?: string };
  /** Run the instance as this EC2 instance type during the period (e.g. `m7g.large`). */
  instanceType?: string;
}

/**
 * An inclusive range of local dates on which the schedule is stopped (`exceptions`, e.g. holidays).
 * `from`/`to` are `YYYY-MM-DD`; `fromDay`/`toDay` the same dates as numbers `YYYYMMDD` for fast comparison.
 */
export interface ExceptionDates {
  from: string;
  to: string;
  fromDay: number;
  toDay: number;
}

/** A validated schedule (docs/schedules.md). Build one with `parseScheduleDefinition`; evaluate with `desiredState`. */
export interface Schedule {
  /** The name as written in the definition; tags match it after `normalizeScheduleName`. */
  name: string;
  /** IANA time zone the periods are evaluated in (the schedule's, else the configuration's default). */
  timezone: string;
  periods: Period[];
  carbonPolicy: CarbonPolicy;
  /** Longest delay of a start under `defer-start`, minutes (default 240). */
  maxDeferMinutes: number;
  /** Re-apply the desired state every run, overriding people who start or stop instances by hand. */
  enforced: boolean;
  /** Keep an instance running after its period when a person started it before the period began. */
  retainRunning: boolean;
  /** Stop an instance seen for the first time running outside its periods (default true). */
  stopNewInstances: boolean;
  /** Hibernate instead of stop (instances must be configured for hibernation). */
  hibernate: boolean;
  /**
   * Keep RDS DB instances and DB clusters running through their preferred maintenance window, starting them
   * 10 minutes before it when stopped (Instance Scheduler on AWS's `use_maintenance_window`; docs/resources.md).
   * No effect on EC2 instances and Auto Scaling groups. Absent means false.
   */
  useMaintenanceWindow?: boolean;
  /** Ignore the periods: always this state. */
  overrideStatus?: 'running' | 'stopped';
  /** Local dates on which the schedule is stopped all day. */
  exceptions: ExceptionDates[];
  description?: string;
  /** True for the built-ins of builtins.ts. */
  builtIn?: boolean;
}
