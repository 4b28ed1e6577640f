import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS, type MetricDatum } from '../../contract';

const UNITS = { Count: MetricUnit.Count, Seconds: MetricUnit.Seconds, None: MetricUnit.NoUnit } as const;

/** A handler tried to publish a metric with a dimension set the catalogue does not list (a programming error). */
export class UncataloguedMetricError extends Error {
  constructor(datum: MetricDatum) {
    super(
      `metric ${datum.name} with dimensions [${Object.keys(datum.dimensions).sort().join(', ')}] is not in the catalogue (lambdas/contract/metrics.ts)`,
    );
    this.name = 'UncataloguedMetricError';
  }
}

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().every((name, i) => name === [...b].sort()[i]);

function assertCatalogued(datum: MetricDatum): void {
  const entry = METRICS[datum.name];
  const keys = Object.keys(datum.dimensions);
  const sets: readonly (readonly string[])[] = [entry.dimensions, ...('rollups' in entry ? entry.rollups : [])];
  if (!sets.some((set) => sameSet(set, keys))) throw new UncataloguedMetricError(datum);
}

/**
 * The one metrics publisher of every handler: write `data` as CloudWatch Embedded Metric Format through Powertools,
 * one EMF document per distinct set of dimension values (Powertools adds the function's `service` dimension to
 * each), with each metric's unit from the catalogue (lambdas/contract/metrics.ts). Nothing is written for no data.
 *
 * @throws {UncataloguedMetricError} before writing anything, when a datum's dimension names are not a set the
 *   catalogue lists for its metric (the dashboard and the alarms would never see it)
 */
export function publishMetrics(metrics: Metrics, data: readonly MetricDatum[]): void {
  for (const datum of data) assertCatalogued(datum);
  const groups = new Map<string, MetricDatum[]>();
  for (const datum of data) {
    const key = JSON.stringify(Object.entries(datum.dimensions).sort(([a], [b]) => a.localeCompare(b)));
    const group = groups.get(key) ?? [];
    group.push(datum);
    groups.set(key, group);
  }
  for (const group of groups.values()) {
    metrics.addDimensions({ ...group[0]!.dimensions });
    for (const datum of group) metrics.addMetric(datum.name, UNITS[METRICS[datum.name].unit], datum.value);
    metrics.publishStoredMetrics();
  }
}
