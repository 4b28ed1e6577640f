import { bestStartSlot } from '../../lambdas/core/dispatch/best-start-slot';
import type { ForecastView } from './forecast';
import { dailyInstants, localDateOf } from './local-time';
import {
  type BacktestTotals,
  backtestTotals,
  DailyAccumulator,
  type DailyRow,
  type Period,
  type ProgressCallback,
} from './result';
import { actualMean, pointsBetween, stepMinutesOf } from './series';

/**
 * Backtest scenario `shift` (docs/backtest.md): a job of `durationMinutes` is due every day at `startMinutes` (local
 * time); it may start anywhere from `windowMinutes` before to `windowMinutes` after, in steps of the trace.
 * - baseline: starts at the due time;
 * - oracle: the start with the lowest actual mean intensity over the job's duration ({@link bestStartSlot} on the
 *   actual trace: perfect knowledge);
 * - policy: the same rule, {@link bestStartSlot}, applied once at the window's start to what the policy knows then
 *   ({@link ForecastView}: the actual values of the intervals that ended `lag` before, the forecast after), and
 *   judged on the actual trace. With the `perfect` forecast it is the oracle exactly. Optionally it moves the job
 *   only for a forecast gain of at least `minImprovementPercent` (the dispatcher's deferral rule).
 * Why once: a policy re-deciding at every step would learn only the intervals that have just ended, which lie
 * before any start still open, and the forecasts here are fixed per point, so it would decide the same. (A variant
 * that treated the value of the interval starting now as known and compared it with yesterday's values decided on
 * the day-to-day change of level rather than on the day's shape and lost savings on DE and GB 2022.)
 * Only days whose whole window (earliest start to latest end) is covered by the trace are simulated, so baseline,
 * policy and oracle run the same jobs. When the forecast covers no start (e.g. `persistence` on the trace's first
 * day), the policy starts the job at its due time, as the baseline does (counted in `policyFallbacks`).
 */

/** Input of {@link simulateShift}. */
export interface ShiftInput {
  /** The zone's view under the chosen forecast; its `actual` is the trace the jobs are evaluated on. */
  readonly view: ForecastView;
  readonly durationMinutes: number;
  /** Due time, minutes after local midnight (`--start HH:MM`). */
  readonly startMinutes: number;
  /** ± window around the due time, minutes. */
  readonly windowMinutes: number;
  /** IANA zone of `--start` and of the daily rows. */
  readonly timezone: string;
  /** Age of the data at the decision, minutes (default 0: intervals that ended by the window's start are known). */
  readonly lagMinutes?: number;
  /**
   * Move the job away from its due time only when the policy's best start is forecast at least this many percent
   * cleaner than the due time (default 0: any gain). The dispatcher's `dispatch.minDeferImprovementPercent` rule.
   */
  readonly minImprovementPercent?: number;
  /** Energy of one hour of the job, kWh (e.g. `instanceEnergyKWh(type, 1, { pue })`). */
  readonly kWhPerHour: number;
  /** Only jobs whose whole window lies in this period are simulated (default: the whole trace). */
  readonly period?: Period;
  readonly onProgress?: ProgressCallback;
}

/** One simulated job. Times ISO-8601 UTC; intensities gCO2e/kWh (mean over the job's duration). */
export interface ShiftJob {
  readonly due: string;
  readonly baselineStart: string;
  readonly policyStart: string;
  readonly oracleStart: string;
  readonly baselineIntensity: number;
  readonly policyIntensity: number;
  readonly oracleIntensity: number;
}

/** Result of {@link simulateShift}. */
export interface ShiftResult extends BacktestTotals {
  readonly scenario: 'shift';
  readonly zone: string;
  readonly minImprovementPercent: number;
  /** Days whose window the trace did not cover (not simulated). */
  readonly skippedDays: number;
  /** Jobs the policy started at the due time because its forecast covered no start. */
  readonly policyFallbacks: number;
  readonly daily: DailyRow[];
  readonly perJob: ShiftJob[];
}

const MINUTE_MS = 60_000;

/**
 * Simulate the `shift` scenario over the whole trace of `input.view`.
 * @throws {RangeError} when the duration is not > 0, or the window or lag is negative
 */
