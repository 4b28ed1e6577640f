import type { MetricDatum } from '../../contract';
import type { CarbonFetchResult } from './fetch-carbon';
import { ageSeconds } from './freshness';
import type { ProviderName } from './reading';

/**
 * The metrics of a fetch run, as data (the handler publishes them as EMF). Series depend only on the configured
 * regions and providers, never on the fleet.
 *
 * - `CarbonIntensity` (None) by `Region`: the chosen reading's gCO2e/kWh, whatever its origin.
 * - `CarbonDataAge` (Seconds) by `Region`: age of the live or cached reading used; for a region on its static
 *   factor, the age of the rejected cached reading when there is one, otherwise no data point (so an alarm with
 *   missing data treated as breaching sees a region without any provider data).
 * - `ProviderFailures` (Count) by `Provider`: failed distinct current-reading requests of each live provider, 0
 *   included so the series is continuous. Forecast failures are not counted (a plan without forecasts would
 *   otherwise alarm forever); they are logged and reported in the fetcher's result.
 */
export function carbonMetrics(result: CarbonFetchResult, now: Date, providers: readonly ProviderName[]): MetricDatum[] {
  const data: MetricDatum[] = [];
  for (const { region, sourced, cached } of result.regions) {
    const dimensions = { Region: region };
    data.push({ name: 'CarbonIntensity', value: sourced.reading.gCO2ePerKWh, dimensions });
    const measured = sourced.origin === 'static' ? cached : sourced.reading;
    if (measured) data.push({ name: 'CarbonDataAge', value: Math.round(ageSeconds(measured, now)), dimensions });
  }
  for (const provider of new Set(providers)) {
    if (provider === 'static') continue;
    const failures = result.calls.filter((c) => c.provider === provider && c.kind === 'latest' && !c.ok).length;
    data.push({ name: 'ProviderFailures', value: failures, dimensions: { Provider: provider } });
  }
  return data;
}
