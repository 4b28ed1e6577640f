import { DateTime } from 'luxon';
import { SCHEDULE_OVERRIDE_TAG, SCHEDULE_TAG } from '../../contract';

/**
 * Parsers of the instance tags `Schedule` and `ScheduleOverride` (docs/schedules.md). Both are total: they never
 * throw, whatever the input, and every rejection carries a reason that the scheduler reports (and counts) while
 * leaving the instance as it is.
 */

/** EC2 tag values are at most 256 Unicode characters. */
export const MAX_TAG_VALUE_LENGTH = 256;

/** Tag keys, as instances carry them (lambdas/contract/tags.ts). */
export { SCHEDULE_OVERRIDE_TAG, SCHEDULE_TAG };

// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Parse a `Schedule` tag value. The name is returned trimmed, as written; `ScheduleRegistry.resolve` matches it
 * after normalising (case, spaces, underscores).
 *
 * @returns `{ ok: true, name }`, or `{ ok: false, reason }` when absent (`no Schedule tag`), empty, too long or
 *   containing control characters. Never throws.
 */
export function parseScheduleTag(
  value: string | undefined,
): { ok: true; name: string } | { ok: false; reason: string } {
  if (value === undefined || value === null) return { ok: false, reason: 'no Schedule tag' };
  if (typeof value !== 'string') return { ok: false, reason: `Schedule tag is not a string (${typeof value})` };
  const name = value.trim();
  if (name === '')
    return { ok: false, reason: 'Schedule tag is empty; set it to a schedule name such as office-hours' };
  if (value.length > MAX_TAG_VALUE_LENGTH) {
    return { ok: false, reason: `Schedule tag is longer than ${MAX_TAG_VALUE_LENGTH} characters` };
  }
  if (CONTROL.test(name)) return { ok: false, reason: 'Schedule tag contains control characters' };
  return { ok: true, name };
}

/** A parsed `ScheduleOverride` tag. `active` is false once `until` has passed (the override has expired). */
export type OverrideTag = { ok: true; state: 'running' | 'stopped'; until?: Date; active: boolean };

/** Result of {@link parseOverrideTag}. */
export type OverrideTagResult = OverrideTag | { ok: false; reason: string };

/** Reason returned when the instance has no `ScheduleOverride` tag (not an error: there is simply no override). */
export const NO_OVERRIDE_TAG = 'no override tag';

const OVERRIDE = /^(running|stopped)(?:\s+until\s+(\S+))?$/i;
const HAS_OFFSET = /(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;
const OVERRIDE_FORMAT = '"running" or "stopped", optionally followed by "until 2026-11-22T18:00Z"';

/**
 * Parse a `ScheduleOverride` tag value: `running` | `stopped`, optionally `until <ISO-8601 time with offset or Z>`
 * (e.g. `stopped until 2026-11-22T18:00Z`, `running until 2026-11-22T19:00+01:00`). Case-insensitive.
 *
 * @param value the tag value; `undefined` (no tag) gives `{ ok: false, reason: 'no override tag' }` ({@link NO_OVERRIDE_TAG})
 * @param now the run's clock reading; an override whose `until` is at or before `now` is returned with `active: false`
 * @returns the override, or `{ ok: false, reason }` for a malformed value. Never throws.
 */
export function parseOverrideTag(value: string | undefined, now: Date): OverrideTagResult {
  try {
    if (value === undefined || value === null) return { ok: false, reason: NO_OVERRIDE_TAG };
    if (typeof value !== 'string')
      return { ok: false, reason: `ScheduleOverride tag is not a string (${typeof value})` };
    const text = value.trim();
    if (text === '') return { ok: false, reason: `ScheduleOverride tag is empty; use ${OVERRIDE_FORMAT}` };
    if (value.length > MAX_TAG_VALUE_LENGTH) {
      return { ok: false, reason: `ScheduleOverride tag is longer than ${MAX_TAG_VALUE_LENGTH} characters` };
    }
    const match = OVERRIDE.exec(text);
    if (!match) return { ok: false, reason: `ScheduleOverride tag "${text}" is not ${OVERRIDE_FORMAT}` };
    const state = (match[1] as string).toLowerCase() as 'running' | 'stopped';
    const untilText = match[2];
    if (untilText === undefined) return { ok: true, state, active: true };
    if (!/T/i.test(untilText)) {
      return {
        ok: false,
        reason: `ScheduleOverride "until ${untilText}" has no time of day; write a date, time and offset (e.g. 2026-11-22T18:00Z)`,
      };
    }
    if (!HAS_OFFSET.test(untilText)) {
      return {
        ok: false,
        reason: `ScheduleOverride "until ${untilText}" has no UTC offset; add "Z" or "+01:00" (e.g. 2026-11-22T18:00Z)`,
      };
    }
    const parsed = DateTime.fromISO(untilText, { setZone: true });
    if (!parsed.isValid) {
      return {
        ok: false,
        reason: `ScheduleOverride "until ${untilText}" is not an ISO-8601 date and time (e.g. 2026-11-22T18:00Z)`,
      };
    }
    const until = parsed.toJSDate();
    return { ok: true, state, until, active: until.getTime() > now.getTime() };
  } catch (error) {
    return { ok: false, reason: `ScheduleOverride tag could not be read: ${(error as Error)?.message ?? error}` };
  }
}