export function simulateShift(input: ShiftInput): ShiftResult {
  const { view, durationMinutes, windowMinutes, timezone } = input;
  const lagMs = (input.lagMinutes ?? 0) * MINUTE_MS;
  const minImprovement = input.minImprovementPercent ?? 0;
  if (!(durationMinutes > 0)) throw new RangeError(`--duration must be > 0 minutes, got ${durationMinutes}`);
  if (!(windowMinutes >= 0)) throw new RangeError(`--window must be ≥ 0 minutes, got ${windowMinutes}`);
  if (!(lagMs >= 0)) throw new RangeError(`--lag must be ≥ 0 minutes, got ${input.lagMinutes}`);
  const actual = view.actual;
  const span = actual.span;
  const stepMinutes = stepMinutesOf(actual);
  const durationMs = durationMinutes * MINUTE_MS;
  const windowMs = windowMinutes * MINUTE_MS;
  const dayOf = localDateOf(timezone);
  const daily = new DailyAccumulator(dayOf);
  const hours = durationMinutes / 60;
  const kWh = input.kWhPerHour * hours;

  const first = Math.max(span?.startMs ?? Number.POSITIVE_INFINITY, input.period?.fromMs ?? Number.NEGATIVE_INFINITY);
  const end = Math.min(span?.endMs ?? Number.NEGATIVE_INFINITY, input.period?.toMs ?? Number.POSITIVE_INFINITY);
  const dues = first < end ? dailyInstants(first, end - 1, input.startMinutes, timezone) : [];
  const perJob: ShiftJob[] = [];
  let skippedDays = 0;
  let policyFallbacks = 0;
  let baselineSum = 0;
  let policySum = 0;
  let oracleSum = 0;

  const actualPoints = (from: number, to: number) => pointsBetween(actual, from, to, (i) => actual.values[i]);
  const viewPoints = (from: number, to: number, cutoff: number) =>
    pointsBetween(actual, from, to, (i) => view.valueAt(i, cutoff));
  const best = (points: ReturnType<typeof actualPoints>, earliest: number, latest: number) =>
    bestStartSlot(points, {
      earliest: new Date(earliest),
      latest: new Date(latest),
      durationMinutes,
      stepMinutes,
    });

  dues.forEach((due, index) => {
    input.onProgress?.(index, dues.length);
    const earliest = due - windowMs;
    const latest = due + windowMs;
    const baseline =
      earliest >= first && latest + durationMs <= end ? actualMean(actual, due, durationMinutes) : undefined;
    const oracle =
      baseline === undefined ? undefined : best(actualPoints(earliest, latest + durationMs), earliest, latest);
    if (baseline === undefined || oracle === undefined) {
      skippedDays += 1;
      return;
    }

    // The policy decides once, at the window's start, on what it knows then; it is judged on the actual trace.
    const points = viewPoints(earliest, latest + durationMs, earliest - lagMs);
    const slot = best(points, earliest, latest);
    let start = slot?.start.getTime() ?? due;
    if (slot && minImprovement > 0 && start !== due) {
      const atDue = best(points, due, due);
      if (atDue && atDue.meanGCO2ePerKWh - slot.meanGCO2ePerKWh < (minImprovement / 100) * atDue.meanGCO2ePerKWh) {
        start = due;
      }
    }
    let policy = actualMean(actual, start, durationMinutes);
    if (slot === undefined || policy === undefined) {
      start = due;
      policy = baseline;
      policyFallbacks += 1;
    }

    baselineSum += baseline;
    policySum += policy;
    oracleSum += oracle.meanGCO2ePerKWh;
    daily.add(due, {
      jobs: 1,
      hours,
      baseline: baseline * kWh,
      policy: policy * kWh,
      oracle: oracle.meanGCO2ePerKWh * kWh,
    });
    perJob.push({
      due: new Date(due).toISOString(),
      baselineStart: new Date(due).toISOString(),
      policyStart: new Date(start).toISOString(),
      oracleStart: oracle.start.toISOString(),
      baselineIntensity: baseline,
      policyIntensity: policy,
      oracleIntensity: oracle.meanGCO2ePerKWh,
    });
  });
  input.onProgress?.(dues.length, dues.length);

  const jobs = perJob.length;
  const sums = { baseline: baselineSum, policy: policySum, oracle: oracleSum };
  return {
    scenario: 'shift',
    zone: actual.zone,
    minImprovementPercent: minImprovement,
    ...backtestTotals(jobs, jobs * hours, sums, { baseline: jobs, policy: jobs, oracle: jobs }, kWh),
    skippedDays,
    policyFallbacks,
    daily: daily.toRows(),
    perJob,
  };
}
