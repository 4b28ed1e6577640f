/** Carbon intensity providers the product knows, in the spelling used by config and readings. */
export const PROVIDERS = ['electricitymaps', 'watttime', 'uk-carbon-intensity', 'static'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

/**
 * Kind of signal. `average` is the consumption-weighted average intensity of the grid mix; `marginal` is the
 * intensity of the generator that answers extra demand (WattTime MOER). Thresholds written for average
 * signals do not apply to marginal ones unchanged.
 */
export type Signal = 'average' | 'marginal';

/**
 * One normalized carbon intensity reading (docs/carbon.md).
 *
 * Times are ISO-8601 UTC strings so readings can be stored and sent as JSON unchanged.
 */
export interface CarbonReading {
  /** AWS region code the reading is for. */
  readonly region: string;
  /** Grid zone the provider reported on (Electricity Maps zone, WattTime region, `GB`, ...). */
  readonly zone: string;
  readonly provider: ProviderName;
  readonly signal: Signal;
  /** Carbon intensity in grams CO2-equivalent per kWh. Never 0 for missing data: missing data is no reading. */
  readonly gCO2ePerKWh: number;
  /** When the value is valid for (start of the provider's interval), ISO-8601 UTC. */
  readonly observedAt: string;
  /** When the product fetched it, ISO-8601 UTC. */
  readonly fetchedAt: string;
  /** True when the provider says the value is modelled rather than measured. */
  readonly isEstimated: boolean;
  /** True for a forecast point rather than an observation. */
  readonly isForecast: boolean;
}

/** How a reading reached a decision: live from the provider, from the cache, or the static annual factor. */
export type ReadingOrigin = 'live' | 'cached' | 'static';

/** A reading plus where it came from in the fallback chain and, when a better source failed, why. */
export interface SourcedReading {
  readonly reading: CarbonReading;
  readonly origin: ReadingOrigin;
  /** Why the chain fell back past a live reading (e.g. `electricitymaps: HTTP 429`), if it did. */
  readonly fallbackReason?: string;
}

/** A forecast: points ordered by `observedAt`, each with `isForecast: true`. */
export interface CarbonForecast {
  readonly region: string;
  readonly zone: string;
  readonly provider: ProviderName;
  readonly signal: Signal;
  readonly generatedAt: string;
  readonly points: readonly CarbonReading[];
}

/** WattTime reports MOER in lbs CO2/MWh; 1 lb = 0.453592 kg, so lbs/MWh × 0.453592 = g/kWh (NIST SP 811). */
export const LBS_PER_MWH_TO_G_PER_KWH = 0.453592;

/** Convert lbs/MWh (WattTime `co2_moer`) to g/kWh. */
export function lbsPerMWhToGPerKWh(lbsPerMWh: number): number {
  return lbsPerMWh * LBS_PER_MWH_TO_G_PER_KWH;
}
