import { type Datapoint, parseQueryId } from './metric-queries';

/** A metrics export that does not have the expected shape. */
export class MetricsExportError extends Error {
  constructor(source: string, detail: string) {
    super(
      `${source}: ${detail}; expected the JSON printed by "aws cloudwatch get-metric-data" ({"MetricDataResults": ` +
        '[{"Id": "cpu_i_0123…", "Timestamps": [...], "Values": [...]}]}) run with the queries of ' +
        '"carbon-scheduler rightsizing --print-queries"',
    );
    this.name = 'MetricsExportError';
  }
}

/**
 * Datapoints by query id from one or more `aws cloudwatch get-metric-data` outputs (the CLI merges the pages of a
 * call into one `MetricDataResults` list; several files are merged too). Ids that are not rightsizing query ids
 * (`cpu_`, `avg_`, `mem_` + instance id) are ignored and counted.
 * @throws {MetricsExportError} when a document is not a get-metric-data output or a result is malformed
 */
export function parseMetricsExport(documents: readonly { source: string; json: unknown }[]): {
  series: Map<string, Datapoint[]>;
  ignoredIds: string[];
} {
  const series = new Map<string, Datapoint[]>();
  const ignoredIds: string[] = [];
  for (const { source, json } of documents) {
    const results = (json as { MetricDataResults?: unknown } | null)?.MetricDataResults;
    if (!Array.isArray(results)) throw new MetricsExportError(source, 'no "MetricDataResults" array');
    results.forEach((result: unknown, index) => {
      const r = result as { Id?: unknown; Timestamps?: unknown; Values?: unknown };
      if (typeof r?.Id !== 'string') throw new MetricsExportError(source, `MetricDataResults[${index}] has no "Id"`);
      if (!parseQueryId(r.Id)) {
        ignoredIds.push(r.Id);
        return;
      }
      const timestamps = Array.isArray(r.Timestamps) ? r.Timestamps : [];
      const values = Array.isArray(r.Values) ? r.Values : [];
      if (timestamps.length !== values.length) {
        throw new MetricsExportError(source, `${r.Id}: ${timestamps.length} Timestamps but ${values.length} Values`);
      }
      const list = series.get(r.Id) ?? [];
      timestamps.forEach((timestamp: unknown, i) => {
        const ms =
          typeof timestamp === 'string' || typeof timestamp === 'number' ? new Date(timestamp).getTime() : Number.NaN;
        const value = values[i];
        if (Number.isNaN(ms) || typeof value !== 'number' || !Number.isFinite(value)) {
          throw new MetricsExportError(
            source,
            `${r.Id}: datapoint ${i} (${JSON.stringify(timestamp)}, ${JSON.stringify(value)}) is not a time and a number`,
          );
        }
        list.push({ timestamp: new Date(ms).toISOString(), value });
      });
      series.set(r.Id, list);
    });
  }
  return { series, ignoredIds };
}
