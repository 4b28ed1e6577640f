import { emissionsGrams } from '../accounting/energy';
import type { FreshnessOptions } from '../carbon/freshness';
import { type RankedRegion, rankRegions } from '../carbon/ranking';
import type { CarbonForecast, SourcedReading } from '../carbon/reading';
import { staticReading } from '../carbon/static-reading';
import {
  type CandidateRecord,
  candidateRecord,
  type DecisionRequest,
  type EmissionsEstimate,
  type HomeRecord,
} from './decision';
import { chooseDeferral, type DeferralChoice } from './deferral';
import { type JobEnergy, jobEnergy } from './job-energy';
import type { DispatchRequest, Job } from './job-request';

/** The dispatcher's settings, from the configuration and the worker's deployment. */
export interface DispatchSettings {
  /** Region of the control plane: the counterfactual "run at home". */
  readonly homeRegion: string;
  /** `config.dispatch.allowedRegions`. */
  readonly allowedRegions: readonly string[];
  /** `config.dispatch.defaultMaxDeferMinutes`. */
  readonly defaultMaxDeferMinutes: number;
  /** `config.dispatch.minDeferImprovementPercent`. */
  readonly minDeferImprovementPercent: number;
  /** `config.dispatch.maxPayloadBytes`. */
  readonly maxPayloadBytes: number;
  /** Freshness grace and estimate penalty (config `carbon.graceSeconds`, `carbon.estimatedPenaltyGCO2ePerKWh`). */
  readonly freshness?: FreshnessOptions;
  /** config `carbon.zoneOverrides` (for static fallback readings). */
  readonly zoneOverrides?: Readonly<Record<string, string>>;
  /** `config.pueFor`. */
  readonly pueFor: (region: string) => number;
  /** Worker memory, MB, and timeout, minutes: the default job energy and duration. */
  readonly workerMemoryMB: number;
  readonly workerTimeoutMinutes: number;
}

/** Everything decided before anything is done. */
export interface DispatchPlan {
  /** Candidates ranked cleanest first (adjusted intensity, docs/carbon.md). */
  readonly ranking: RankedRegion[];
  readonly candidates: CandidateRecord[];
  readonly home: HomeRecord;
  readonly averageGCO2ePerKWh: number;
  /** Energy with the home region's PUE. */
  readonly energy: JobEnergy;
  readonly deferral: DeferralChoice;
  readonly request: DecisionRequest;
}

/** Inputs of {@link planDispatch}. */
export interface PlanInput {
  readonly request: DispatchRequest;
  /** `requested ∩ allowed` (see `candidateRegions`). */
  readonly regions: readonly string[];
  readonly now: Date;
  /** Readings for the candidates and home (a missing region falls back to its static factor). */
  readonly readings: ReadonlyMap<string, SourcedReading>;
  /** Forecast per candidate region (absent: none). */
  readonly forecasts?: ReadonlyMap<string, CarbonForecast | undefined>;
  /** Why time shifting cannot be used now (not configured, forecasts failed), if so. */
  readonly deferralUnavailableReason?: string;
  readonly settings: DispatchSettings;
}

/** The reading of `region`, or its static factor when the lookup returned none (never 0 g). */
function readingOrStatic(
  readings: ReadonlyMap<string, SourcedReading>,
  region: string,
  now: Date,
  zoneOverrides: Readonly<Record<string, string>> = {},
): SourcedReading {
  return (
    readings.get(region) ?? {
      reading: staticReading(region, now, zoneOverrides),
      origin: 'static',
      fallbackReason: 'the carbon lookup returned no reading for the region',
    }
  );
}

/** The job's energy with the PUE of `region`. */
export function energyIn(job: Job, region: string, settings: DispatchSettings): JobEnergy {
  return jobEnergy(job, {
    pue: settings.pueFor(region),
    workerMemoryMB: settings.workerMemoryMB,
    defaultDurationMinutes: settings.workerTimeoutMinutes,
  });
}

/**
 * Estimated emissions of the job run in `region` at `gCO2ePerKWh` against running at home now, grams CO2e:
 * each side is its energy (with its region's PUE) × its intensity (`emissionsGrams`).
 */
export function emissionsEstimate(
  job: Job,
  home: { region: string; gCO2ePerKWh: number },
  chosen: { region: string; gCO2ePerKWh: number },
  settings: DispatchSettings,
): EmissionsEstimate {
  const homeKWh = energyIn(job, home.region, settings).kWh;
  const chosenKWh = energyIn(job, chosen.region, settings).kWh;
  const homeGrams = emissionsGrams(homeKWh, home.gCO2ePerKWh);
  const chosenGrams = emissionsGrams(chosenKWh, chosen.gCO2ePerKWh);
  return { homeGrams, chosenGrams, savedGrams: homeGrams - chosenGrams, homeKWh, chosenKWh };
}

/**
 * Plan a dispatch (pure): rank the candidate regions by adjusted intensity with `rankRegions`, describe home and
 * the average, estimate the job's energy, and decide on time shifting with `chooseDeferral` (baseline: the cleanest
 * region's current reading).
 */
export function planDispatch(input: PlanInput): DispatchPlan {
  const { request, now, settings } = input;
  const zoneOverrides = settings.zoneOverrides ?? {};
  const sourced = input.regions.map((region) => readingOrStatic(input.readings, region, now, zoneOverrides));
  const ranking = rankRegions(sourced, now, settings.freshness);
  const candidates = ranking.map(candidateRecord);
  const homeSourced = readingOrStatic(input.readings, settings.homeRegion, now, zoneOverrides);
  const homeAge = (now.getTime() - Date.parse(homeSourced.reading.observedAt)) / 1000;
  const home: HomeRecord = {
    region: settings.homeRegion,
    gCO2ePerKWh: homeSourced.reading.gCO2ePerKWh,
    provider: homeSourced.reading.provider,
    origin: homeSourced.origin,
    ageSeconds: Number.isFinite(homeAge) ? Math.max(0, homeAge) : null,
  };
  const averageGCO2ePerKWh = ranking.reduce((sum, r) => sum + r.gCO2ePerKWh, 0) / Math.max(1, ranking.length);
  const energy = energyIn(request.job, settings.homeRegion, settings);
  const maxDeferMinutes = request.maxDeferMinutes ?? settings.defaultMaxDeferMinutes;
  const minImprovementPercent = request.minImprovementPercent ?? settings.minDeferImprovementPercent;
  const noDefer = request.noDefer === true || request.deferredFrom !== undefined;
  const cleanest = ranking[0]!;
  const deferral = chooseDeferral({
    forecasts: ranking.map((r) => ({ region: r.region, forecast: input.forecasts?.get(r.region) })),
    baseline: { region: cleanest.region, gCO2ePerKWh: cleanest.gCO2ePerKWh },
    now,
    ...(request.deadline ? { deadline: new Date(request.deadline) } : {}),
    maxDeferMinutes,
    requested: request.deadline !== undefined || request.maxDeferMinutes !== undefined,
    noDefer,
    ...(input.deferralUnavailableReason ? { unavailableReason: input.deferralUnavailableReason } : {}),
    durationMinutes: energy.durationMinutes,
    minImprovementPercent,
  });
  return {
    ranking,
    candidates,
    home,
    averageGCO2ePerKWh,
    energy,
    deferral,
    request: {
      regions: [...input.regions],
      ...(request.deadline ? { deadline: request.deadline } : {}),
      maxDeferMinutes,
      minImprovementPercent,
      noDefer,
      ...(request.deferredFrom ? { deferredFrom: request.deferredFrom } : {}),
    },
  };
}
