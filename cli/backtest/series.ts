import { bestStartSlot, type IntensityPoint } from '../../lambdas/core/dispatch/best-start-slot';
import { type Trace, TraceSeries } from '../trace';

/**
 * Helpers over trace series for the backtest: merge several trace files into one series per zone, cut a period,
 * and read the actual mean intensity of a job's time (with the product's {@link bestStartSlot}, so a job that runs
 * through missing data has no value rather than a wrong one).
 */

const MINUTE_MS = 60_000;

/**
 * One series per zone from several traces (several files, each with one or more zones). Series of the same zone
 * (compared case-insensitively, first spelling kept) are joined, e.g. a 2022 and a 2023 file of `DE`; where two
 * files hold the same zone and time, the later file wins.
 * @returns zones in the order first seen
 */
export function mergeTraces(traces: readonly Trace[]): TraceSeries[] {
  const byKey = new Map<string, { zone: string; parts: TraceSeries[] }>();
  for (const trace of traces) {
    for (const zone of trace.zones) {
      const series = trace.series(zone)!;
      const key = zone.toUpperCase();
      const entry = byKey.get(key);
      if (entry) entry.parts.push(series);
      else byKey.set(key, { zone, parts: [series] });
    }
  }
  return [...byKey.values()].map(({ zone, parts }) => (parts.length === 1 ? parts[0]! : joinSeries(zone, parts)));
}

function joinSeries(zone: string, parts: readonly TraceSeries[]): TraceSeries {
  const byTime = new Map<number, number>();
  for (const part of parts) for (let i = 0; i < part.length; i += 1) byTime.set(part.times[i]!, part.values[i]!);
  const times = Float64Array.from([...byTime.keys()].sort((a, b) => a - b));
  const values = times.map((t) => byTime.get(t)!);
  return new TraceSeries(zone, times, values, smallestGap(times));
}

function smallestGap(times: Float64Array): number {
  let step = Number.POSITIVE_INFINITY;
  for (let i = 1; i < times.length; i += 1) step = Math.min(step, times[i]! - times[i - 1]!);
  return step;
}

/**
 * The part of `series` with interval starts in `[fromMs, toMs)` (either bound optional). The step is kept.
 * @returns a series, possibly empty
 */
export function cutSeries(series: TraceSeries, fromMs?: number, toMs?: number): TraceSeries {
  const from = fromMs ?? Number.NEGATIVE_INFINITY;
  const to = toMs ?? Number.POSITIVE_INFINITY;
  let first = 0;
  while (first < series.length && series.times[first]! < from) first += 1;
  let end = first;
  while (end < series.length && series.times[end]! < to) end += 1;
  if (first === 0 && end === series.length) return series;
  return new TraceSeries(series.zone, series.times.slice(first, end), series.values.slice(first, end), series.stepMs);
}

/** Regular step of a series in minutes (60 for a single point: the product's default for hourly data). */
export function stepMinutesOf(series: TraceSeries): number {
  return Number.isFinite(series.stepMs) ? series.stepMs / MINUTE_MS : 60;
}

/** Mean of a series' values, gCO2e/kWh (NaN for an empty series). */
export function seriesMean(series: TraceSeries): number {
  let sum = 0;
  for (let i = 0; i < series.length; i += 1) sum += series.values[i]!;
  return sum / series.length;
}

/** Index of the last point at or before `atMs` (regardless of gaps), or -1. */
export function lastIndexAtOrBefore(series: TraceSeries, atMs: number): number {
  const times = series.times;
  let low = 0;
  let high = times.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    if (times[mid]! <= atMs) {
      found = mid;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  return found;
}

/** Index of the first point at or after `atMs`, or `series.length`. */
export function firstIndexAtOrAfter(series: TraceSeries, atMs: number): number {
  const last = lastIndexAtOrBefore(series, atMs);
  if (last >= 0 && series.times[last] === atMs) return last;
  return last + 1;
}

/**
 * Points `{ observedAt, gCO2ePerKWh }` of the intervals that overlap `[fromMs, toMs)`, with the value of each
 * point given by `valueAtIndex(index)` (points whose value is undefined are left out: missing, never 0 g).
 */
export function pointsBetween(
  series: TraceSeries,
  fromMs: number,
  toMs: number,
  valueAtIndex: (index: number) => number | undefined,
): IntensityPoint[] {
  const points: IntensityPoint[] = [];
  for (let i = Math.max(0, lastIndexAtOrBefore(series, fromMs)); i < series.length; i += 1) {
    const at = series.times[i]!;
    if (at >= toMs) break;
    const value = valueAtIndex(i);
    if (value !== undefined) points.push({ observedAt: new Date(at), gCO2ePerKWh: value });
  }
  return points;
}

/**
 * Actual time-weighted mean intensity of the trace over `[startMs, startMs + durationMinutes)`, gCO2e/kWh, computed
 * with {@link bestStartSlot} over a window of one start.
 * @returns undefined when part of that time is not covered (a gap or past the end of the trace)
 */
export function actualMean(series: TraceSeries, startMs: number, durationMinutes: number): number | undefined {
  const endMs = startMs + durationMinutes * MINUTE_MS;
  const points = pointsBetween(series, startMs, endMs, (i) => series.values[i]);
  const start = new Date(startMs);
  return bestStartSlot(points, {
    earliest: start,
    latest: start,
    durationMinutes,
    stepMinutes: stepMinutesOf(series),
  })?.meanGCO2ePerKWh;
}
