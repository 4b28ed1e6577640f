import {
  INITIAL_PAUSE_STATE,
  type PauseParams,
  type PauseState,
  pausePolicyStep,
} from '../../lambdas/core/scheduler/carbon-policy';
import type { ForecastView } from './forecast';
import { localDateOf } from './local-time';
import {
  type BacktestTotals,
  backtestTotals,
  DailyAccumulator,
  type DailyRow,
  type Period,
  type ProgressCallback,
} from './result';

/**
 * Backtest scenario `pause` (docs/backtest.md): a `carbon-aware` instance, wanted 24/7, paused while its zone is
 * dirty by the product's own `pause-when-dirty` rule ({@link pausePolicyStep}: threshold, hysteresis, minimum run
 * and stop minutes), decided at every point of the trace.
 * - baseline: runs all the time;
 * - policy: runs except while paused; the reading it decides on at time `t` is what it knows of `t` with data
 *   `lag` old (lag 0, the default: the actual value, as the scheduler reads the current intensity; with a lag,
 *   the forecast's value — see {@link ForecastView}). A point it knows nothing of keeps the current state;
 * - oracle ("perfect pause for the same downtime"): with perfect knowledge of the whole trace, pause the same
 *   number of trace steps as the policy, choosing the dirtiest ones. No pause schedule with that much downtime
 *   avoids more CO2e, so `shareOfOracle` ≤ 1 and says how well the policy spent its downtime. It ignores the
 *   minimum run/stop times (a relaxation: with hourly data and the default 30 min they bind nothing anyway).
 * - `thresholdOracle` (for reference): pausing exactly the steps whose actual value is above the threshold, with
 *   no hysteresis and no minimum times — what the threshold alone asks for.
 * Emissions are counted only over points with data (a gap is never 0 g); each point lasts one step of the trace.
 */

/** Input of {@link simulatePause}. */
export interface PauseInput {
  /** The zone's view under the chosen forecast; its `actual` is the trace emissions are counted on. */
  readonly view: ForecastView;
  readonly params: PauseParams;
  /** Age of the data the policy decides on, minutes (default 0). */
  readonly lagMinutes?: number;
  /** IANA zone of the daily rows. */
  readonly timezone: string;
  /** Energy of one instance-hour, kWh (`instanceEnergyKWh(type, 1, { pue })`). */
  readonly kWhPerHour: number;
  /** On-demand price, USD per hour; undefined when unknown (then `usdSaved` is null). */
  readonly usdPerHour?: number;
  /**
   * Only steps in this period are counted (default: the whole trace). The policy runs over the whole trace, so its
   * state at the period's start is what the history before it left.
   */
  readonly period?: Period;
  readonly onProgress?: ProgressCallback;
}

/** A paused period: `[from, to)`, ISO-8601 UTC. */
export interface PausePeriod {
  readonly from: string;
  readonly to: string;
  readonly hours: number;
}

/** Result of {@link simulatePause}. */
export interface PauseResult extends BacktestTotals {
  readonly scenario: 'pause';
  readonly zone: string;
  readonly thresholdGCO2ePerKWh: number;
  readonly hysteresisGCO2ePerKWh: number;
  readonly minRunMinutes: number;
  readonly minStopMinutes: number;
  readonly hoursPaused: number;
  /** Grams CO2e the policy avoided (baseline − policy). */
  readonly gCO2eAvoided: number;
  /** kWh not drawn while paused. */
  readonly kWhAvoided: number;
  /** USD of on-demand compute not billed while paused; null when the price is unknown. */
  readonly usdSaved: number | null;
  readonly usdPerHour: number | null;
  /** The oracle pauses the same hours (its dirtiest ones). */
  readonly oracleHoursPaused: number;
  readonly oracleGCO2eAvoided: number;
  /** Pausing exactly the hours above the threshold, for reference. */
  readonly thresholdOracle: { readonly hoursPaused: number; readonly gCO2eAvoided: number };
  /** Pauses started (changes from running to paused). */
  readonly pauses: number;
  /** Points the policy knew nothing of (state held). */
  readonly unknownReadings: number;
  readonly daily: DailyRow[];
  readonly pausedPeriods: PausePeriod[];
}

const HOUR_MS = 3_600_000;

/**
 * Simulate the `pause` scenario over the whole trace of `input.view`.
 * @throws {RangeError} for a negative lag or parameter (from {@link pausePolicyStep})
 */
