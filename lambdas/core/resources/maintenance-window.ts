/**
 * RDS preferred maintenance windows (`PreferredMaintenanceWindow` of DescribeDBInstances / DescribeDBClusters):
 * `ddd:hh24:mi-ddd:hh24:mi` in UTC, e.g. `sun:05:00-sun:05:30` or `sat:23:30-sun:00:30`, at least 30 minutes.
 *
 * A schedule with `useMaintenanceWindow` keeps a DB instance or cluster running through its window, as Instance
 * Scheduler on AWS does: from {@link MAINTENANCE_LEAD_MINUTES} minutes before the window begins until it ends, the
 * database is wanted running and started if it is stopped (docs/resources.md, "Maintenance windows").
 */

/** Minutes before the window's start from which the database is kept (or started) running. */
export const MAINTENANCE_LEAD_MINUTES = 10;

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const MINUTES_PER_WEEK = 7 * 24 * 60;

/** A parsed window: minutes after Monday 00:00 UTC of its start and end (end may be before start: it wraps the week). */
export interface MaintenanceWindow {
  readonly text: string;
  readonly startMinute: number;
  readonly endMinute: number;
}

/**
 * Parse a preferred maintenance window.
 * @returns the window, or `{ ok: false, reason }` for text that is not `ddd:hh24:mi-ddd:hh24:mi`. Never throws.
 */
export function parseMaintenanceWindow(
  text: string,
): { ok: true; window: MaintenanceWindow } | { ok: false; reason: string } {
  const match = /^\s*([a-z]{3}):(\d{2}):(\d{2})-([a-z]{3}):(\d{2}):(\d{2})\s*$/i.exec(
    typeof text === 'string' ? text : '',
  );
  const bad = {
    ok: false as const,
    reason: `maintenance window ${JSON.stringify(text)} is not "ddd:hh24:mi-ddd:hh24:mi"`,
  };
  if (!match) return bad;
  const minuteOf = (day: string, hh: string, mm: string): number | undefined => {
    const d = DAYS.indexOf(day.toLowerCase() as (typeof DAYS)[number]);
    const h = Number(hh);
    const m = Number(mm);
    if (d < 0 || h > 23 || m > 59) return undefined;
    return d * 1440 + h * 60 + m;
  };
  const start = minuteOf(match[1]!, match[2]!, match[3]!);
  const end = minuteOf(match[4]!, match[5]!, match[6]!);
  if (start === undefined || end === undefined || start === end) return bad;
  return { ok: true, window: { text: text.trim().toLowerCase(), startMinute: start, endMinute: end } };
}

/** Minutes after Monday 00:00 UTC of the week containing `atMs`. */
function weekMinute(atMs: number): number {
  const date = new Date(atMs);
  const day = (date.getUTCDay() + 6) % 7; // Monday = 0
  return day * 1440 + date.getUTCHours() * 60 + date.getUTCMinutes() + date.getUTCSeconds() / 60;
}

/**
 * Whether `atMs` lies in `[start − leadMinutes, end)` of the weekly window (UTC), across the week's end.
 */
export function inMaintenanceWindow(
  window: MaintenanceWindow,
  atMs: number,
  leadMinutes: number = MAINTENANCE_LEAD_MINUTES,
): boolean {
  const minute = weekMinute(atMs);
  const start = (window.startMinute - leadMinutes + MINUTES_PER_WEEK) % MINUTES_PER_WEEK;
  const end = window.endMinute;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}
