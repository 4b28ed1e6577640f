import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS, METRICS_LOG_MESSAGE, type MetricDatum } from '../../contract';

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

/** Data grouped by their dimension values (names sorted), in first-seen order. */
function byDimensionValues(data: readonly MetricDatum[]): MetricDatum[][] {
  const groups = new Map<string, MetricDatum[]>();
  for (const datum of data) {
    const key = JSON.stringify(Object.entries(datum.dimensions).sort(([a], [b]) => a.localeCompare(b)));
    const group = groups.get(key) ?? [];
    group.push(datum);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/**
 * The one metrics publisher of every handler. Each datum goes where its catalogue entry says
 * (lambdas/contract/metrics.ts, `use`):
 *
 * - `alarm`: CloudWatch Embedded Metric Format through Powertools, one EMF document per distinct set of dimension
 *   values (Powertools adds the function's `service` dimension to each), the unit from the catalogue;
 * - `log`: one JSON line on standard output (CloudWatch Logs) per distinct set of dimension values, with message
 *   `metrics`, the emitting function's service, the dimension values and the figures as top-level fields
 *   (`{"message":"metrics","service":"scheduler","Region":"eu-west-1","InstanceStartup":3}`), read by the dashboard's
 *   Logs Insights widgets. Written like EMF, whatever the logger's level, so the dashboard does not depend on
 *   `POWERTOOLS_LOG_LEVEL`. A `Count` of 0 is left out (a sum over no line is 0), and a line with nothing left is
 *   not written, so an idle run logs only the figures that carry information.
 *
 * Nothing is written for no data.
 *
 * @throws {UncataloguedMetricError} before writing anything, when a datum's dimension names are not a set the
 *   catalogue lists for its metric (the dashboard and the alarms would never see it)
 */
export function publishMetrics(metrics: Metrics, data: readonly MetricDatum[]): void {
  for (const datum of data) assertCatalogued(datum);
  for (const group of byDimensionValues(data.filter((d) => METRICS[d.name].use === 'alarm'))) {
    metrics.addDimensions({ ...group[0]!.dimensions });
    for (const datum of group) metrics.addMetric(datum.name, UNITS[METRICS[datum.name].unit], datum.value);
    metrics.publishStoredMetrics();
  }
  const logged = data.filter(
    (d) => METRICS[d.name].use === 'log' && !(METRICS[d.name].unit === 'Count' && d.value === 0),
  );
  for (const group of byDimensionValues(logged)) {
    const fields: Record<string, string | number> = {
      message: METRICS_LOG_MESSAGE,
      service: METRICS[group[0]!.name].service,
      ...group[0]!.dimensions,
    };
    for (const datum of group) fields[datum.name] = datum.value;
    process.stdout.write(`${JSON.stringify(fields)}\n`);
  }
}
