/**
 * The period a report covers: whole UTC days, `from` and `to` both included. Item families keyed by day
 * (`SAVINGS#<yyyy-mm-dd>`) are read day by day; time-stamped items (readings, history, decisions) are kept when
 * `startIso <= at < endIso`.
 */
export interface ReportPeriod {
  /** First day, `YYYY-MM-DD` (UTC). */
  readonly from: string;
  /** Last day, `YYYY-MM-DD` (UTC), included. */
  readonly to: string;
  /** Every day from `from` to `to`, in order. */
  readonly days: readonly string[];
  /** `from` at 00:00 UTC, ISO-8601. */
  readonly startIso: string;
  /** The day after `to` at 00:00 UTC, ISO-8601 (exclusive end). */
  readonly endIso: string;
}

/** Longest period a report covers, days (one Query per day and item family; DynamoDB keeps history 90 days). */
export const MAX_REPORT_DAYS = 366;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** A `--from`/`--to` that is not a day, or a period that is empty or too long. */
export class InvalidReportPeriodError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidReportPeriodError';
  }
}

function dayStartMs(field: string, day: string): number {
  const match = DAY.exec(day);
  const ms = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : Number.NaN;
  if (!match || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== day) {
    throw new InvalidReportPeriodError(
      `${field} ${JSON.stringify(day)} is not a calendar day; expected YYYY-MM-DD (UTC), e.g. 2026-11-23`,
    );
  }
  return ms;
}

/** The UTC day (`YYYY-MM-DD`) of an ISO-8601 time, or undefined when it is not a time. */
export function utcDayOf(iso: string): string | undefined {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 10) : undefined;
}

/** True when the ISO-8601 time `iso` lies in the period (`startIso <= iso < endIso`, compared as instants). */
export function inPeriod(period: ReportPeriod, iso: string): boolean {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) && ms >= Date.parse(period.startIso) && ms < Date.parse(period.endIso);
}

/**
 * The period from `from` to `to` (both `YYYY-MM-DD`, UTC, both included).
 * @throws {InvalidReportPeriodError} when a date is not a calendar day, `to` is before `from`, or the period is longer
 *   than {@link MAX_REPORT_DAYS} days
 */
export function reportPeriod(from: string, to: string): ReportPeriod {
  const startMs = dayStartMs('--from', from);
  const lastMs = dayStartMs('--to', to);
  if (lastMs < startMs) {
    throw new InvalidReportPeriodError(`--to ${to} is before --from ${from}; the period must contain at least one day`);
  }
  const count = (lastMs - startMs) / MS_PER_DAY + 1;
  if (count > MAX_REPORT_DAYS) {
    throw new InvalidReportPeriodError(
      `the period ${from} to ${to} has ${count} days; at most ${MAX_REPORT_DAYS} days are allowed`,
    );
  }
  const days: string[] = [];
  for (let i = 0; i < count; i += 1) days.push(new Date(startMs + i * MS_PER_DAY).toISOString().slice(0, 10));
  return {
    from,
    to,
    days,
    startIso: new Date(startMs).toISOString(),
    endIso: new Date(lastMs + MS_PER_DAY).toISOString(),
  };
}

/**
 * The period from `from` (included) to `to` (excluded), both `YYYY-MM-DD` UTC: `2026-11-01`, `2026-12-01` is
 * November. The convention of every `--from`/`--to` of the CLI (and of a `from`/`to` query).
 * @throws {InvalidReportPeriodError} when a date is not a calendar day, `to` is not after `from`, or the period is
 *   longer than {@link MAX_REPORT_DAYS} days
 */
export function reportPeriodHalfOpen(from: string, to: string): ReportPeriod {
  const startMs = dayStartMs('--from', from);
  const endMs = dayStartMs('--to', to);
  if (endMs <= startMs) {
    throw new InvalidReportPeriodError(
      `--to ${to} is not after --from ${from}; --to is excluded, so the period ${from} to ${to} holds no day`,
    );
  }
  return reportPeriod(from, new Date(endMs - MS_PER_DAY).toISOString().slice(0, 10));
}

/** The period of the same number of days that ends where `period` starts (for the comparison with it). */
export function previousReportPeriod(period: ReportPeriod): ReportPeriod {
  const startMs = Date.parse(period.startIso);
  const days = period.days.length;
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return reportPeriod(day(startMs - days * MS_PER_DAY), day(startMs - MS_PER_DAY));
}
