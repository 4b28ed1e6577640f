import { type CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import pLimit from 'p-limit';
import { type Datapoint, MAX_QUERIES_PER_CALL, type MetricQuery } from '../../core/rightsizing/metric-queries';

/** What one {@link fetchMetricData} run returned. */
export interface MetricDataResult {
  /** Datapoints by query id (ids without data are absent). */
  readonly series: Map<string, Datapoint[]>;
  /** GetMetricData calls made (pages included). */
  readonly calls: number;
  /** Queries that failed (a call threw, or CloudWatch answered `Forbidden`/`InternalError` for them), by query id. */
  readonly failures: Map<string, string>;
}

/** Options of {@link fetchMetricData}. */
export interface FetchMetricDataOptions {
  /** Queries per call, at most 500 (the API limit). */
  readonly maxQueriesPerCall?: number;
  /** Parallel calls (default 4; GetMetricData allows 50 TPS per account and region). */
  readonly concurrency?: number;
}

/**
 * Run GetMetricData for `queries` over [start, end): batches of up to 500 queries per call, each batch paginated
 * with NextToken until done, batches in parallel. Never throws for a failing batch: its query ids land in
 * `failures` with the error, so the caller records "no data because …" for those instances.
 */
export async function fetchMetricData(
  client: CloudWatchClient,
  queries: readonly MetricQuery[],
  start: Date,
  end: Date,
  options: FetchMetricDataOptions = {},
): Promise<MetricDataResult> {
  const perCall = Math.min(MAX_QUERIES_PER_CALL, Math.max(1, options.maxQueriesPerCall ?? MAX_QUERIES_PER_CALL));
  const limit = pLimit(options.concurrency ?? 4);
  const series = new Map<string, Datapoint[]>();
  const failures = new Map<string, string>();
  let calls = 0;
  const batches: MetricQuery[][] = [];
  for (let i = 0; i < queries.length; i += perCall) batches.push(queries.slice(i, i + perCall));

  await Promise.all(
    batches.map((batch) =>
      limit(async () => {
        let nextToken: string | undefined;
        try {
          do {
            calls += 1;
            const response = await client.send(
              new GetMetricDataCommand({
                MetricDataQueries: batch as unknown as MetricDataQuery[],
                StartTime: start,
                EndTime: end,
                ScanBy: 'TimestampAscending',
                ...(nextToken ? { NextToken: nextToken } : {}),
              }),
            );
            for (const result of response.MetricDataResults ?? []) {
              if (!result.Id) continue;
              if (result.StatusCode === 'Forbidden' || result.StatusCode === 'InternalError') {
                failures.set(result.Id, `CloudWatch answered ${result.StatusCode} for ${result.Label ?? result.Id}`);
                continue;
              }
              const timestamps = result.Timestamps ?? [];
              const values = result.Values ?? [];
              if (timestamps.length === 0) continue;
              const list = series.get(result.Id) ?? [];
              timestamps.forEach((timestamp, index) => {
                const value = values[index];
                if (value !== undefined) list.push({ timestamp: new Date(timestamp).toISOString(), value });
              });
              series.set(result.Id, list);
            }
            nextToken = response.NextToken;
          } while (nextToken);
        } catch (error) {
          const message = `GetMetricData failed: ${(error as Error).name}: ${(error as Error).message}`;
          for (const query of batch) if (!series.has(query.Id)) failures.set(query.Id, message);
        }
      }),
    ),
  );
  return { series, calls, failures };
}
