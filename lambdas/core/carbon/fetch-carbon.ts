import pLimit, { type LimitFunction } from 'p-limit';
import type { CarbonStore } from './carbon-store';
import { chooseReading, type LiveAttempt } from './fallback';
import {
  type CarbonProvider,
  CarbonProviderError,
  type ProviderFailureKind,
  type ZoneForecast,
  type ZoneReading,
} from './provider';
import type { CarbonForecast, CarbonReading, ProviderName, SourcedReading } from './reading';
import { regionFacts } from './region-facts';
import { UnknownRegionError } from './static-reading';
import { intensityProblem, type ReadingLimits, type ReadingProblem, readingProblem } from './validate-reading';

/** Default number of requests in flight per provider (config `carbon.concurrency`). */
export const DEFAULT_CONCURRENCY = 6;

/** A configured provider that cannot be used in this run (e.g. no credentials), with the reason. */
export interface UnavailableProvider {
  readonly provider: ProviderName;
  readonly reason: string;
}

/** Options of {@link fetchCarbon}. */
export interface FetchCarbonOptions {
  /** config `carbon.zoneOverrides` (region → Electricity Maps zone). */
  readonly zoneOverrides?: Readonly<Record<string, string>>;
  /** Requests in flight per provider; default {@link DEFAULT_CONCURRENCY}. */
  readonly concurrency?: number;
  /** Also fetch forecasts from the provider that supplied each live reading; default true. */
  readonly includeForecasts?: boolean;
  /** Store live readings and forecasts; false for dry runs. Default true. */
  readonly write?: boolean;
  /** Maximum age and future tolerance of live and cached readings. */
  readonly limits?: ReadingLimits;
  /** Providers configured but unusable in this run; reported when a region ends past live data. */
  readonly unavailable?: readonly UnavailableProvider[];
}

/** One distinct provider request of the run (one per provider, kind and zone, however many regions share it). */
export interface ProviderCall {
  readonly provider: ProviderName;
  readonly zone: string;
  readonly kind: 'latest' | 'forecast';
  readonly ok: boolean;
  readonly failureKind?: ProviderFailureKind;
  readonly reason?: string;
}

/** The outcome for one region. */
export interface RegionCarbon {
  readonly region: string;
  /** The reading chosen by the fallback chain, with its origin and, if it fell back, why. */
  readonly sourced: SourcedReading;
  /** The live attempts in provider order (the last one succeeded when `sourced.origin` is `live`). */
  readonly attempts: readonly LiveAttempt[];
  /** The cached reading the chain considered (used or not), if the cache had one. */
  readonly cached?: CarbonReading;
  readonly forecast?: CarbonForecast;
  /** Why no forecast was obtained from the live provider, if one was asked. */
  readonly forecastFailure?: string;
}

/** What a run fetched, chose and stored. */
export interface CarbonFetchResult {
  /** The run's clock, ISO-8601. */
  readonly at: string;
  /** One entry per distinct requested region, in request order. */
  readonly regions: readonly RegionCarbon[];
  /** region → chosen reading (every requested region is present). */
  readonly readings: ReadonlyMap<string, SourcedReading>;
  /** Live readings: what was stored, or would be in a dry run. */
  readonly liveReadings: readonly CarbonReading[];
  /** Forecasts obtained: what was stored, or would be in a dry run. */
  readonly forecasts: readonly CarbonForecast[];
  /** Every distinct provider request made. */
  readonly calls: readonly ProviderCall[];
  /** True when the results were written to the store. */
  readonly written: boolean;
  /** Why the cache could not be read, if it could not (every region then ends live or static). */
  readonly cacheReadError?: string;
  /** Problems writing the store (the run still returns a reading for every region). */
  readonly storeErrors: readonly string[];
}

type Outcome<T> = { ok: true; value: T } | { ok: false; problem: ReadingProblem };

function describeError(error: unknown): ReadingProblem {
  if (error instanceof CarbonProviderError) return { kind: error.kind, message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'malformed', message: `unexpected error: ${message}` };
}

