import type { CarbonReading } from './reading';
import { COMMERCIAL_REGIONS, regionFacts, zoneForRegion } from './region-facts';

/** A region code the product has no facts for. */
export class UnknownRegionError extends Error {
  constructor(readonly region: string) {
    super(`unknown AWS region ${JSON.stringify(region)}; known commercial regions: ${COMMERCIAL_REGIONS.join(', ')}`);
    this.name = 'UnknownRegionError';
  }
}

/**
 * The static annual-average reading of `region`: the last link of the fallback chain, always available.
 *
 * `provider` is `static`, `signal` `average`, `observedAt` and `fetchedAt` are `now` (a static factor is never
 * stale), `isEstimated` is true (an annual average stands in for the current value). The value is the Electricity
 * Maps 2025 yearly lifecycle average of the region's zone, or the Cloud Carbon Footprint 2023 factor where
 * Electricity Maps has none (see `staticSource` in the region table).
 *
 * @param zoneOverrides config `carbon.zoneOverrides`, so the reading names the zone the user configured
 * @throws {UnknownRegionError} when the region is not in the region table
 */
export function staticReading(
  region: string,
  now: Date,
  zoneOverrides: Readonly<Record<string, string>> = {},
): CarbonReading {
  const facts = regionFacts(region);
  if (!facts) throw new UnknownRegionError(region);
  const at = now.toISOString();
  return {
    region,
    zone: zoneForRegion(region, zoneOverrides) ?? 'unknown',
    provider: 'static',
    signal: 'average',
    gCO2ePerKWh: facts.staticGCO2ePerKWh,
    observedAt: at,
    fetchedAt: at,
    isEstimated: true,
    isForecast: false,
  };
}
