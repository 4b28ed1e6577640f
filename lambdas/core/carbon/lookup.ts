import type { CarbonStore } from './carbon-store';
import { chooseReading } from './fallback';
import { upcomingPoints } from './forecast-summary';
import type { CarbonForecast, CarbonReading, ProviderName, SourcedReading } from './reading';
import { regionFacts, zoneForRegion } from './region-facts';
import { DEFAULT_FUTURE_TOLERANCE_SECONDS, DEFAULT_MAX_DATA_AGE_SECONDS } from './validate-reading';

/**
 * How consumers (scheduler, dispatcher, CLI) read carbon data: one sourced reading per requested region, following
 * the fallback chain (live or cached, then the static annual factor), so every requested region is present.
 * Missing data is never 0 g.
 */
export type CarbonLookup = (regions: readonly string[], now: Date) => Promise<Map<string, SourcedReading>>;

/** The most recent forecast for a region, or undefined when no provider supplies one. */
export type ForecastLookup = (region: string, now: Date) => Promise<CarbonForecast | undefined>;

/** Options of {@link carbonLookupFromStore}. */
export interface StoreLookupOptions {
  /** config `carbon.zoneOverrides`: cached readings for another zone than the region's current one are discarded. */
  readonly zoneOverrides?: Readonly<Record<string, string>>;
  /** Oldest cached reading used, seconds; default 7,200 (config `carbon.maxDataAgeMinutes` × 60). */
  readonly maxCachedAgeSeconds?: number;
  /** Clock skew tolerated for `observedAt`, seconds; default 300. */
  readonly futureToleranceSeconds?: number;
}

/** The lookup options a resolved config implies (`carbon.zoneOverrides`, `carbon.maxDataAgeMinutes`). */
export function lookupOptionsFromConfig(carbon: {
  readonly zoneOverrides: Readonly<Record<string, string>>;
  readonly maxDataAgeMinutes: number;
}): StoreLookupOptions {
  return { zoneOverrides: carbon.zoneOverrides, maxCachedAgeSeconds: carbon.maxDataAgeMinutes * 60 };
}

/**
 * The zone a provider's reading for `region` is expected to be for, from the region table and overrides:
 * Electricity Maps zone (overridable), WattTime region; undefined (accept any) for other providers.
 */
function expectedZoneFromTable(
  region: string,
  zoneOverrides: Readonly<Record<string, string>> = {},
): (provider: ProviderName) => string | null | undefined {
  return (provider) => {
    if (provider === 'electricitymaps') return zoneForRegion(region, zoneOverrides);
    if (provider === 'watttime') return regionFacts(region)?.wattTimeRegion ?? null;
    return undefined;
  };
}

/**
 * A {@link CarbonLookup} over the cache the carbon fetcher writes: per region the last good cached reading (for the
 * region's current zone, not older than `maxCachedAgeSeconds`, not from the future), else the static factor with
 * the reason. A failing store never rejects: every region falls back to its static factor and says why.
 * Used by the scheduler and dispatcher Lambdas.
 *
 * @throws {UnknownRegionError} (from the returned function) for a region not in the region table
 */
export function carbonLookupFromStore(store: CarbonStore, options: StoreLookupOptions = {}): CarbonLookup {
  const overrides = options.zoneOverrides ?? {};
  const limits = {
    maxAgeSeconds: options.maxCachedAgeSeconds ?? DEFAULT_MAX_DATA_AGE_SECONDS,
    futureToleranceSeconds: options.futureToleranceSeconds ?? DEFAULT_FUTURE_TOLERANCE_SECONDS,
  };
  return async (regions, now) => {
    let cached = new Map<string, CarbonReading>();
    const notes: string[] = [];
    try {
      cached = await store.latestReadings(regions, now);
    } catch (error) {
      notes.push(`cache unavailable: ${(error as Error).message ?? String(error)}`);
    }
    const result = new Map<string, SourcedReading>();
    for (const region of regions) {
      const reading = cached.get(region);
      result.set(
        region,
        chooseReading({
          region,
          now,
          attempts: [],
          ...(reading ? { cached: reading } : {}),
          expectedZone: expectedZoneFromTable(region, overrides),
          limits,
          notes,
          zoneOverrides: overrides,
        }),
      );
    }
    return result;
  };
}

/**
 * A {@link ForecastLookup} over the cache: the latest stored forecast of the region, trimmed to the points from
 * the interval containing `now` onwards; undefined when there is none, it ends before `now`, or the store fails.
 */
export function forecastLookupFromStore(store: CarbonStore): ForecastLookup {
  return async (region, now) => {
    let forecast: CarbonForecast | undefined;
    try {
      forecast = await store.latestForecast(region, now);
    } catch {
      return undefined;
    }
    if (!forecast) return undefined;
    const points = upcomingPoints(forecast.points, now);
    return points.length > 0 ? { ...forecast, points } : undefined;
  };
}
