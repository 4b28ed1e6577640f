import type { CarbonLookup, ForecastLookup } from '../carbon/lookup';
import type { RankedRegion } from '../carbon/ranking';
import type { CarbonForecast } from '../carbon/reading';
import { candidateRegions, DispatchValidationError } from './candidate-regions';
import { type DispatchDecision, type InvokeAttempt, STORED_JOB_MAX_BYTES } from './decision';
import type { DispatchRequest, DispatchRequestInput } from './job-request';
import { type DispatchPlan, type DispatchSettings, emissionsEstimate, planDispatch } from './plan-dispatch';
import type { DeferralScheduler, JobStore, WorkerInvoker, WorkerPayload } from './ports';

/** What {@link dispatchJob} talks to. */
export interface DispatchDependencies {
  readonly carbon: CarbonLookup;
  /** Forecasts for time shifting; absent: jobs are never deferred (the decision says so). */
  readonly forecasts?: ForecastLookup;
  readonly invoker: WorkerInvoker;
  /** Deferral schedules; absent: jobs are never deferred (see `deferralsUnavailableReason`). */
  readonly deferrals?: DeferralScheduler;
  /** Why `deferrals` is absent (e.g. `DISPATCH_SCHEDULE_GROUP is not set`), for the decision record. */
  readonly deferralsUnavailableReason?: string;
  readonly store: JobStore;
  /** New job ids (UUIDs in Lambda). */
  readonly newJobId: () => string;
}

/** The decision and whether it reached the table. */
export interface DispatchResult {
  readonly decision: DispatchDecision;
  /** False for dry runs and when the write failed after the job was dispatched. */
  readonly recorded: boolean;
  /** Why the decision could not be written (the job was still dispatched). */
  readonly recordError?: string;
}

/** Every worker refused the job; the decision (with every attempt) was recorded when possible. */
/** A request whose job id was already claimed (a replay, or a second re-submission of a deferral): nothing ran. */
export class JobReplayedError extends Error {
  constructor(
    readonly jobId: string,
    readonly resubmission: boolean,
  ) {
    super(
      resubmission
        ? `job ${jobId} is not waiting for its deferred run (already re-submitted, or never deferred); nothing was run`
        : `job id ${jobId} was already dispatched; a repeated request never runs twice (use a new job id)`,
    );
    this.name = 'JobReplayedError';
  }
}

export class DispatchFailedError extends Error {
  constructor(
    readonly decision: DispatchDecision,
    readonly recorded: boolean,
  ) {
    super(
      `job ${decision.jobId} could not be dispatched: every worker invoke failed (` +
        decision.attempts.map((a) => `${a.region}: ${a.error ?? 'failed'}`).join('; ') +
        `)${recorded ? '; the decision is recorded' : '; the decision could not be recorded either'}`,
    );
    this.name = 'DispatchFailedError';
  }
}

const round1 = (value: number) => Math.round(value * 10) / 10;
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
const ordinal = (n: number) => (n === 1 ? 'cleanest' : `${n}${n === 2 ? 'nd' : n === 3 ? 'rd' : 'th'} cleanest`);

function describeAge(ageSeconds: number | null, origin: string): string {
  if (ageSeconds === null) return `${origin}, age unknown`;
  return `${origin}, ${Math.round(ageSeconds / 60)} min old`;
}

function describeRegion(ranked: RankedRegion): string {
  const reading = ranked.sourced.reading;
  const age = Number.isFinite(ranked.ageSeconds) ? ranked.ageSeconds : null;
  const adjusted =
    Math.abs(ranked.adjustedGCO2ePerKWh - ranked.gCO2ePerKWh) > 0.05
      ? `, adjusted ${round1(ranked.adjustedGCO2ePerKWh)}`
      : '';
  const source =
    ranked.sourced.origin === 'static'
      ? 'static annual average'
      : `${reading.provider}, ${describeAge(age, ranked.sourced.origin)}`;
  return `${ranked.region} at ${round1(ranked.gCO2ePerKWh)} gCO2e/kWh${adjusted} (${source})`;
}

