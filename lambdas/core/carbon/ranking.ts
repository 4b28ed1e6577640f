import { adjustedIntensity, ageSeconds, type FreshnessOptions } from './freshness';
import type { SourcedReading } from './reading';

/** One region's place in a ranking. */
export interface RankedRegion {
  readonly region: string;
  readonly sourced: SourcedReading;
  /** Raw intensity in gCO2e/kWh as the provider gave it (converted to g/kWh). */
  readonly gCO2ePerKWh: number;
  /** Intensity after the freshness and estimate penalties, used for ordering. */
  readonly adjustedGCO2ePerKWh: number;
  readonly ageSeconds: number;
}

/**
 * Rank regions from cleanest to dirtiest by adjusted intensity (docs/carbon.md).
 *
 * Ties on the adjusted value are broken by fresher reading first, then by region code, so the order is total
 * and repeatable. Regions without a reading must be passed with their static fallback: missing data is never
 * treated as 0 g.
 *
 * @param readings one sourced reading per region (duplicates: the first wins)
 * @param now the run's clock
 */
export function rankRegions(
  readings: readonly SourcedReading[],
  now: Date,
  options: FreshnessOptions = {},
): RankedRegion[] {
  const seen = new Set<string>();
  const ranked: RankedRegion[] = [];
  for (const sourced of readings) {
    const region = sourced.reading.region;
    if (seen.has(region)) continue;
    seen.add(region);
    ranked.push({
      region,
      sourced,
      gCO2ePerKWh: sourced.reading.gCO2ePerKWh,
      adjustedGCO2ePerKWh: adjustedIntensity(sourced.reading, now, options),
      ageSeconds: ageSeconds(sourced.reading, now),
    });
  }
  return ranked.sort(
    (a, b) =>
      a.adjustedGCO2ePerKWh - b.adjustedGCO2ePerKWh || a.ageSeconds - b.ageSeconds || a.region.localeCompare(b.region),
  );
}
