/**
 * One fixed time per run. A run evaluates everything at `now` = the trigger time (EventBridge event `time`, the
 * event's `at`, or the clock) truncated to the minute, and is identified by its `tick` = `now` truncated to the
 * scheduling interval (UTC), so a retried or duplicated invocation of the same tick takes no second action.
 */

/** A run's fixed evaluation time and its tick. */
export interface RunTime {
  /** The evaluation time, truncated to the whole minute. */
  readonly now: Date;
  /** ISO-8601 start of the scheduling interval containing `now` (e.g. `2026-11-23T08:05:00.000Z`). */
  readonly tick: string;
}

/**
 * The run time of a trigger at `at` with a scheduling interval of `intervalMinutes`.
 * @throws {RangeError} when `at` is invalid or the interval is not a positive whole number of minutes
 */
export function runTime(at: Date, intervalMinutes: number): RunTime {
  const ms = at.getTime();
  if (Number.isNaN(ms)) throw new RangeError('runTime: the trigger time is not a valid date');
  if (!Number.isInteger(intervalMinutes) || intervalMinutes <= 0) {
    throw new RangeError(`runTime: intervalMinutes = ${intervalMinutes} is not allowed; expected a whole number > 0`);
  }
  const minute = 60_000;
  const now = new Date(Math.floor(ms / minute) * minute);
  const interval = intervalMinutes * minute;
  const tick = new Date(Math.floor(ms / interval) * interval).toISOString();
  return { now, tick };
}
