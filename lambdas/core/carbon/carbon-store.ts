import type { CarbonForecast, CarbonReading } from './reading';

/**
 * Where readings and forecasts are cached between runs (port; DynamoDB in Lambda, in memory in tests and the CLI).
 *
 * The carbon fetcher writes live readings and forecasts; the scheduler, dispatcher and CLI read them through
 * `carbonLookupFromStore` / `forecastLookupFromStore`. Only provider data is stored, never static factors.
 */
export interface CarbonStore {
  /**
   * Store live readings: each becomes the region's latest reading unless the stored one is newer (by `observedAt`).
   * @param now the run's clock, for the expiry (TTL) of the items
   */
  putReadings(readings: readonly CarbonReading[], now: Date): Promise<void>;
  /** Store forecasts, one per region; the newest `generatedAt` is what {@link CarbonStore.latestForecast} returns. */
  putForecasts(forecasts: readonly CarbonForecast[], now: Date): Promise<void>;
  /**
   * The latest stored reading of each region that has one (regions without are absent from the map).
   * @param now when given, items past their expiry are ignored (DynamoDB deletes expired items lazily)
   */
  latestReadings(regions: readonly string[], now?: Date): Promise<Map<string, CarbonReading>>;
  /** The most recently generated stored forecast of `region`, or undefined. */
  latestForecast(region: string, now?: Date): Promise<CarbonForecast | undefined>;
}
