import type { CarbonReading, ProviderName } from './reading';

/**
 * Default grace per provider in seconds before a reading starts to be penalised (docs/carbon.md):
 * Electricity Maps publishes hourly data (5,400 s = 1.5 h), WattTime 5-minute MOER (600 s),
 * the UK Carbon Intensity API half-hourly (2,700 s). Static factors are never stale.
 */
export const DEFAULT_GRACE_SECONDS: Readonly<Record<ProviderName, number>> = {
  electricitymaps: 5400,
  watttime: 600,
  'uk-carbon-intensity': 2700,
  static: Number.POSITIVE_INFINITY,
};

/** Options of the freshness adjustment. */
export interface FreshnessOptions {
  /** Grace per provider in seconds; missing providers use {@link DEFAULT_GRACE_SECONDS}. */
  readonly graceSeconds?: Partial<Record<ProviderName, number>>;
  /** gCO2e/kWh added to estimated (modelled) values; default 0. */
  readonly estimatedPenaltyGCO2ePerKWh?: number;
}

/** Age of a reading in seconds at `now`: now − observedAt, never negative (a future timestamp counts as 0). */
export function ageSeconds(reading: Pick<CarbonReading, 'observedAt'>, now: Date): number {
  const observed = Date.parse(reading.observedAt);
  if (Number.isNaN(observed)) return Number.POSITIVE_INFINITY;
  return Math.max(0, (now.getTime() - observed) / 1000);
}

/**
 * The value used for ranking (docs/carbon.md): `g + max(0, age − grace) / 60`, i.e. one gram per minute beyond
 * the provider's grace, plus the estimated-value penalty. Static readings are never penalised for age.
 *
 * @returns adjusted intensity in gCO2e/kWh
 */
export function adjustedIntensity(reading: CarbonReading, now: Date, options: FreshnessOptions = {}): number {
  const grace = options.graceSeconds?.[reading.provider] ?? DEFAULT_GRACE_SECONDS[reading.provider];
  const age = ageSeconds(reading, now);
  const stalePenalty = Number.isFinite(grace) ? Math.max(0, age - grace) / 60 : 0;
  const estimatedPenalty = reading.isEstimated ? (options.estimatedPenaltyGCO2ePerKWh ?? 0) : 0;
  return reading.gCO2ePerKWh + stalePenalty + estimatedPenalty;
}

/** Display band of an intensity (docs/carbon.md). */
export type QualityBand = 'excellent' | 'good' | 'moderate' | 'poor' | 'very poor';

/** excellent < 100, good < 200, moderate < 350, poor < 500, very poor ≥ 500 gCO2e/kWh. */
export function qualityBand(gCO2ePerKWh: number): QualityBand {
  if (gCO2ePerKWh < 100) return 'excellent';
  if (gCO2ePerKWh < 200) return 'good';
  if (gCO2ePerKWh < 350) return 'moderate';
  if (gCO2ePerKWh < 500) return 'poor';
  return 'very poor';
}
