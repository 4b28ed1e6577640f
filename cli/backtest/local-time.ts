import { DateTime, IANAZone } from 'luxon';

/** Local dates and clock times of the backtest, in an IANA time zone (`--timezone`, default UTC). */

/** A `--timezone` that is not an IANA zone, or a `--start` that is not `HH:MM`. */
export class InvalidLocalTimeError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidLocalTimeError';
  }
}

/**
 * Check an IANA time zone name.
 * @throws {InvalidLocalTimeError} naming the zone, e.g. for `Europe/Berlinn`
 */
export function checkTimezone(timezone: string): string {
  if (!IANAZone.isValidZone(timezone)) {
    throw new InvalidLocalTimeError(
      `--timezone ${JSON.stringify(timezone)} is not an IANA time zone (e.g. "UTC", "Europe/Berlin")`,
    );
  }
  return timezone;
}

/**
 * Parse a clock time `HH:MM` (00:00–23:59) to minutes after midnight.
 * @throws {InvalidLocalTimeError}
 */
export function parseClockTime(text: string, field = '--start'): number {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (!match)
    throw new InvalidLocalTimeError(`${field} ${JSON.stringify(text)} is not a time HH:MM from 00:00 to 23:59`);
  return Number(match[1]) * 60 + Number(match[2]);
}

const QUARTER_HOUR_MS = 15 * 60_000;

/**
 * A function giving the local date `YYYY-MM-DD` of an instant in `timezone`. Every UTC offset in use is a multiple
 * of 15 minutes, so results are cached per quarter hour.
 */
export function localDateOf(timezone: string): (atMs: number) => string {
  if (timezone === 'UTC') return (atMs) => new Date(atMs).toISOString().slice(0, 10);
  const cache = new Map<number, string>();
  return (atMs) => {
    const key = Math.floor(atMs / QUARTER_HOUR_MS);
    let date = cache.get(key);
    if (date === undefined) {
      date = DateTime.fromMillis(atMs, { zone: timezone }).toISODate()!;
      cache.set(key, date);
    }
    return date;
  };
}

/**
 * The instants of a daily clock time between two instants: every local day from the one of `fromMs` to the one of
 * `toMs` at `minutesOfDay` in `timezone` (a time that does not exist on a DST change day moves forward, as luxon
 * does). Instants outside `[fromMs, toMs]` are included; the caller filters.
 */
export function dailyInstants(fromMs: number, toMs: number, minutesOfDay: number, timezone: string): number[] {
  const instants: number[] = [];
  let day = DateTime.fromMillis(fromMs, { zone: timezone }).startOf('day');
  const last = DateTime.fromMillis(toMs, { zone: timezone }).startOf('day');
  while (day <= last) {
    instants.push(day.set({ hour: Math.floor(minutesOfDay / 60), minute: minutesOfDay % 60 }).toMillis());
    day = day.plus({ days: 1 });
  }
  return instants;
}

/**
 * Parse a `--from`/`--to` bound: `YYYY-MM-DD` (midnight) or `YYYY-MM-DDTHH:MM[:SS]` with an optional offset; times
 * without an offset are in `timezone`.
 * @returns epoch ms
 * @throws {InvalidLocalTimeError}
 */
export function parseBound(text: string, field: string, timezone: string): number {
  const parsed = DateTime.fromISO(text, { zone: timezone, setZone: false });
  if (!parsed.isValid || !/^\d{4}-\d{2}-\d{2}/.test(text)) {
    throw new InvalidLocalTimeError(
      `${field} ${JSON.stringify(text)} is not a date or time (e.g. "2023-01-01" or "2023-06-01T12:00Z")`,
    );
  }
  return parsed.toMillis();
}