/**
 * Problem with a forecast: no points, an unusable value, a bad time, or every point in the past.
 * @returns the problem, or undefined when the forecast is usable
 */
function forecastProblem(forecast: ZoneForecast, now: Date): ReadingProblem | undefined {
  if (forecast.points.length === 0) return { kind: 'malformed', message: 'forecast has no points' };
  let last = Number.NEGATIVE_INFINITY;
  for (const point of forecast.points) {
    const time = Date.parse(point.observedAt);
    if (Number.isNaN(time)) {
      return { kind: 'malformed', message: `forecast point time ${JSON.stringify(point.observedAt)} is not ISO-8601` };
    }
    const problem = intensityProblem(point.gCO2ePerKWh, `forecast point ${point.observedAt}`);
    if (problem) return problem;
    last = Math.max(last, time);
  }
  if (last < now.getTime()) {
    return { kind: 'stale', message: `forecast ends at ${new Date(last).toISOString()}, before now` };
  }
  return undefined;
}

function toRegionForecast(region: string, forecast: ZoneForecast): CarbonForecast {
  const points = [...forecast.points]
    .sort((a, b) => Date.parse(a.observedAt) - Date.parse(b.observedAt))
    .map((point) => ({ region, ...point }));
  return { region, ...forecast, points };
}

/**
 * Fetch carbon intensity for `regions` and apply the fallback chain live → last good cached → static
 * (docs/carbon.md). The Lambda carbon fetcher and the CLI both run this.
 *
 * - Live providers are tried per region in the given order (providers named `static` are not live sources: the
 *   static factor is always the chain's last link). The first usable reading wins; failures are recorded.
 * - Each distinct (provider, kind, zone) is requested once per run, however many regions share the zone
 *   (us-east-1 and us-east-2 share `US-MIDA-PJM`), with at most `concurrency` requests in flight per provider.
 * - Readings are checked before use: plausible value (0–3000 gCO2e/kWh), not from the future, not stale.
 * - With `includeForecasts`, the forecast comes from the provider that supplied the live reading.
 * - Live readings and forecasts are written to `store` unless `write` is false; static factors never are.
 *
 * Provider and store failures never reject: they end in the fallback and are reported in the result.
 *
 * @throws {UnknownRegionError} before any request when a region is not in the region table
 */