export function simulatePause(input: PauseInput): PauseResult {
  const { view, params } = input;
  const actual = view.actual;
  const lagMs = (input.lagMinutes ?? 0) * 60_000;
  if (!(lagMs >= 0)) throw new RangeError(`--lag must be ≥ 0 minutes, got ${input.lagMinutes}`);
  const n = actual.length;
  const fromMs = input.period?.fromMs ?? Number.NEGATIVE_INFINITY;
  const toMs = input.period?.toMs ?? Number.POSITIVE_INFINITY;
  let lo = 0;
  while (lo < n && actual.times[lo]! < fromMs) lo += 1;
  let hi = lo;
  while (hi < n && actual.times[hi]! < toMs) hi += 1;
  const stepMs = Number.isFinite(actual.stepMs) ? actual.stepMs : HOUR_MS;
  const stepHours = stepMs / HOUR_MS;
  const kWhPerStep = input.kWhPerHour * stepHours;
  const daily = new DailyAccumulator(localDateOf(input.timezone));
  const paused = new Uint8Array(n);
  const pausedPeriods: PausePeriod[] = [];
  let state: PauseState = INITIAL_PAUSE_STATE;
  let pauses = 0;
  let unknownReadings = 0;
  let periodStart: number | undefined;
  let periodSteps = 0;
  const progressEvery = Math.max(1, Math.floor(hi / 200));
  const closePeriod = (endMs: number) => {
    if (periodStart === undefined) return;
    pausedPeriods.push({
      from: new Date(periodStart).toISOString(),
      to: new Date(endMs).toISOString(),
      hours: periodSteps * stepHours,
    });
    periodStart = undefined;
    periodSteps = 0;
  };

  // The policy runs from the trace's start (history sets its state) to the period's end.
  for (let i = 0; i < hi; i += 1) {
    if (i % progressEvery === 0) input.onProgress?.(i, hi);
    const at = actual.times[i]!;
    const reading = view.valueAt(i, at - lagMs);
    const counted = i >= lo;
    if (reading === undefined) {
      if (counted) unknownReadings += 1;
    } else {
      const step = pausePolicyStep(state, { gCO2ePerKWh: reading, at }, params);
      if (counted && step.changed && step.paused) pauses += 1;
      state = step.state;
    }
    paused[i] = state.paused ? 1 : 0;
    if (!counted) continue;
    const previousEnd = i > lo ? actual.times[i - 1]! + stepMs : at;
    if (periodStart !== undefined && (!state.paused || previousEnd !== at)) closePeriod(previousEnd);
    if (state.paused) {
      periodStart ??= at;
      periodSteps += 1;
    }
  }
  if (hi > lo) closePeriod(actual.times[hi - 1]! + stepMs);
  input.onProgress?.(hi, hi);

  // Oracle: the same number of paused steps in the period, the dirtiest ones.
  let pausedSteps = 0;
  for (let i = lo; i < hi; i += 1) pausedSteps += paused[i]!;
  const order = Array.from({ length: hi - lo }, (_, k) => lo + k).sort((a, b) => actual.values[b]! - actual.values[a]!);
  const oraclePaused = new Uint8Array(n);
  for (let k = 0; k < pausedSteps; k += 1) oraclePaused[order[k]!] = 1;

  let baselineSum = 0;
  let policySum = 0;
  let oracleSum = 0;
  let thresholdAvoided = 0;
  let thresholdSteps = 0;
  for (let i = lo; i < hi; i += 1) {
    const g = actual.values[i]!;
    baselineSum += g;
    if (!paused[i]) policySum += g;
    if (!oraclePaused[i]) oracleSum += g;
    if (g > params.thresholdGCO2ePerKWh) {
      thresholdSteps += 1;
      thresholdAvoided += g;
    }
    daily.add(actual.times[i]!, {
      jobs: 1,
      hours: stepHours,
      baseline: g * kWhPerStep,
      policy: paused[i] ? 0 : g * kWhPerStep,
      oracle: oraclePaused[i] ? 0 : g * kWhPerStep,
      paused: paused[i] ? stepHours : 0,
    });
  }

  const steps = hi - lo;
  const runningSteps = steps - pausedSteps;
  const totals = backtestTotals(
    steps,
    steps * stepHours,
    { baseline: baselineSum, policy: policySum, oracle: oracleSum },
    { baseline: steps, policy: runningSteps, oracle: runningSteps },
    kWhPerStep,
  );
  const hoursPaused = pausedSteps * stepHours;
  return {
    scenario: 'pause',
    zone: actual.zone,
    thresholdGCO2ePerKWh: params.thresholdGCO2ePerKWh,
    hysteresisGCO2ePerKWh: params.hysteresisGCO2ePerKWh,
    minRunMinutes: params.minRunMinutes,
    minStopMinutes: params.minStopMinutes,
    ...totals,
    hoursPaused,
    gCO2eAvoided: totals.baselineGCO2e - totals.policyGCO2e,
    kWhAvoided: pausedSteps * kWhPerStep,
    usdSaved: input.usdPerHour === undefined ? null : input.usdPerHour * hoursPaused,
    usdPerHour: input.usdPerHour ?? null,
    oracleHoursPaused: hoursPaused,
    oracleGCO2eAvoided: totals.baselineGCO2e - totals.oracleGCO2e,
    thresholdOracle: { hoursPaused: thresholdSteps * stepHours, gCO2eAvoided: thresholdAvoided * kWhPerStep },
    pauses,
    unknownReadings,
    daily: daily.toRows(true),
    pausedPeriods,
  };
}