const encoder = new TextEncoder();

/** Size of the JSON of `value`, bytes (UTF-8). */
function payloadBytes(value: unknown): number {
  return encoder.encode(JSON.stringify(value)).length;
}

async function loadForecasts(
  deps: DispatchDependencies,
  regions: readonly string[],
  now: Date,
): Promise<{ forecasts: Map<string, CarbonForecast | undefined>; failures: string[] }> {
  const forecasts = new Map<string, CarbonForecast | undefined>();
  const failures: string[] = [];
  if (!deps.forecasts) return { forecasts, failures };
  const lookup = deps.forecasts;
  await Promise.all(
    regions.map(async (region) => {
      try {
        forecasts.set(region, await lookup(region, now));
      } catch (error) {
        failures.push(`${region}: ${message(error)}`);
        forecasts.set(region, undefined);
      }
    }),
  );
  return { forecasts, failures };
}

function baseDecision(
  request: DispatchRequest,
  jobId: string,
  now: Date,
  plan: DispatchPlan,
): Omit<DispatchDecision, 'action' | 'reason' | 'attempts'> {
  const job = { ...request.job, id: jobId };
  const bytes = payloadBytes(job);
  return {
    jobId,
    kind: request.job.kind,
    decidedAt: now.toISOString(),
    dryRun: request.dryRun === true,
    request: plan.request,
    candidates: plan.candidates,
    home: plan.home,
    averageGCO2ePerKWh: plan.averageGCO2ePerKWh,
    energy: plan.energy,
    deferralNote: plan.deferral.note,
    ...(bytes <= STORED_JOB_MAX_BYTES ? { job } : {}),
    jobBytes: bytes,
  };
}

/**
 * Dispatch one job (docs/dispatch.md): rank the allowed regions by adjusted carbon intensity, then either
 * - dry run: return the decision (and the deferral that would be made) without invoking, scheduling or writing;
 * - defer: when the request allows time shifting and a forecast slot before the deadline is cleaner by at least
 *   the minimum improvement, create a one-time schedule that re-submits the job then (`noDefer: true`), and record
 *   the deferral; if the schedule cannot be created, dispatch now and say so;
 * - dispatch: invoke the cleanest region's worker asynchronously; when the invoke fails, try the next cleanest,
 *   and so on; every attempt is recorded.
 * The decision (`JOB#<jobId>` / `DECISION`) holds the candidates with their intensities, adjusted values, sources
 * and ages, the choice and its time, home and average intensities and the estimated grams saved against running
 * at home now.
 *
 * @param now the run's clock (the request's `at` for dry runs)
 * @throws {DispatchValidationError} for an unknown/unallowed region or a payload above `maxPayloadBytes`
 *   (nothing invoked, nothing written)
 * @throws {DispatchFailedError} when every invoke failed (the decision is recorded first)
 */
