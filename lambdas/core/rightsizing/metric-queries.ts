/**
 * The CloudWatch `GetMetricData` queries the rightsizer asks per instance, and how their ids map back to instances.
 * Shared by the Lambda (which sends them) and the CLI (which prints them for `aws cloudwatch get-metric-data` and
 * reads that command's output back).
 *
 * Per instance, three queries, each one datapoint per UTC day (Period 86,400 s):
 * - `cpu_<id>`: `AWS/EC2` `CPUUtilization`, the configured statistic (p95 by default) of each day;
 * - `avg_<id>`: `AWS/EC2` `CPUUtilization`, `Average` of each day (utilisation for the energy model, CPU-credit rule);
 * - `mem_<id>`: `CWAgent` `mem_used_percent` (dimension InstanceId), `Maximum` of each day (only when the CloudWatch
 *   agent publishes it; no data means "memory not measured").
 * `<id>` is the instance id with `-` replaced by `_` (query ids allow only letters, digits and `_`).
 */

/** What a query measures. */
export type MetricKind = 'cpu' | 'avg' | 'mem';

/** CPU statistics the rightsizer can judge on (config `rightsizing.cpuStatistic`). */
export type CpuStatistic = 'p90' | 'p95' | 'p99' | 'Maximum';

/** One datapoint: ISO-8601 timestamp (start of the period) and value (percent). */
export interface Datapoint {
  readonly timestamp: string;
  readonly value: number;
}

/** The series of one instance, as fetched. Empty arrays mean "no data". */
export interface UtilisationSeries {
  /** Daily CPU statistic (p95 by default), percent. */
  readonly cpu: readonly Datapoint[];
  /** Daily average CPU, percent. */
  readonly cpuAverage: readonly Datapoint[];
  /** Daily maximum of the CloudWatch agent's `mem_used_percent`, percent. */
  readonly memoryUsedPercent: readonly Datapoint[];
}

/** A GetMetricData query, in the shape of the API and of `aws cloudwatch get-metric-data --metric-data-queries`. */
export interface MetricQuery {
  readonly Id: string;
  readonly Label: string;
  readonly MetricStat: {
    readonly Metric: {
      readonly Namespace: string;
      readonly MetricName: string;
      readonly Dimensions: readonly { readonly Name: string; readonly Value: string }[];
    };
    readonly Period: number;
    readonly Stat: string;
  };
  readonly ReturnData: boolean;
}

/** One datapoint per UTC day. */
export const PERIOD_SECONDS = 86_400;
/** Queries per GetMetricData call (API limit). */
export const MAX_QUERIES_PER_CALL = 500;

/** The query id of `kind` for `instanceId`: `cpu_i_0123456789abcdef0`. */
export function queryId(kind: MetricKind, instanceId: string): string {
  return `${kind}_${instanceId.replace(/-/g, '_')}`;
}

/** Inverse of {@link queryId}; undefined for ids not made by it. */
export function parseQueryId(id: string): { kind: MetricKind; instanceId: string } | undefined {
  const match = /^(cpu|avg|mem)_(i_[0-9a-f]+)$/.exec(id);
  if (!match) return undefined;
  return { kind: match[1] as MetricKind, instanceId: match[2]!.replace('_', '-') };
}

/** The three queries for one instance (see the module comment). */
export function metricQueriesFor(instanceId: string, statistic: CpuStatistic): MetricQuery[] {
  const dimensions = [{ Name: 'InstanceId', Value: instanceId }];
  const query = (kind: MetricKind, namespace: string, metric: string, stat: string): MetricQuery => ({
    Id: queryId(kind, instanceId),
    Label: `${instanceId} ${metric} ${stat}`,
    MetricStat: {
      Metric: { Namespace: namespace, MetricName: metric, Dimensions: dimensions },
      Period: PERIOD_SECONDS,
      Stat: stat,
    },
    ReturnData: true,
  });
  return [
    query('cpu', 'AWS/EC2', 'CPUUtilization', statistic),
    query('avg', 'AWS/EC2', 'CPUUtilization', 'Average'),
    query('mem', 'CWAgent', 'mem_used_percent', 'Maximum'),
  ];
}

/** Results by query id → series by instance id (instances without results get empty series). */
export function seriesByInstance(
  instanceIds: Iterable<string>,
  results: ReadonlyMap<string, readonly Datapoint[]>,
): Map<string, UtilisationSeries> {
  const map = new Map<string, UtilisationSeries>();
  for (const instanceId of instanceIds) {
    map.set(instanceId, {
      cpu: results.get(queryId('cpu', instanceId)) ?? [],
      cpuAverage: results.get(queryId('avg', instanceId)) ?? [],
      memoryUsedPercent: results.get(queryId('mem', instanceId)) ?? [],
    });
  }
  return map;
}

/**
 * The analysis window: `lookbackDays` whole UTC days ending at the start of `now`'s UTC day (today, incomplete, is
 * left out so every datapoint is a full day).
 */
export function analysisWindow(now: Date, lookbackDays: number): { start: Date; end: Date } {
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  return { start: new Date(end.getTime() - lookbackDays * PERIOD_SECONDS * 1000), end };
}
