/**
 * The two carbon policies of a schedule (docs/scheduler.md) as pure functions over one reading at a time, so the
 * scheduler Lambda, the `plan` CLI and the backtest run exactly the same rules:
 * - `pause-when-dirty`: {@link pausePolicyStep}, a two-state machine with hysteresis and minimum run/stop times;
 * - `defer-start`: {@link chooseDeferredStart} (cleanest slot in a window) and {@link deferStartDecision}.
 */

/** Time as a Date, an ISO-8601 string or epoch milliseconds. */
export type TimeInput = Date | string | number;

function toMs(at: TimeInput): number {
  if (typeof at === 'number') return at;
  return typeof at === 'string' ? Date.parse(at) : at.getTime();
}

/** gCO2e/kWh as written in reasons: at most one decimal (`312`, `269.5`). */
export function formatGCO2ePerKWh(gCO2ePerKWh: number): string {
  return String(Math.round(gCO2ePerKWh * 10) / 10);
}

/** A time as written in reasons: `2026-11-23T10:00Z` (UTC, minutes). */
export function formatTime(at: TimeInput): string {
  return `${new Date(toMs(at)).toISOString().slice(0, 16)}Z`;
}

/** Whole minutes, for reasons. */
function minutesText(ms: number): string {
  return `${Math.floor(ms / 60_000)} min`;
}

/**
 * State of the `pause-when-dirty` machine for one instance.
 * `since` (ISO-8601) is when the current phase (running or paused) began; undefined means "long enough ago"
 * (unknown start), so the minimum run/stop times do not hold it back.
 */
export interface PauseState {
  readonly paused: boolean;
  readonly since?: string;
}

/** Parameters of `pause-when-dirty` (all gCO2e/kWh or minutes). */
export interface PauseParams {
  /** Pause when the intensity is strictly above this. */
  readonly thresholdGCO2ePerKWh: number;
  /** Resume only when the intensity is strictly below `threshold − hysteresis`. */
  readonly hysteresisGCO2ePerKWh: number;
  /** A running phase lasts at least this long before a pause. */
  readonly minRunMinutes: number;
  /** A paused phase lasts at least this long before a resume. */
  readonly minStopMinutes: number;
}

/** Result of one step: the next state, whether the instance should be paused now, and why. */
export interface PauseStep {
  readonly state: PauseState;
  readonly paused: boolean;
  /** True when this step switched between running and paused. */
  readonly changed: boolean;
  readonly reason: string;
}

/** The state of an instance not yet seen by the policy: running, since an unknown time. */
export const INITIAL_PAUSE_STATE: PauseState = Object.freeze({ paused: false });

/**
 * One step of `pause-when-dirty` at the time of `reading`:
 * - running: pause when `g > threshold` and the run has lasted ≥ `minRunMinutes` (or its start is unknown);
 * - paused: resume when `g < threshold − hysteresis` and the pause has lasted ≥ `minStopMinutes` (or unknown);
 * - otherwise stay as is.
 * Example (threshold 300, hysteresis 30, no minimums): 310 → pause; 290 → stay paused; 270 → stay paused;
 * 269 → resume. Usable step by step over a time series (the backtest's `pause` scenario): start from
 * {@link INITIAL_PAUSE_STATE} and feed each reading's `state` into the next step.
 *
 * @param reading intensity in gCO2e/kWh and the time it applies to
 * @throws {RangeError} when a parameter is negative or not finite, or the reading's time is invalid
 */
