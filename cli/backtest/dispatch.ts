import { rankRegions } from '../../lambdas/core/carbon/ranking';
import type { SourcedReading } from '../../lambdas/core/carbon/reading';
import { bestStartSlot } from '../../lambdas/core/dispatch/best-start-slot';
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
import { actualMean, pointsBetween, stepMinutesOf } from './series';

/**
 * Backtest scenario `dispatch` (docs/backtest.md): a job of `durationMinutes` is submitted every `everyMinutes`
 * (from the home zone's first point, or `--from`) and runs at once in one zone.
 * - baseline: runs in the home zone;
 * - oracle: runs in the zone with the lowest actual mean intensity over the job's time;
 * - policy: the dispatcher's rule — rank the zones with the product's {@link rankRegions} (cleanest first, same
 *   tie-breaking) on what the policy knows when the job is submitted: the mean over the job's time of the zone's
 *   view ({@link ForecastView}: actual values up to `submit − lag`, the forecast after; with `latest` that is the
 *   newest reading `lag` old, as the deployed dispatcher ranks regions by their current reading).
 * A zone whose trace has a gap during the job is not a candidate (missing data is never 0 g); a job whose home
 * zone has a gap is not simulated. A zone the policy knows nothing about (e.g. `persistence` on the first day) is
 * not ranked; with no zone ranked the job runs at home.
 */

/** Input of {@link simulateDispatch}. */
export interface DispatchInput {
  /** One view per candidate zone (all under the same forecast). */
  readonly views: readonly ForecastView[];
  /** Zone id of the home zone: one of the views' zones. */
  readonly home: string;
  readonly durationMinutes: number;
  readonly everyMinutes: number;
  /** Age of the newest actual value when the job is submitted, minutes (default 0). */
  readonly lagMinutes?: number;
  /** IANA zone of the daily rows. */
  readonly timezone: string;
  /** Energy of one hour of the job, kWh (the same in every zone: PUE differences are not modelled). */
  readonly kWhPerHour: number;
  /** Only jobs that start and end in this period are simulated (default: the home zone's whole trace). */
  readonly period?: Period;
  readonly onProgress?: ProgressCallback;
}

/** One simulated job. Intensities gCO2e/kWh, mean over the job's time. */
export interface DispatchJob {
  /** Submission (and start) time, ISO-8601 UTC. */
  readonly at: string;
  readonly policyZone: string;
  readonly oracleZone: string;
  readonly baselineIntensity: number;
  readonly policyIntensity: number;
  readonly oracleIntensity: number;
}

/** Result of {@link simulateDispatch}. */
export interface DispatchResult extends BacktestTotals {
  readonly scenario: 'dispatch';
  readonly home: string;
  readonly zones: string[];
  /** Jobs the home zone's trace could not evaluate (gap or end of trace). */
  readonly skippedJobs: number;
  /** Jobs run at home because the policy knew nothing of any zone. */
  readonly policyFallbacks: number;
  /** How many jobs the policy and the oracle sent to each zone. */
  readonly policyZoneCounts: Record<string, number>;
  readonly oracleZoneCounts: Record<string, number>;
  readonly daily: DailyRow[];
  readonly perJob: DispatchJob[];
}

const MINUTE_MS = 60_000;

/**
 * Simulate the `dispatch` scenario.
 * @throws {RangeError} when `home` is not one of the views' zones, a duration is not > 0 or the lag is negative
 */
