import type { CarbonLookup } from '../lambdas/core/carbon/lookup';
import type { SourcedReading } from '../lambdas/core/carbon/reading';

/**
 * A cached Electricity Maps reading observed at `now`, for benchmark fakes of the carbon cache.
 * @param gCO2ePerKWh intensity, gCO2e/kWh
 */
export function cachedReading(region: string, gCO2ePerKWh: number, now: Date): SourcedReading {
  return {
    origin: 'cached',
    reading: {
      region,
      zone: 'bench',
      provider: 'electricitymaps',
      signal: 'average',
      gCO2ePerKWh,
      observedAt: now.toISOString(),
      fetchedAt: now.toISOString(),
      isEstimated: false,
      isForecast: false,
    },
  };
}

/**
 * A fake carbon cache: each region is at 2× its threshold where `dirty(now, index)` says so, else at half of it;
 * `beforeRead` runs first (simulated latency, request accounting).
 */
export function fakeCarbonLookup(
  threshold: (region: string) => number,
  dirty: (now: Date, index: number) => boolean,
  beforeRead: (regions: readonly string[]) => Promise<void>,
): CarbonLookup {
  return async (regions, now) => {
    await beforeRead(regions);
    return new Map(
      regions.map((region, index) => [
        region,
        cachedReading(region, threshold(region) * (dirty(now, index) ? 2 : 0.5), now),
      ]),
    );
  };
}
