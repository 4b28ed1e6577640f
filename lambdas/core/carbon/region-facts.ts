import { REGION_TABLE } from './region-table';

/** Static facts about one AWS region, derived from shared reference data (see NOTICE). */
export interface RegionFacts {
  /** AWS region code, e.g. `eu-central-1`. */
  readonly region: string;
  /** AWS partition: `aws` (commercial), `aws-us-gov` or `aws-cn`. */
  readonly partition: 'aws' | 'aws-us-gov' | 'aws-cn';
  /** Electricity Maps zone key (e.g. `DE`, `US-MIDA-PJM`), or null when no provider covers the region. */
  readonly zone: string | null;
  /**
   * Annual average grid carbon intensity in gCO2e/kWh (lifecycle). Electricity Maps yearly 2025 average where
   * available, else the Cloud Carbon Footprint 2023 factor.
   */
  readonly staticGCO2ePerKWh: number;
  /** Which dataset `staticGCO2ePerKWh` comes from. */
  readonly staticSource: string;
  /** Power usage effectiveness published by the Green Software Foundation real-time-cloud dataset, if any. */
  readonly pue: number | null;
  /** WattTime balancing-authority code (GSF real-time-cloud), if any. */
  readonly wattTimeRegion: string | null;
  readonly latitude: number | null;
  readonly longitude: number | null;
}

const BY_REGION = new Map(REGION_TABLE.map((facts) => [facts.region, facts]));

/** Every region code known to the product, sorted. */
export const KNOWN_REGIONS: readonly string[] = [...BY_REGION.keys()].sort();

/** Commercial (`aws` partition) region codes, sorted. */
export const COMMERCIAL_REGIONS: readonly string[] = REGION_TABLE.filter((f) => f.partition === 'aws')
  .map((f) => f.region)
  .sort();

/** Facts for `region`, or undefined when the region is unknown. */
export function regionFacts(region: string): RegionFacts | undefined {
  return BY_REGION.get(region);
}

/**
 * The grid zone of `region`, honouring `overrides` (config `carbon.zoneOverrides`).
 * Returns null when neither the override nor the table names a zone.
 */
export function zoneForRegion(region: string, overrides: Readonly<Record<string, string>> = {}): string | null {
  return overrides[region] ?? BY_REGION.get(region)?.zone ?? null;
}
