import type { CarbonForecast, CarbonReading, ProviderName, Signal } from './reading';

/** A reading as a provider returns it for a grid zone, before it is attributed to an AWS region. */
export type ZoneReading = Omit<CarbonReading, 'region'>;

/** A forecast as a provider returns it for a grid zone; points ordered by `observedAt`, each `isForecast: true`. */
export interface ZoneForecast extends Omit<CarbonForecast, 'region' | 'points'> {
  readonly points: readonly ZoneReading[];
}

/** Why a provider call gave no usable data; every kind ends in the fallback chain, never in a crash. */
export type ProviderFailureKind =
  /** The request did not complete within the configured timeout. */
  | 'timeout'
  /** The connection failed (refused, reset, DNS). */
  | 'network'
  /** HTTP 401/403: missing, wrong or expired credentials, or no access to the zone. */
  | 'auth'
  /** HTTP 429 after the allowed retries. */
  | 'rate-limited'
  /** Any other non-2xx status after the allowed retries. */
  | 'http'
  /** The provider does not know the zone (HTTP 404/400 naming it, or a different zone in the answer). */
  | 'unknown-zone'
  /** The body is not JSON or does not have the documented shape. */
  | 'malformed'
  /** The intensity is missing, negative, not a number or absurd (> 3000 gCO2e/kWh). */
  | 'invalid-value'
  /** The units cannot be converted to gCO2e/kWh (e.g. a WattTime percentile). */
  | 'unsupported-units'
  /** The reading is timestamped in the future beyond the clock-skew tolerance. */
  | 'future'
  /** The reading is older than the maximum data age. */
  | 'stale';

/**
 * A provider call that gave no usable data. `message` is one short line without secrets, used verbatim as the
 * fallback reason (e.g. `HTTP 429 Too Many Requests after 3 attempts`).
 */
export class CarbonProviderError extends Error {
  constructor(
    readonly provider: ProviderName,
    readonly kind: ProviderFailureKind,
    message: string,
    /** HTTP status when the failure came with one. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'CarbonProviderError';
  }
}

/**
 * One source of carbon intensity data (Electricity Maps, WattTime, UK Carbon Intensity API, static factors).
 *
 * A provider works on its own zone ids (Electricity Maps zone `US-MIDA-PJM`, WattTime region `PJM_DC`, `GB`, ...):
 * {@link CarbonProvider.zoneFor} maps an AWS region to one, and the orchestration (`fetchCarbon`) asks each distinct
 * zone once per run however many regions share it. Methods reject with {@link CarbonProviderError} for every
 * expected failure; values are already converted to gCO2e/kWh.
 */
export interface CarbonProvider {
  readonly name: ProviderName;
  /** The kind of signal every reading of this provider carries. */
  readonly signal: Signal;
  /**
   * The provider's zone for `region`, or null when the provider does not cover the region.
   * @param zoneOverrides config `carbon.zoneOverrides` (region → Electricity Maps zone); providers with their own
   *   zone ids may ignore it
   */
  zoneFor(region: string, zoneOverrides?: Readonly<Record<string, string>>): string | null;
  /** The current reading for `zone` as of `now` (the run's clock, used as `fetchedAt`). */
  latest(zone: string, now: Date): Promise<ZoneReading>;
  /** The provider's forecast for `zone`, where the source has one. */
  forecast?(zone: string, now: Date): Promise<ZoneForecast>;
}