export function pausePolicyStep(
  state: PauseState,
  reading: { readonly gCO2ePerKWh: number; readonly at: TimeInput },
  params: PauseParams,
): PauseStep {
  const at = toMs(reading.at);
  if (Number.isNaN(at)) throw new RangeError(`pausePolicyStep: reading time ${String(reading.at)} is not a valid time`);
  for (const [name, value] of Object.entries(params)) {
    if (!Number.isFinite(value) || value < 0) {
      throw new RangeError(`pausePolicyStep: ${name} = ${value} is not allowed; expected a finite number ≥ 0`);
    }
  }
  const g = reading.gCO2ePerKWh;
  const threshold = params.thresholdGCO2ePerKWh;
  const resumeBelow = threshold - params.hysteresisGCO2ePerKWh;
  const since = state.since === undefined ? undefined : Date.parse(state.since);
  const elapsedMs = since === undefined || Number.isNaN(since) ? Number.POSITIVE_INFINITY : at - since;
  const iso = new Date(at).toISOString();
  const gText = `${formatGCO2ePerKWh(g)} gCO2e/kWh`;

  if (!state.paused) {
    if (g <= threshold) {
      return {
        state,
        paused: false,
        changed: false,
        reason: `${gText} is at or below the threshold ${formatGCO2ePerKWh(threshold)} → run`,
      };
    }
    if (elapsedMs >= params.minRunMinutes * 60_000) {
      return {
        state: { paused: true, since: iso },
        paused: true,
        changed: true,
        reason: `${gText} is above the threshold ${formatGCO2ePerKWh(threshold)} → pause`,
      };
    }
    return {
      state,
      paused: false,
      changed: false,
      reason:
        `${gText} is above the threshold ${formatGCO2ePerKWh(threshold)}, but the instance has run only ` +
        `${minutesText(elapsedMs)} of the minimum ${params.minRunMinutes} min → keep running`,
    };
  }

  const level = `the resume level ${formatGCO2ePerKWh(resumeBelow)} (threshold ${formatGCO2ePerKWh(threshold)} − hysteresis ${formatGCO2ePerKWh(params.hysteresisGCO2ePerKWh)})`;
  if (g >= resumeBelow) {
    return { state, paused: true, changed: false, reason: `${gText} is not below ${level} → stay paused` };
  }
  if (elapsedMs >= params.minStopMinutes * 60_000) {
    return {
      state: { paused: false, since: iso },
      paused: false,
      changed: true,
      reason: `${gText} is below ${level} → resume`,
    };
  }
  return {
    state,
    paused: true,
    changed: false,
    reason:
      `${gText} is below ${level}, but the instance has been paused only ${minutesText(elapsedMs)} of the ` +
      `minimum ${params.minStopMinutes} min → stay paused`,
  };
}

/** A point of a forecast (or trace): intensity from `at` until the next point. */
export interface IntensityPoint {
  readonly at: TimeInput;
  readonly gCO2ePerKWh: number;
}

/** The chosen start of a deferred instance. */
export interface DeferredStart {
  readonly startAt: Date;
  /** Intensity forecast for `startAt` (the value of the point covering it), gCO2e/kWh. */
  readonly meanGCO2ePerKWh: number;
}

/**
 * The cleanest start in `[windowStart, windowStart + maxDeferMinutes]` for an instance, which has no known end:
 * candidates are `windowStart` itself (with the value of the point covering it; points are step functions, the
 * last one holding for one median step) and every point inside the window, each scored by its own value. Ties go
 * to the earliest. For a job of known duration, score by the mean over the duration with
 * `bestStartSlot` (lambdas/core/dispatch/best-start-slot.ts) instead.
 *
 * @param points forecast points, any order; non-finite values are ignored
 * @returns undefined when no point covers any candidate start
 */
export function chooseDeferredStart(
  points: readonly IntensityPoint[],
  windowStart: TimeInput,
  maxDeferMinutes: number,
): DeferredStart | undefined {
  const start = toMs(windowStart);
  const end = start + maxDeferMinutes * 60_000;
  const sorted = points
    .map((p) => ({ at: toMs(p.at), g: p.gCO2ePerKWh }))
    .filter((p) => !Number.isNaN(p.at) && Number.isFinite(p.g))
    .sort((a, b) => a.at - b.at);
  if (sorted.length === 0) return undefined;
  const gaps = sorted.slice(1).map((p, i) => p.at - sorted[i]!.at);
  const step = gaps.length > 0 ? gaps.sort((a, b) => a - b)[Math.floor(gaps.length / 2)]! : 60 * 60_000;
  const covering = sorted.findLastIndex((p) => p.at <= start);
  const candidates = [
    ...(covering >= 0 && start < (sorted[covering + 1]?.at ?? sorted[covering]!.at + step)
      ? [{ at: start, g: sorted[covering]!.g }]
      : []),
    ...sorted.filter((p) => p.at > start && p.at <= end),
  ];
  let best: DeferredStart | undefined;
  for (const candidate of candidates) {
    if (best === undefined || candidate.g < best.meanGCO2ePerKWh) {
      best = { startAt: new Date(candidate.at), meanGCO2ePerKWh: candidate.g };
    }
  }
  return best;
}

