/**
 * Where in a series of carbon intensity points a job of a given duration should start to see the lowest mean
 * intensity (time shifting: docs/dispatch.md and docs/backtest.md). Pure: used by the dispatcher for deferrals, by the
 * `estimate` CLI for "best time", and by the backtest's `shift` and `dispatch` scenarios.
 */

/** One point of a forecast or trace: the intensity valid from `observedAt` for one step of the series. */
export interface IntensityPoint {
  /** Start of the interval the value is valid for: ISO-8601 string or Date. */
  readonly observedAt: string | Date;
  /** Carbon intensity in gCO2e/kWh. */
  readonly gCO2ePerKWh: number;
}

/** The window a job may start in and how long it runs. */
export interface SlotWindow {
  /** Earliest allowed start (inclusive), usually "now". */
  readonly earliest: Date;
  /** Latest allowed start (inclusive). A window with `latest < earliest` has no slot. */
  readonly latest: Date;
  /** How long the job runs, minutes (> 0). */
  readonly durationMinutes: number;
  /**
   * Length of one point's interval, minutes. Default: the smallest positive gap between consecutive points
   * (a series' regular step), or 60 when there is a single point.
   */
  readonly stepMinutes?: number;
}

/** The best start found. */
export interface StartSlot {
  readonly start: Date;
  /** start + duration. */
  readonly end: Date;
  /** Time-weighted mean intensity over [start, end), gCO2e/kWh. */
  readonly meanGCO2ePerKWh: number;
}

/** A window or duration that cannot be searched (not finite, duration ≤ 0, step ≤ 0). */
export class InvalidSlotWindowError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidSlotWindowError';
  }
}

const MINUTE_MS = 60_000;
/** Means closer than this (gCO2e/kWh) count as equal, so float noise never prefers a later start. */
const TIE_TOLERANCE = 1e-9;

interface Series {
  readonly times: number[];
  readonly values: number[];
  /** cumulative[i] = ∫ from times[0] to times[i] of the step function (gCO2e/kWh × ms), ignoring gaps. */
  readonly cumulative: number[];
  /** runId[i]: points with the same id are contiguous (each starts exactly one step after the previous). */
  readonly runId: number[];
  readonly stepMs: number;
}

function toSeries(points: readonly IntensityPoint[], stepMinutes: number | undefined): Series | undefined {
  const parsed = points
    .map((point) => ({
      time: point.observedAt instanceof Date ? point.observedAt.getTime() : Date.parse(point.observedAt),
      value: point.gCO2ePerKWh,
    }))
    .filter((point) => Number.isFinite(point.time) && Number.isFinite(point.value) && point.value >= 0)
    .sort((a, b) => a.time - b.time);
  const times: number[] = [];
  const values: number[] = [];
  for (const point of parsed) {
    if (times.length > 0 && times[times.length - 1] === point.time) continue; // duplicate time: first wins
    times.push(point.time);
    values.push(point.value);
  }
  if (times.length === 0) return undefined;
  let stepMs = stepMinutes === undefined ? Number.POSITIVE_INFINITY : stepMinutes * MINUTE_MS;
  if (stepMinutes === undefined) {
    for (let i = 1; i < times.length; i++) stepMs = Math.min(stepMs, times[i]! - times[i - 1]!);
    if (!Number.isFinite(stepMs)) stepMs = 60 * MINUTE_MS;
  }
  const cumulative = [0];
  const runId = [0];
  for (let i = 1; i < times.length; i++) {
    const gap = times[i]! - times[i - 1]!;
    cumulative.push(cumulative[i - 1]! + values[i - 1]! * Math.min(gap, stepMs));
    runId.push(gap <= stepMs ? runId[i - 1]! : runId[i - 1]! + 1);
  }
  return { times, values, cumulative, runId, stepMs };
}

/** Index of the last point with time ≤ t, or -1. */
function indexAtOrBefore(times: readonly number[], t: number): number {
  let low = 0;
  let high = times.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (times[mid]! <= t) {
      found = mid;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  return found;
}

/** Integral of the step function over [a, b) (gCO2e/kWh × ms), or undefined when part of it is not covered. */
function integral(series: Series, a: number, b: number): number | undefined {
  const i = indexAtOrBefore(series.times, a);
  if (i < 0 || a >= series.times[i]! + series.stepMs) return undefined;
  // The end is covered when it falls inside (or exactly at the end of) an interval of the same run.
  let j = indexAtOrBefore(series.times, b);
  if (j < 0) return undefined;
  if (series.times[j] === b && j > i) j -= 1; // b is an interval boundary: integrate up to it with interval j−1
  if (b > series.times[j]! + series.stepMs || series.runId[j] !== series.runId[i]) return undefined;
  const at = (index: number, t: number) =>
    series.cumulative[index]! + series.values[index]! * (t - series.times[index]!);
  return at(j, b) - at(i, a);
}

/**
 * The start in `[earliest, latest]` with the lowest time-weighted mean intensity over the job's duration.
 *
 * Each point holds its value for one step (`stepMinutes`, default the series' smallest gap); a larger gap between
 * points is missing data, and a slot that would run through missing data or past the last point is not a
 * candidate (missing data is never read as 0 g). Candidate starts are `earliest` itself (when a point covers it)
 * and every point time inside the window, so a series with a regular step is searched "in steps of the trace".
 * Ties go to the earliest start (no delay for nothing). Points with a non-finite or negative value are ignored.
 *
 * Example: hourly points 300, 100, 200 from 00:00, a 60-minute job, window 00:00–02:00 → start 01:00, mean 100;
 * a 90-minute job in the same window → start 01:00, mean (100 × 60 + 200 × 30) / 90 = 133.3.
 *
 * @returns the best slot, or undefined when no start in the window is fully covered by the points
 * @throws {InvalidSlotWindowError} when the duration or step is not a positive finite number or a bound is invalid
 */
export function bestStartSlot(points: readonly IntensityPoint[], window: SlotWindow): StartSlot | undefined {
  const { earliest, latest, durationMinutes, stepMinutes } = window;
  if (!Number.isFinite(durationMinutes) || durationMinutes <= 0) {
    throw new InvalidSlotWindowError(`durationMinutes = ${durationMinutes}; expected a number of minutes > 0`);
  }
  if (stepMinutes !== undefined && (!Number.isFinite(stepMinutes) || stepMinutes <= 0)) {
    throw new InvalidSlotWindowError(`stepMinutes = ${stepMinutes}; expected a number of minutes > 0`);
  }
  const from = earliest.getTime();
  const to = latest.getTime();
  if (Number.isNaN(from) || Number.isNaN(to)) {
    throw new InvalidSlotWindowError('earliest and latest must be valid dates');
  }
  if (to < from) return undefined;
  const series = toSeries(points, stepMinutes);
  if (!series) return undefined;
  const durationMs = durationMinutes * MINUTE_MS;

  const starts = [from];
  for (let i = indexAtOrBefore(series.times, from) + 1; i < series.times.length && series.times[i]! <= to; i++) {
    if (series.times[i]! > from) starts.push(series.times[i]!);
  }

  let best: { start: number; mean: number } | undefined;
  for (const start of starts) {
    const area = integral(series, start, start + durationMs);
    if (area === undefined) continue;
    const mean = area / durationMs;
    if (best === undefined || mean < best.mean - TIE_TOLERANCE) best = { start, mean };
  }
  if (!best) return undefined;
  return {
    start: new Date(best.start),
    end: new Date(best.start + durationMs),
    meanGCO2ePerKWh: best.mean,
  };
}
