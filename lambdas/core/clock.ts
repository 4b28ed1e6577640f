/**
 * The injected clock. Core code never reads the system time: a run takes one `now` at its edge (handler or CLI)
 * and passes it down, so decisions are repeatable and tests freeze time.
 */
export type Clock = () => Date;

/** The system clock, for handlers and the CLI only. */
export const systemClock: Clock = () => new Date();

/** A clock frozen at `at` (ISO-8601 string or Date), for tests, dry runs with `"at"` and backtests. */
export function fixedClock(at: Date | string): Clock {
  const frozen = typeof at === 'string' ? new Date(at) : new Date(at.getTime());
  if (Number.isNaN(frozen.getTime())) {
    throw new RangeError(`fixedClock: "${String(at)}" is not a valid ISO-8601 time`);
  }
  return () => new Date(frozen.getTime());
}
