import { instanceEnergyKWh } from '../accounting/energy';
import type { PriceBook } from '../accounting/price-book';
import { desiredStateAt } from '../schedule';
import type { Schedule } from '../schedule/types';
import { INITIAL_PAUSE_STATE, type PauseParams, type PauseState, pausePolicyStep } from './carbon-policy';
import { ALWAYS_ON } from './decide-instance';

/**
 * Estimated impact of a schedule over the coming hours (the `plan` CLI's "$ and CO2e per day"): the instance-hours
 * the schedule (and an active override, and `pause-when-dirty` when a time series of intensity is known) keeps the
 * instance stopped, priced at the on-demand rate and the intensity of each stopped step, against running all the
 * time. `always-on` never counts as stopped. `any` steps count as running (the scheduler leaves the instance as it is). `defer-start` delays are not
 * counted (they depend on forecasts of the day).
 */
export interface ImpactEstimate {
  /** Instance-hours stopped in the window. */
  readonly stoppedHours: number;
  /** On-demand cost avoided, USD (0 when no price is known: see `priced`). */
  readonly usd: number;
  /** Grid energy avoided (PUE included), kWh (0 when the energy model does not know the type). */
  readonly kWh: number;
  /** Emissions avoided, grams CO2e. */
  readonly gCO2e: number;
  readonly priced: boolean;
}

/** Input of {@link estimateImpact}. */
export interface ImpactInput {
  readonly schedule: Schedule;
  /** An active override until `until` (or for the whole window when `until` is undefined). */
  readonly override?: { readonly state: 'running' | 'stopped'; readonly until?: Date };
  readonly from: Date;
  readonly hours: number;
  /** Step of the estimate, minutes (default 5). */
  readonly stepMinutes?: number;
  readonly instanceType: string;
  readonly region: string;
  readonly pue: number;
  readonly prices: PriceBook;
  /** Intensity at a time (trace), gCO2e/kWh; falls back to `gCO2ePerKWh` where it answers undefined. */
  readonly intensityAt?: (atMs: number) => number | undefined;
  /** Intensity used when no time series is known, gCO2e/kWh. */
  readonly gCO2ePerKWh: number;
  /** Run `pause-when-dirty` over `intensityAt` with these parameters (only when the policy may act). */
  readonly pause?: PauseParams;
}

/** What {@link stoppedTime} steps over: a schedule, an optional override and carbon pause, over a window. */
export interface StoppedTimeInput {
  readonly schedule: Schedule;
  /** An active override until `until` (or for the whole window when `until` is undefined). */
  readonly override?: { readonly state: 'running' | 'stopped'; readonly until?: Date };
  /** Times the resource runs whatever the schedule says (after the override), e.g. a DB maintenance window. */
  readonly runningAnyway?: (atMs: number) => boolean;
  readonly from: Date;
  readonly hours: number;
  /** Step, minutes (default 5). */
  readonly stepMinutes?: number;
  /** Intensity at a time (trace), gCO2e/kWh; falls back to `gCO2ePerKWh` where it answers undefined. */
  readonly intensityAt?: (atMs: number) => number | undefined;
  /** Intensity used when no time series is known, gCO2e/kWh. */
  readonly gCO2ePerKWh: number;
  /** Run `pause-when-dirty` over `intensityAt` with these parameters (only when the policy may act). */
  readonly pause?: PauseParams;
}

/**
 * Hours a schedule keeps a resource stopped over the window, and those hours weighted by the intensity of each
 * stopped step (gCO2e/kWh × h), in steps of `stepMinutes`: `always-on` runs; an active override wins until it
 * expires; then `runningAnyway`; otherwise the schedule's state, paused by `pause-when-dirty` over a known time
 * series; `any` counts as running. Pure; shared by the EC2 and the resource estimates.
 */
export function stoppedTime(input: StoppedTimeInput): { stoppedHours: number; gramHours: number } {
  const stepMs = (input.stepMinutes ?? 5) * 60_000;
  const start = input.from.getTime();
  const end = start + input.hours * 3_600_000;
  let stoppedMs = 0;
  let gramHours = 0;
  let pause: PauseState = INITIAL_PAUSE_STATE;
  for (let t = start; t < end; t += stepMs) {
    const series = input.intensityAt?.(t);
    const g = series ?? input.gCO2ePerKWh;
    let state: 'running' | 'stopped' | 'any';
    const override = input.override;
    if (input.schedule.name === ALWAYS_ON) {
      state = 'running';
    } else if (override && (override.until === undefined || t < override.until.getTime())) {
      state = override.state;
    } else if (input.runningAnyway?.(t)) {
      state = 'running';
    } else {
      state = desiredStateAt(input.schedule, t).state;
      if (
        state === 'running' &&
        input.pause &&
        series !== undefined &&
        input.schedule.carbonPolicy === 'pause-when-dirty'
      ) {
        const step = pausePolicyStep(pause, { gCO2ePerKWh: series, at: t }, input.pause);
        pause = step.state;
        if (step.paused) state = 'stopped';
      } else if (state !== 'running') {
        pause = INITIAL_PAUSE_STATE;
      }
    }
    if (state === 'stopped') {
      const ms = Math.min(stepMs, end - t);
      stoppedMs += ms;
      gramHours += (g * ms) / 3_600_000;
    }
  }
  return { stoppedHours: stoppedMs / 3_600_000, gramHours };
}

/** The estimate of {@link ImpactInput} (pure). */
export function estimateImpact(input: ImpactInput): ImpactEstimate {
  let kWhPerHour = 0;
  try {
    kWhPerHour = instanceEnergyKWh(input.instanceType, 1, { pue: input.pue });
  } catch {
    kWhPerHour = 0;
  }
  const { stoppedHours, gramHours } = stoppedTime(input);
  const price = input.prices.usdPerHour(input.region, input.instanceType);
  return {
    stoppedHours,
    usd: price ? price.usdPerHour * stoppedHours : 0,
    kWh: kWhPerHour * stoppedHours,
    gCO2e: kWhPerHour * gramHours,
    priced: price !== undefined,
  };
}