export async function fetchCarbon(
  regions: readonly string[],
  providers: readonly CarbonProvider[],
  store: CarbonStore,
  now: Date,
  options: FetchCarbonOptions = {},
): Promise<CarbonFetchResult> {
  for (const region of regions) {
    if (!regionFacts(region)) throw new UnknownRegionError(region);
  }
  const unique = [...new Set(regions)];
  const overrides = options.zoneOverrides ?? {};
  const live = providers.filter((provider) => provider.name !== 'static');
  const storeErrors: string[] = [];

  const limiters = new Map<CarbonProvider, LimitFunction>(
    live.map((provider) => [provider, pLimit(options.concurrency ?? DEFAULT_CONCURRENCY)]),
  );
  const memo = new Map<string, Promise<Outcome<unknown>>>();
  const calls: ProviderCall[] = [];

  const callOnce = <T>(
    provider: CarbonProvider,
    kind: ProviderCall['kind'],
    zone: string,
    run: () => Promise<T>,
    check: (value: T) => ReadingProblem | undefined,
  ): Promise<Outcome<T>> => {
    const key = `${provider.name}\u0000${kind}\u0000${zone}`;
    const existing = memo.get(key);
    if (existing) return existing as Promise<Outcome<T>>;
    const limit = limiters.get(provider)!;
    const promise = limit(run).then(
      (value): Outcome<T> => {
        const problem = check(value);
        return problem ? { ok: false, problem } : { ok: true, value };
      },
      (error: unknown): Outcome<T> => ({ ok: false, problem: describeError(error) }),
    );
    const recorded = promise.then((outcome) => {
      calls.push({
        provider: provider.name,
        zone,
        kind,
        ok: outcome.ok,
        ...(outcome.ok ? {} : { failureKind: outcome.problem.kind, reason: outcome.problem.message }),
      });
      return outcome;
    });
    memo.set(key, recorded);
    return recorded;
  };

  let cacheReadError: string | undefined;
  const cachePromise = store.latestReadings(unique, now).catch((error: unknown) => {
    cacheReadError = `reading the cache failed: ${(error as Error).message ?? String(error)}`;
    return new Map<string, CarbonReading>();
  });

  const unavailableNotes = (options.unavailable ?? []).map((item) => `${item.provider}: ${item.reason}`);

  const perRegion = unique.map(async (region): Promise<RegionCarbon> => {
    const attempts: LiveAttempt[] = [];
    const notes: string[] = [];
    let winner: { provider: CarbonProvider; zone: string } | undefined;
    for (const provider of live) {
      const zone = provider.zoneFor(region, overrides);
      if (!zone) {
        notes.push(`${provider.name}: does not cover ${region}`);
        continue;
      }
      const outcome = await callOnce<ZoneReading>(
        provider,
        'latest',
        zone,
        () => provider.latest(zone, now),
        (reading) => readingProblem(reading, now, options.limits),
      );
      if (outcome.ok) {
        attempts.push({ provider: provider.name, zone, reading: { region, ...outcome.value } });
        winner = { provider, zone };
        break;
      }
      attempts.push({
        provider: provider.name,
        zone,
        reason: outcome.problem.message,
        failureKind: outcome.problem.kind,
      });
    }
    if (live.length === 0 && unavailableNotes.length === 0) notes.push('no live provider configured');
    const cached = (await cachePromise).get(region);
    if (cacheReadError) notes.push(cacheReadError);
    const sourced = chooseReading({
      region,
      now,
      attempts,
      ...(cached ? { cached } : {}),
      expectedZone: (name) => {
        const provider = providers.find((candidate) => candidate.name === name);
        return provider ? provider.zoneFor(region, overrides) : undefined;
      },
      limits: options.limits,
      notes: [...unavailableNotes, ...notes],
      zoneOverrides: overrides,
    });

    const base = { region, sourced, attempts, ...(cached ? { cached } : {}) };
    const forecaster = winner?.provider;
    if (!(options.includeForecasts ?? true) || !winner || !forecaster?.forecast || sourced.origin !== 'live') {
      return base;
    }
    const zone = winner.zone;
    const outcome = await callOnce<ZoneForecast>(
      forecaster,
      'forecast',
      zone,
      () => forecaster.forecast!(zone, now),
      (forecast) => forecastProblem(forecast, now),
    );
    if (!outcome.ok) {
      return { ...base, forecastFailure: `${forecaster.name} ${zone}: ${outcome.problem.message}` };
    }
    return { ...base, forecast: toRegionForecast(region, outcome.value) };
  });

  const results = await Promise.all(perRegion);
  const liveReadings = results.filter((r) => r.sourced.origin === 'live').map((r) => r.sourced.reading);
  const forecasts = results.flatMap((r) => (r.forecast ? [r.forecast] : []));

  const write = options.write ?? true;
  if (write) {
    try {
      if (liveReadings.length > 0) await store.putReadings(liveReadings, now);
    } catch (error) {
      storeErrors.push(`storing readings failed: ${(error as Error).message ?? String(error)}`);
    }
    try {
      if (forecasts.length > 0) await store.putForecasts(forecasts, now);
    } catch (error) {
      storeErrors.push(`storing forecasts failed: ${(error as Error).message ?? String(error)}`);
    }
  }

  return {
    at: now.toISOString(),
    regions: results,
    readings: new Map(results.map((r) => [r.region, r.sourced])),
    liveReadings,
    forecasts,
    calls,
    written: write,
    ...(cacheReadError ? { cacheReadError } : {}),
    storeErrors,
  };
}
