import type { Datapoint } from './metric-queries';

/**
 * Nearest-rank percentile of `values` (p in 0..100): the smallest value such that at least p% of the values are
 * ≤ it, i.e. sorted[ceil(p/100 × n) − 1]. Undefined for an empty list.
 * Example: p95 of 1..20 → ceil(19) = 19th value = 19.
 */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile p = ${p}; expected 0..100`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

/**
 * The CPU statistic over the whole window from per-day values of that statistic (what GetMetricData returns with
 * Period 86,400 and Stat p95): the highest daily value. For `Maximum` this is exact; for a percentile it is an
 * upper bound of the window's percentile (if every day has ≤ 5% of samples above x, so has the window), so the
 * rightsizer never judges on a value lower than the truth.
 */
export function windowStatistic(daily: readonly Datapoint[]): number | undefined {
  if (daily.length === 0) return undefined;
  return Math.max(...daily.map((d) => d.value));
}

/** Mean of the values, undefined for none. */
export function mean(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** Distinct UTC dates (`YYYY-MM-DD`) of datapoints inside [start, end). */
export function daysWithData(points: readonly Datapoint[], start: Date, end: Date): Set<string> {
  const dayNumbers = new Set<number>();
  for (const point of points) {
    const ms = Date.parse(point.timestamp);
    if (Number.isNaN(ms) || ms < start.getTime() || ms >= end.getTime()) continue;
    dayNumbers.add(Math.floor(ms / 86_400_000));
  }
  return new Set([...dayNumbers].map((day) => new Date(day * 86_400_000).toISOString().slice(0, 10)));
}

/** Number of UTC days in [start, end) whose weekday (0 = Monday … 6 = Sunday) is in `weekdays`. */
export function expectedDays(start: Date, end: Date, weekdays: readonly number[]): number {
  let count = 0;
  for (let ms = start.getTime(); ms < end.getTime(); ms += 86_400_000) {
    const weekday = (new Date(ms).getUTCDay() + 6) % 7;
    if (weekdays.includes(weekday)) count += 1;
  }
  return count;
}
