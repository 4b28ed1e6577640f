import { IANAZone } from 'luxon';

/**
 * Wall-clock arithmetic in IANA time zones (offsets from luxon's `IANAZone`, i.e. the tz database of the runtime's
 * ICU). Local dates are counted as `epochDay`: days since 1970-01-01 of the local calendar date.
 *
 * DST rule used by the whole schedule engine: a wall time `s` on local date D happens at the FIRST instant whose
 * local time on D is at or after `s`. So a time in a repeated hour (clocks going back) is its first occurrence,
 * and a time skipped by clocks going forward happens at the first instant after the gap (02:30 on a day that
 * jumps from 02:00 to 03:00 happens at 03:00). Everything else is plain wall-clock time: a 09:00 start is 09:00
 * local on both sides of a change.
 */

const MS_PER_SECOND = 1000;
export const MS_PER_DAY = 86_400_000;
const MS_PER_HOUR = 3_600_000;

const zones = new Map<string, IANAZone>();

function zoneFor(name: string): IANAZone {
  let zone = zones.get(name);
  if (!zone) {
    zone = IANAZone.create(name);
    zones.set(name, zone);
  }
  return zone;
}

/** True when `name` is an IANA time zone the runtime knows (e.g. `Europe/Berlin`, `UTC`, `Etc/GMT-13`). */
export function isValidTimeZone(name: string): boolean {
  return typeof name === 'string' && name.trim() !== '' && IANAZone.isValidZone(name);
}

/** Offset of the zone from UTC at instant `ms`, in milliseconds (positive east of Greenwich). */
export function offsetMs(zone: string, ms: number): number {
  return zoneFor(zone).offset(ms) * 60_000;
}

/** Calendar fields of a local date. `weekday` is 0 = Monday … 6 = Sunday. */
export interface CivilDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly weekday: number;
  /** `YYYYMMDD` as a number, e.g. 20261225. */
  readonly dayKey: number;
}

/** The calendar date of an epoch day. */
export function civilDate(epochDay: number): CivilDate {
  const date = new Date(epochDay * MS_PER_DAY);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() + 1;
  const day = date.getUTCDate();
  return { year, month, day, weekday: (date.getUTCDay() + 6) % 7, dayKey: year * 10_000 + month * 100 + day };
}

/** Days in a month (month 1–12), leap years included. */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Weekday (0 = Monday) of a calendar date. */
export function weekdayOf(year: number, month: number, day: number): number {
  return (new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7;
}

/** Local wall-clock view of an instant. */
export interface LocalTime {
  readonly epochDay: number;
  /** Whole seconds after local midnight (0–86,399). */
  readonly seconds: number;
  readonly offsetMs: number;
}

/**
 * Offset at instant `ms`, read from the cached frame of its UTC date (the frame's window, midnight − 15 h to
 * midnight + 37 h, covers the whole UTC day), so repeated evaluations avoid formatting dates through Intl.
 */
function cachedOffsetMs(zone: string, ms: number): number {
  const frame = dayFrame(zone, Math.floor(ms / MS_PER_DAY));
  if (frame.kind === 'constant') return frame.offset;
  return ms >= frame.at ? frame.after : frame.before;
}

/** The local date and time of instant `ms` in `zone`. */
export function localTime(zone: string, ms: number): LocalTime {
  const offset = cachedOffsetMs(zone, ms);
  const wall = ms + offset;
  const epochDay = Math.floor(wall / MS_PER_DAY);
  return { epochDay, seconds: Math.floor((wall - epochDay * MS_PER_DAY) / MS_PER_SECOND), offsetMs: offset };
}

/**
 * The offsets in force while wall-clock times of one local date happen. A date has at most one offset change in
 * every zone of the tz database (changes are months apart), found to the second by bisection.
 */
type DayFrame =
  | { readonly kind: 'constant'; readonly offset: number }
  | { readonly kind: 'change'; readonly at: number; readonly before: number; readonly after: number };

const frames = new Map<string, Map<number, DayFrame>>();
const MAX_FRAMES_PER_ZONE = 8192;

function dayFrame(zone: string, epochDay: number): DayFrame {
  let byDay = frames.get(zone);
  if (!byDay) {
    byDay = new Map();
    frames.set(zone, byDay);
  }
  const cached = byDay.get(epochDay);
  if (cached) return cached;
  // Wall times of the date happen between midnight − 15 h and midnight + 37 h in UTC (offsets span −12 h … +14 h).
  const midnight = epochDay * MS_PER_DAY;
  let lo = midnight - 15 * MS_PER_HOUR;
  let hi = midnight + 37 * MS_PER_HOUR;
  const before = offsetMs(zone, lo);
  const after = offsetMs(zone, hi);
  let frame: DayFrame;
  if (before === after) {
    frame = { kind: 'constant', offset: before };
  } else {
    // Invariant: offset(lo) = before, offset(hi) = after; find the first second with the new offset.
    while (hi - lo > MS_PER_SECOND) {
      const mid = lo + Math.floor((hi - lo) / 2 / MS_PER_SECOND) * MS_PER_SECOND;
      if (offsetMs(zone, mid) === before) lo = mid;
      else hi = mid;
    }
    frame = { kind: 'change', at: hi, before, after };
  }
  if (byDay.size >= MAX_FRAMES_PER_ZONE) byDay.clear();
  byDay.set(epochDay, frame);
  return frame;
}

/**
 * The instant (epoch ms) at which wall time `seconds` after midnight of local date `epochDay` happens, by the
 * first-instant rule above. `seconds` may be 86,400 or more (the next day's midnight and beyond).
 */
export function wallToInstant(zone: string, epochDay: number, seconds: number): number {
  if (seconds >= 86_400) {
    const days = Math.floor(seconds / 86_400);
    return wallToInstant(zone, epochDay + days, seconds - days * 86_400);
  }
  const wall = epochDay * MS_PER_DAY + seconds * MS_PER_SECOND;
  const frame = dayFrame(zone, epochDay);
  if (frame.kind === 'constant') return wall - frame.offset;
  const early = wall - frame.before;
  const late = wall - frame.after;
  const earlyValid = early < frame.at;
  const lateValid = late >= frame.at;
  if (earlyValid && lateValid) return Math.min(early, late);
  if (earlyValid) return early;
  if (lateValid) return late;
  return frame.at; // in the gap: the first instant after it
}

/** The offset change (epoch ms) in force around local date `epochDay`, if any. */
export function offsetChangeNear(zone: string, epochDay: number): number | undefined {
  const frame = dayFrame(zone, epochDay);
  return frame.kind === 'change' ? frame.at : undefined;
}