/** Input of {@link deferStartDecision}. */
export interface DeferInput {
  readonly now: Date;
  /** When the running period began (the start the policy defers). */
  readonly periodStart: Date;
  readonly maxDeferMinutes: number;
  /** The current intensity, gCO2e/kWh. */
  readonly currentGCO2ePerKWh: number;
  readonly thresholdGCO2ePerKWh: number;
  /** Forecast points; only those after `now` and before the deadline are considered. */
  readonly forecast?: readonly IntensityPoint[];
}

/** Whether to start now, and if not, the planned start. */
export interface DeferDecision {
  readonly start: boolean;
  /** When the start is planned (the cleanest forecast slot, or the deadline); undefined when starting now. */
  readonly plannedStartAt?: Date;
  readonly reason: string;
}

/**
 * `defer-start` at `now`, for an instance whose period began at `periodStart` and that is not running:
 * start when the deferral reached `maxDeferMinutes`, when the grid is at or below the threshold, or when the
 * current value is the cleanest of the forecast up to the deadline; otherwise wait for the cleanest forecast slot
 * (or, without a forecast, for a clean reading or the deadline). Stateless: every run re-reads the newest
 * forecast, so a better forecast moves the start, never past the deadline.
 */
export function deferStartDecision(input: DeferInput): DeferDecision {
  const now = input.now.getTime();
  const deadline = input.periodStart.getTime() + input.maxDeferMinutes * 60_000;
  const g = input.currentGCO2ePerKWh;
  const threshold = input.thresholdGCO2ePerKWh;
  const gText = `${formatGCO2ePerKWh(g)} gCO2e/kWh`;
  if (now >= deadline) {
    return {
      start: true,
      reason: `start deferred the maximum ${input.maxDeferMinutes} min since the period began at ${formatTime(input.periodStart)} → start regardless`,
    };
  }
  if (g <= threshold) {
    return { start: true, reason: `${gText} is at or below the threshold ${formatGCO2ePerKWh(threshold)} → start` };
  }
  const future = (input.forecast ?? []).filter((p) => {
    const t = toMs(p.at);
    return t > now && t <= deadline;
  });
  if (future.length === 0) {
    return {
      start: false,
      plannedStartAt: new Date(deadline),
      reason:
        `${gText} is above the threshold ${formatGCO2ePerKWh(threshold)} and no forecast is available → wait for a ` +
        `clean reading, at the latest until ${formatTime(deadline)}`,
    };
  }
  const choice = chooseDeferredStart([{ at: now, gCO2ePerKWh: g }, ...future], now, (deadline - now) / 60_000);
  if (choice === undefined || choice.startAt.getTime() <= now) {
    return {
      start: true,
      reason: `${gText} is above the threshold ${formatGCO2ePerKWh(threshold)} but no cleaner slot is forecast before ${formatTime(deadline)} → start`,
    };
  }
  return {
    start: false,
    plannedStartAt: choice.startAt,
    reason:
      `${gText} is above the threshold ${formatGCO2ePerKWh(threshold)} → defer the start to the cleanest forecast slot ` +
      `${formatTime(choice.startAt)} (${formatGCO2ePerKWh(choice.meanGCO2ePerKWh)} gCO2e/kWh), at the latest ${formatTime(deadline)}`,
  };
}
