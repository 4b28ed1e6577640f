import { Duration } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import { METRICS, METRICS_LOG_MESSAGE, type MetricName } from '../../lambdas/contract';

/** Small helpers that build the dashboard's widgets from the metric catalogue. */

/** One product metric with explicit dimension values (the `service` dimension is added from the catalogue). */
export function productMetric(
  namespace: string,
  name: MetricName,
  dimensions: Record<string, string>,
  options: { statistic?: string; period?: Duration; label?: string; region?: string } = {},
): cw.Metric {
  return new cw.Metric({
    namespace,
    metricName: name,
    dimensionsMap: { service: METRICS[name].service, ...dimensions },
    statistic: options.statistic ?? 'Sum',
    period: options.period ?? Duration.minutes(5),
    label: options.label,
    region: options.region,
  });
}

/**
 * A CloudWatch SEARCH over every dimension value of one product metric, e.g. every Region; the number of lines
 * follows the regions and actions that actually reported, without redeploying the dashboard.
 */
export function searchMetric(
  namespace: string,
  name: MetricName,
  statistic: string,
  period: Duration,
  label = '',
): cw.MathExpression {
  const dims = ['service', ...METRICS[name].dimensions].join(',');
  return new cw.MathExpression({
    expression: `SEARCH('{${namespace},${dims}} MetricName="${name}"', '${statistic}', ${period.toSeconds()})`,
    label,
    period,
  });
}

/** A markdown text widget spanning the dashboard's width. */
export function markdown(text: string, height = 6): cw.TextWidget {
  return new cw.TextWidget({ markdown: text, width: 24, height });
}

/** A single-value widget over its own time window (independent of the dashboard's range). */
export function singleValue(title: string, metrics: cw.IMetric[], start: string): cw.SingleValueWidget {
  return new cw.SingleValueWidget({ title, metrics, width: 8, height: 4, start, fullPrecision: false });
}

/** A line graph. */
export function graph(
  title: string,
  left: cw.IMetric[],
  options: {
    width?: number;
    height?: number;
    annotations?: cw.HorizontalAnnotation[];
    stacked?: boolean;
    leftLabel?: string;
  } = {},
): cw.GraphWidget {
  return new cw.GraphWidget({
    title,
    left,
    width: options.width ?? 12,
    height: options.height ?? 6,
    leftAnnotations: options.annotations,
    stacked: options.stacked ?? false,
    leftYAxis: { label: options.leftLabel, showUnits: false, min: 0 },
    legendPosition: cw.LegendPosition.BOTTOM,
  });
}

/**
 * A Logs Insights query over the `metrics` log lines of the functions (lambdas/adapters/metrics/publish.ts): the
 * lines carrying every field of `fields`, then `query` (the rest of the pipeline: `stats …`). The catalogue's `log`
 * figures are read this way (they are not CloudWatch metrics); `test/integration/metrics-contract.test.ts` checks that
 * every field a query reads appears in the captured `metrics` lines.
 */
export function metricsLogQuery(fields: readonly string[], query: string, extraFilter = ''): string {
  const present = fields.map((field) => `ispresent(${field})`).join(' and ');
  return [
    `filter message = '${METRICS_LOG_MESSAGE}' and ${present}${extraFilter ? ` and ${extraFilter}` : ''}`,
    query,
  ].join('\n| ');
}

/** A Logs Insights widget (a line chart by default) over `logGroupNames`. */
export function logQuery(
  title: string,
  logGroupNames: string[],
  queryString: string,
  options: { width?: number; height?: number; view?: cw.LogQueryVisualizationType } = {},
): cw.LogQueryWidget {
  return new cw.LogQueryWidget({
    title,
    logGroupNames,
    queryString,
    view: options.view ?? cw.LogQueryVisualizationType.LINE,
    width: options.width ?? 8,
    height: options.height ?? 6,
  });
}