export function simulateDispatch(input: DispatchInput): DispatchResult {
  const { views, durationMinutes, everyMinutes } = input;
  if (!(durationMinutes > 0)) throw new RangeError(`--duration must be > 0 minutes, got ${durationMinutes}`);
  if (!(everyMinutes > 0)) throw new RangeError(`--every must be > 0 minutes, got ${everyMinutes}`);
  const lagMs = (input.lagMinutes ?? 0) * MINUTE_MS;
  if (!(lagMs >= 0)) throw new RangeError(`--lag must be ≥ 0 minutes, got ${input.lagMinutes}`);
  const home = views.find((v) => v.actual.zone.toUpperCase() === input.home.toUpperCase());
  if (!home) {
    throw new RangeError(
      `--home ${JSON.stringify(input.home)} is not a zone of the traces; zones: ${views.map((v) => v.actual.zone).join(', ')}`,
    );
  }
  const durationMs = durationMinutes * MINUTE_MS;
  const hours = durationMinutes / 60;
  const kWh = input.kWhPerHour * hours;
  const daily = new DailyAccumulator(localDateOf(input.timezone));
  const span = home.actual.span;
  const submits: number[] = [];
  if (span) {
    const first = Math.max(span.startMs, input.period?.fromMs ?? Number.NEGATIVE_INFINITY);
    const end = Math.min(span.endMs, input.period?.toMs ?? Number.POSITIVE_INFINITY);
    for (let t = first; t + durationMs <= end; t += everyMinutes * MINUTE_MS) submits.push(t);
  }

  const policyZoneCounts: Record<string, number> = {};
  const oracleZoneCounts: Record<string, number> = {};
  for (const v of views) {
    policyZoneCounts[v.actual.zone] = 0;
    oracleZoneCounts[v.actual.zone] = 0;
  }
  const perJob: DispatchJob[] = [];
  let skippedJobs = 0;
  let policyFallbacks = 0;
  let baselineSum = 0;
  let policySum = 0;
  let oracleSum = 0;
  const progressEvery = Math.max(1, Math.floor(submits.length / 200));

  submits.forEach((at, index) => {
    if (index % progressEvery === 0) input.onProgress?.(index, submits.length);
    const baseline = actualMean(home.actual, at, durationMinutes);
    if (baseline === undefined) {
      skippedJobs += 1;
      return;
    }
    const cutoff = at - lagMs;
    const observedAt = new Date(cutoff).toISOString();
    const actualByZone = new Map<string, number>();
    const readings: SourcedReading[] = [];
    let oracle = { zone: home.actual.zone, g: baseline };
    for (const view of views) {
      const zone = view.actual.zone;
      const g = view === home ? baseline : actualMean(view.actual, at, durationMinutes);
      if (g === undefined) continue;
      actualByZone.set(zone, g);
      if (g < oracle.g) oracle = { zone, g };
      const known = bestStartSlot(
        pointsBetween(view.actual, at, at + durationMs, (i) => view.valueAt(i, cutoff)),
        { earliest: new Date(at), latest: new Date(at), durationMinutes, stepMinutes: stepMinutesOf(view.actual) },
      );
      if (known === undefined) continue;
      readings.push({
        origin: 'live',
        reading: {
          region: zone,
          zone,
          provider: 'electricitymaps',
          signal: 'average',
          gCO2ePerKWh: known.meanGCO2ePerKWh,
          observedAt,
          fetchedAt: observedAt,
          isEstimated: false,
          isForecast: true,
        },
      });
    }
    const ranked = rankRegions(readings, new Date(at));
    const policyZone = ranked[0]?.region ?? home.actual.zone;
    if (ranked.length === 0) policyFallbacks += 1;
    const policy = actualByZone.get(policyZone)!;

    policyZoneCounts[policyZone] = (policyZoneCounts[policyZone] ?? 0) + 1;
    oracleZoneCounts[oracle.zone] = (oracleZoneCounts[oracle.zone] ?? 0) + 1;
    baselineSum += baseline;
    policySum += policy;
    oracleSum += oracle.g;
    daily.add(at, { jobs: 1, hours, baseline: baseline * kWh, policy: policy * kWh, oracle: oracle.g * kWh });
    perJob.push({
      at: new Date(at).toISOString(),
      policyZone,
      oracleZone: oracle.zone,
      baselineIntensity: baseline,
      policyIntensity: policy,
      oracleIntensity: oracle.g,
    });
  });
  input.onProgress?.(submits.length, submits.length);

  const jobs = perJob.length;
  const sums = { baseline: baselineSum, policy: policySum, oracle: oracleSum };
  return {
    scenario: 'dispatch',
    home: home.actual.zone,
    zones: views.map((v) => v.actual.zone),
    ...backtestTotals(jobs, jobs * hours, sums, { baseline: jobs, policy: jobs, oracle: jobs }, kWh),
    skippedJobs,
    policyFallbacks,
    policyZoneCounts,
    oracleZoneCounts,
    daily: daily.toRows(),
    perJob,
  };
}
