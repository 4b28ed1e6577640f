import type { CarbonStore } from './carbon-store';
import type { CarbonForecast, CarbonReading } from './reading';

interface Entry<T> {
  readonly value: T;
  /** Epoch milliseconds after which the entry is ignored; Infinity without a TTL. */
  readonly expiresAtMs: number;
}

/**
 * A {@link CarbonStore} in memory with the same semantics as the DynamoDB one (newest `observedAt` wins, optional
 * expiry), for tests and the CLI (which has no cache between runs).
 */
export class InMemoryCarbonStore implements CarbonStore {
  readonly #readings = new Map<string, Entry<CarbonReading>>();
  readonly #forecasts = new Map<string, Entry<CarbonForecast>>();

  /** @param ttlMinutes how long entries live; undefined keeps them for the life of the store */
  constructor(private readonly ttlMinutes?: number) {}

  #expiry(now: Date): number {
    return this.ttlMinutes === undefined ? Number.POSITIVE_INFINITY : now.getTime() + this.ttlMinutes * 60_000;
  }

  async putReadings(readings: readonly CarbonReading[], now: Date): Promise<void> {
    for (const reading of readings) {
      const current = this.#readings.get(reading.region)?.value;
      if (current && Date.parse(current.observedAt) > Date.parse(reading.observedAt)) continue;
      this.#readings.set(reading.region, { value: reading, expiresAtMs: this.#expiry(now) });
    }
  }

  async putForecasts(forecasts: readonly CarbonForecast[], now: Date): Promise<void> {
    for (const forecast of forecasts) {
      const current = this.#forecasts.get(forecast.region)?.value;
      if (current && Date.parse(current.generatedAt) > Date.parse(forecast.generatedAt)) continue;
      this.#forecasts.set(forecast.region, { value: forecast, expiresAtMs: this.#expiry(now) });
    }
  }

  async latestReadings(regions: readonly string[], now?: Date): Promise<Map<string, CarbonReading>> {
    const found = new Map<string, CarbonReading>();
    for (const region of regions) {
      const entry = this.#readings.get(region);
      if (entry && (now === undefined || entry.expiresAtMs > now.getTime())) found.set(region, entry.value);
    }
    return found;
  }

  async latestForecast(region: string, now?: Date): Promise<CarbonForecast | undefined> {
    const entry = this.#forecasts.get(region);
    if (!entry || (now !== undefined && entry.expiresAtMs <= now.getTime())) return undefined;
    return entry.value;
  }
}