export async function dispatchJob(
  request: DispatchRequest,
  now: Date,
  deps: DispatchDependencies,
  settings: DispatchSettings,
): Promise<DispatchResult> {
  const bytes = payloadBytes(request.job);
  if (bytes > settings.maxPayloadBytes) {
    throw new DispatchValidationError(
      `job: the payload is ${bytes} bytes; at most ${settings.maxPayloadBytes} bytes are allowed (config dispatch.maxPayloadBytes)`,
    );
  }
  const regions = candidateRegions(request.regions, settings.allowedRegions);
  const jobId = request.job.id ?? deps.newJobId();
  const readings = await deps.carbon([...new Set([...regions, settings.homeRegion])], now);

  const wantsDeferral =
    (request.deadline !== undefined || request.maxDeferMinutes !== undefined) &&
    request.noDefer !== true &&
    request.deferredFrom === undefined;
  let unavailable: string | undefined;
  let forecasts = new Map<string, CarbonForecast | undefined>();
  if (wantsDeferral) {
    if (!deps.deferrals && request.dryRun !== true) {
      unavailable = `time shifting is not configured (${deps.deferralsUnavailableReason ?? 'no deferral scheduler'})`;
    } else if (!deps.forecasts) {
      unavailable = 'no forecast source is configured';
    } else {
      const loaded = await loadForecasts(deps, regions, now);
      forecasts = loaded.forecasts;
      if (loaded.failures.length === regions.length) unavailable = `forecasts failed (${loaded.failures.join('; ')})`;
    }
  }
  const plan = planDispatch({
    request,
    regions,
    now,
    readings,
    forecasts,
    ...(unavailable ? { deferralUnavailableReason: unavailable } : {}),
    settings,
  });
  const base = baseDecision(request, jobId, now, plan);
  const home = { region: plan.home.region, gCO2ePerKWh: plan.home.gCO2ePerKWh };
  const cleanest = plan.ranking[0]!;
  const of = `of ${plan.ranking.length} candidate region${plan.ranking.length === 1 ? '' : 's'}`;
  const homeText = `home ${home.region} is at ${round1(home.gCO2ePerKWh)} gCO2e/kWh`;

  if (request.dryRun === true) {
    const deferral = plan.deferral;
    const chosen = deferral.defer
      ? { region: deferral.slot.region, gCO2ePerKWh: deferral.slot.meanGCO2ePerKWh, runAt: deferral.slot.start }
      : { region: cleanest.region, gCO2ePerKWh: cleanest.gCO2ePerKWh, runAt: now.toISOString() };
    const decision: DispatchDecision = {
      ...base,
      action: 'planned',
      reason: deferral.defer
        ? `dry run: would defer: ${deferral.note.replace(/^deferred: /, '')}; ${homeText}`
        : `dry run: would send to ${describeRegion(cleanest)}, the cleanest ${of}; ${homeText}`,
      chosenRegion: chosen.region,
      runAt: chosen.runAt,
      attempts: [],
      ...(deferral.defer
        ? {
            deferral: {
              ...deferral.slot,
              scheduleName: scheduleNameFor(jobId),
              baselineGCO2ePerKWh: deferral.baselineGCO2ePerKWh,
              latestStart: deferral.latestStart,
            },
          }
        : {}),
      emissions: emissionsEstimate(request.job, home, chosen, settings),
    };
    return { decision, recorded: false };
  }

  // The job id is the idempotency key: a replayed request (same id) never runs twice (docs/security.md).
  if (deps.store.claim && !(await deps.store.claim(jobId, request.deferredFrom !== undefined, now))) {
    throw new JobReplayedError(jobId, request.deferredFrom !== undefined);
  }

  let deferralFailure: string | undefined;
  if (plan.deferral.defer && deps.deferrals) {
    const slot = plan.deferral.slot;
    const scheduleName = scheduleNameFor(jobId);
    try {
      await deps.deferrals.schedule({
        name: scheduleName,
        at: new Date(slot.start),
        request: resubmission(request, jobId, scheduleName, now, slot.start),
        description: `carbon-aware-scheduler: deferred job ${jobId} (${request.job.kind}), expected ${slot.region}`,
      });
    } catch (error) {
      deferralFailure = `the deferral schedule could not be created (${message(error)}), dispatched now instead`;
    }
    if (deferralFailure === undefined) {
      const decision: DispatchDecision = {
        ...base,
        action: 'deferred',
        reason: `${plan.deferral.note}; ${homeText}`,
        chosenRegion: slot.region,
        runAt: slot.start,
        attempts: [],
        deferral: {
          ...slot,
          scheduleName,
          baselineGCO2ePerKWh: plan.deferral.baselineGCO2ePerKWh,
          latestStart: plan.deferral.latestStart,
        },
        emissions: emissionsEstimate(
          request.job,
          home,
          { region: slot.region, gCO2ePerKWh: slot.meanGCO2ePerKWh },
          settings,
        ),
      };
      try {
        await deps.store.putDecision(decision);
        await deps.store.markDeferred?.(jobId);
      } catch (error) {
        // Without a record the deferral would be invisible: undo it so a retry starts from scratch.
        await deps.deferrals.cancel(scheduleName).catch(() => undefined);
        await deps.store.release?.(jobId).catch(() => undefined);
        throw error;
      }
      return { decision, recorded: true };
    }
  }

  const attempts: InvokeAttempt[] = [];
  let chosen: RankedRegion | undefined;
  for (const [index, ranked] of plan.ranking.entries()) {
    const payload: WorkerPayload = {
      jobId,
      job: { ...request.job, id: jobId },
      dispatch: {
        decidedAt: now.toISOString(),
        region: ranked.region,
        homeRegion: home.region,
        zone: ranked.sourced.reading.zone,
        provider: ranked.sourced.reading.provider,
        origin: ranked.sourced.origin,
        signal: ranked.sourced.reading.signal,
        gCO2ePerKWh: ranked.gCO2ePerKWh,
        adjustedGCO2ePerKWh: ranked.adjustedGCO2ePerKWh,
        observedAt: ranked.sourced.reading.observedAt,
        homeGCO2ePerKWh: home.gCO2ePerKWh,
        attempt: index + 1,
      },
    };
    try {
      await deps.invoker.invoke(ranked.region, payload);
      attempts.push({ region: ranked.region, at: now.toISOString(), outcome: 'invoked' });
      chosen = ranked;
      break;
    } catch (error) {
      attempts.push({ region: ranked.region, at: now.toISOString(), outcome: 'failed', error: message(error) });
    }
  }
  const deferralNote = deferralFailure ? `${plan.deferral.note}; ${deferralFailure}` : plan.deferral.note;

  if (!chosen) {
    const decision: DispatchDecision = {
      ...base,
      deferralNote,
      action: 'failed',
      reason: `every worker invoke failed: ${attempts.map((a) => `${a.region}: ${a.error}`).join('; ')}`,
      attempts,
    };
    let recorded = true;
    try {
      await deps.store.putDecision(decision);
    } catch {
      recorded = false;
    }
    // Nothing ran: a retry of the same request may claim the id again.
    await deps.store.release?.(jobId).catch(() => undefined);
    throw new DispatchFailedError(decision, recorded);
  }

  const rank = plan.ranking.indexOf(chosen) + 1;
  const failed = attempts.filter((a) => a.outcome === 'failed');
  const fallback =
    failed.length > 0
      ? `; ${failed.map((a) => `${a.region} failed (${a.error})`).join(', ')}, so it went to the ${ordinal(rank)}`
      : '';
  const decision: DispatchDecision = {
    ...base,
    deferralNote,
    action: 'dispatched',
    reason:
      rank === 1
        ? `sent to ${describeRegion(chosen)}, the cleanest ${of}; ${homeText}`
        : `sent to ${describeRegion(chosen)}${fallback} ${of}; ${homeText}`,
    chosenRegion: chosen.region,
    runAt: now.toISOString(),
    attempts,
    emissions: emissionsEstimate(
      request.job,
      home,
      { region: chosen.region, gCO2ePerKWh: chosen.gCO2ePerKWh },
      settings,
    ),
  };
  try {
    await deps.store.putDecision(decision);
    return { decision, recorded: true };
  } catch (error) {
    // The job is already running: report the failed write instead of failing (a retry would run it twice).
    return { decision, recorded: false, recordError: message(error) };
  }
}

/** Name of the deferral schedule of a job: `job-<jobId>` (EventBridge Scheduler names: at most 64 characters). */
function scheduleNameFor(jobId: string): string {
  return `job-${jobId}`;
}

/** The request a deferral schedule sends back to the dispatcher: the same job, never deferred again. */
function resubmission(
  request: DispatchRequest,
  jobId: string,
  scheduleName: string,
  now: Date,
  plannedStart: string,
): DispatchRequestInput {
  return {
    job: { ...request.job, id: jobId },
    ...(request.regions ? { regions: request.regions } : {}),
    ...(request.deadline ? { deadline: request.deadline } : {}),
    noDefer: true,
    deferredFrom: { scheduleName, decidedAt: now.toISOString(), plannedStart },
  };
}
