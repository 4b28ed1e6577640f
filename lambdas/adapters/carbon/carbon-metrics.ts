import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { CarbonFetchResult } from '../../core/carbon/fetch-carbon';
import { ageSeconds } from '../../core/carbon/freshness';
import type { ProviderName } from '../../core/carbon/reading';
import { addCatalogMetric } from '../metrics/catalog-metric';

/**
 * Publish the run's metrics as CloudWatch Embedded Metric Format through Powertools (one EMF line per region and
 * per provider; no PutMetricData). Series depend only on the configured regions and providers, never on the fleet.
 *
 * - `CarbonIntensity` (None) by `Region`: the chosen reading's gCO2e/kWh, whatever its origin.
 * - `CarbonDataAge` (Seconds) by `Region`: age of the live or cached reading used; for a region on its static
 *   factor, the age of the rejected cached reading when there is one, otherwise no data point (so an alarm with
 *   missing data treated as breaching sees a region without any provider data).
 * - `ProviderFailures` (Count) by `Provider`: failed distinct current-reading requests of each live provider, 0
 *   included so the series is continuous. Forecast failures are not counted (a plan without forecasts would
 *   otherwise alarm forever); they are logged and reported in the fetcher's result.
 */
export function publishCarbonMetrics(
  metrics: Metrics,
  result: CarbonFetchResult,
  now: Date,
  providers: readonly ProviderName[],
): void {
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  for (const { region, sourced, cached } of result.regions) {
    metrics.addDimension('Region', region);
    addCatalogMetric(metrics, 'CarbonIntensity', sourced.reading.gCO2ePerKWh);
    const measured = sourced.origin === 'static' ? cached : sourced.reading;
    if (measured) addCatalogMetric(metrics, 'CarbonDataAge', Math.round(ageSeconds(measured, now)));
    metrics.publishStoredMetrics();
  }
  for (const provider of new Set(providers)) {
    if (provider === 'static') continue;
    const failures = result.calls.filter((c) => c.provider === provider && c.kind === 'latest' && !c.ok).length;
    metrics.addDimension('Provider', provider);
    addCatalogMetric(metrics, 'ProviderFailures', failures);
    metrics.publishStoredMetrics();
  }
}
