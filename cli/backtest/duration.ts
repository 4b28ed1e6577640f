/**
 * Durations as users write them on the command line (docs/backtest.md): `30m`, `2h`, `1h30m`, `1d`, `0`.
 */

/** A duration text that is not `<n>d<n>h<n>m` (each part optional, in this order, at least one). */
export class InvalidDurationError extends RangeError {
  constructor(
    readonly field: string,
    readonly text: string,
  ) {
    super(
      `${field} ${JSON.stringify(text)} is not a duration; write whole days, hours and minutes in this order, ` +
        'e.g. "30m", "2h", "1h30m", "1d" (or "0")',
    );
    this.name = 'InvalidDurationError';
  }
}

const DURATION = /^(?:(\d{1,6})d)?(?:(\d{1,7})h)?(?:(\d{1,9})m)?$/;

/**
 * Parse a duration to minutes: optional whole days (`d`), hours (`h`) and minutes (`m`) in this order, no spaces,
 * at least one part, or the bare `0`. Parts may exceed their natural range (`90m` = 90, `36h` = 2160).
 *
 * Examples: `30m` → 30, `2h` → 120, `1h30m` → 90, `1d` → 1440, `0m` → 0.
 * @param field option name for the error message, e.g. `--duration`
 * @returns whole minutes ≥ 0
 * @throws {InvalidDurationError} for anything else (empty text, `1.5h`, `30`, `2m1h`, `-1h`, `1 h`)
 */
export function parseDuration(text: string, field = 'duration'): number {
  if (text === '0') return 0;
  const match = DURATION.exec(text);
  if (!match || text === '') throw new InvalidDurationError(field, text);
  const [, days, hours, minutes] = match;
  const total = Number(days ?? 0) * 1440 + Number(hours ?? 0) * 60 + Number(minutes ?? 0);
  if (!Number.isSafeInteger(total)) throw new InvalidDurationError(field, text);
  return total;
}

/**
 * Write minutes the way {@link parseDuration} reads them, with hours and minutes only: 90 → `1h30m`, 120 → `2h`,
 * 45 → `45m`, 0 → `0m`. Inverse of `parseDuration` for whole minutes ≥ 0.
 * @throws {RangeError} when `minutes` is not a whole number ≥ 0
 */
export function formatDuration(minutes: number): string {
  if (!Number.isSafeInteger(minutes) || minutes < 0) {
    throw new RangeError(`formatDuration: ${minutes} is not a whole number of minutes ≥ 0`);
  }
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `${rest}m`;
  return rest === 0 ? `${hours}h` : `${hours}h${rest}m`;
}
