import {
  type CarbonProvider,
  CarbonProviderError,
  type ZoneForecast,
  type ZoneReading,
} from '../../../lambdas/core/carbon/provider';
import type { ProviderName, Signal } from '../../../lambdas/core/carbon/reading';
import { regionFacts } from '../../../lambdas/core/carbon/region-facts';

/** What a fake provider answers for a zone: a value in gCO2e/kWh (observed `observedAt`), or an error. */
export type FakeAnswer = { gCO2ePerKWh: number; observedAt: string } | CarbonProviderError;

/**
 * A provider for core tests: zones from the region table (Electricity Maps zones), answers from a map, every call
 * counted, optional gate so tests control when calls finish (concurrency).
 */
export class FakeProvider implements CarbonProvider {
  readonly calls: { kind: 'latest' | 'forecast'; zone: string }[] = [];
  inFlight = 0;
  maxInFlight = 0;

  constructor(
    readonly name: ProviderName,
    private readonly answers: Readonly<Record<string, FakeAnswer>>,
    readonly signal: Signal = 'average',
    private readonly forecasts: Readonly<Record<string, number[]>> = {},
    private readonly gate?: () => Promise<void>,
  ) {}

  zoneFor(region: string, overrides: Readonly<Record<string, string>> = {}): string | null {
    return overrides[region] ?? regionFacts(region)?.zone ?? null;
  }

  async #enter(): Promise<void> {
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.gate) await this.gate();
    } finally {
      this.inFlight -= 1;
    }
  }

  async latest(zone: string, now: Date): Promise<ZoneReading> {
    this.calls.push({ kind: 'latest', zone });
    await this.#enter();
    const answer = this.answers[zone];
    if (!answer) throw new CarbonProviderError(this.name, 'unknown-zone', `zone ${zone} is unknown`);
    if (answer instanceof CarbonProviderError) throw answer;
    return {
      zone,
      provider: this.name,
      signal: this.signal,
      gCO2ePerKWh: answer.gCO2ePerKWh,
      observedAt: answer.observedAt,
      fetchedAt: now.toISOString(),
      isEstimated: false,
      isForecast: false,
    };
  }

  async forecast(zone: string, now: Date): Promise<ZoneForecast> {
    this.calls.push({ kind: 'forecast', zone });
    await this.#enter();
    const values = this.forecasts[zone];
    if (!values) throw new CarbonProviderError(this.name, 'http', 'HTTP 403 Forbidden');
    return {
      zone,
      provider: this.name,
      signal: this.signal,
      generatedAt: now.toISOString(),
      points: values.map((gCO2ePerKWh, hour) => ({
        zone,
        provider: this.name,
        signal: this.signal,
        gCO2ePerKWh,
        observedAt: new Date(now.getTime() + hour * 3_600_000).toISOString(),
        fetchedAt: now.toISOString(),
        isEstimated: true,
        isForecast: true,
      })),
    };
  }
}
