import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS, type MetricName } from '../../core/metrics-catalog';

const UNITS = { Count: MetricUnit.Count, Seconds: MetricUnit.Seconds, None: MetricUnit.NoUnit } as const;

/**
 * Add one value of a catalogued metric (lambdas/core/metrics-catalog.ts) to a Powertools `Metrics` (or a
 * `singleMetric()`), with the catalogue's unit. Names are typed, so a handler cannot emit a metric the dashboard,
 * the alarms and the README do not know. Dimensions are set by the caller, as the catalogue lists them.
 */
export function addCatalogMetric(target: Pick<Metrics, 'addMetric'>, name: MetricName, value: number): void {
  target.addMetric(name, UNITS[METRICS[name].unit], value);
}
