import type { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { fetchMetricData } from '../lambdas/adapters/cloudwatch/metric-data';
import { InMemoryRecommendationStore } from '../lambdas/adapters/dynamodb/recommendation-store';
import { snapshotPriceBook } from '../lambdas/core/accounting/price-book';
import { parseQueryId } from '../lambdas/core/rightsizing/metric-queries';
import { type DiscoveredInstance, runRightsizing, snapshotInstanceTypeFacts } from '../lambdas/core/rightsizing/run';
import type { BenchFigure } from './figure';

/** Simulated GetMetricData latency per call (a 500-query call answers in a few hundred ms in practice). */
const LATENCY_MS = Number(process.env.LAT ?? 200);
const INSTANCES = 10_000;
const TYPES = ['m5.2xlarge', 'm5.xlarge', 'c5.xlarge', 'r5.large', 't3.large', 'm6i.xlarge', 'c6i.2xlarge', 'm5.large'];
const SCHEDULES = ['office-hours', 'extended-dev', 'always-on', 'carbon-aware'];
const DAYS = Array.from({ length: 14 }, (_, i) => new Date(Date.UTC(2026, 10, 2 + i)));

/** A CloudWatch client stand-in: 14 daily values per query after LATENCY_MS. */
function fakeCloudWatch(counter: { calls: number; maxQueries: number }): CloudWatchClient {
  return {
    send: async (command: GetMetricDataCommand) => {
      counter.calls += 1;
      const queries = command.input.MetricDataQueries ?? [];
      counter.maxQueries = Math.max(counter.maxQueries, queries.length);
      await new Promise((resolve) => setTimeout(resolve, LATENCY_MS));
      return {
        MetricDataResults: queries.map((q, i) => {
          const kind = parseQueryId(q.Id ?? '')?.kind;
          const base = kind === 'cpu' ? 8 + (i % 50) : kind === 'avg' ? 3 + (i % 20) : 20 + (i % 60);
          return { Id: q.Id, Timestamps: DAYS, Values: DAYS.map((_, d) => base + (d % 3)), StatusCode: 'Complete' };
        }),
      };
    },
  } as unknown as CloudWatchClient;
}

export async function bench(): Promise<BenchFigure[]> {
  const instances: DiscoveredInstance[] = Array.from({ length: INSTANCES }, (_, i) => ({
    instanceId: `i-${(0x10000000 + i).toString(16)}`,
    region: i % 2 === 0 ? 'eu-central-1' : 'us-east-1',
    instanceType: TYPES[i % TYPES.length]!,
    tags: { Schedule: SCHEDULES[i % SCHEDULES.length]!, ...(i % 3 === 0 ? { Rightsize: 'auto' } : {}) },
    state: 'running',
  }));
  const counter = { calls: 0, maxQueries: 0 };
  const client = fakeCloudWatch(counter);
  const store = new InMemoryRecommendationStore();
  const started = performance.now();
  const result = await runRightsizing(
    {
      listInstances: async (region) => instances.filter((i) => i.region === region),
      instanceTypes: async () => snapshotInstanceTypeFacts(),
      fetchMetrics: (_region, queries, window) => fetchMetricData(client, queries, window.start, window.end),
      prices: snapshotPriceBook(),
      carbonIntensity: () => ({ gCO2ePerKWh: 350, source: 'bench' }),
      pueFor: () => 1.135,
      store,
    },
    {
      regions: ['eu-central-1', 'us-east-1'],
      settings: {
        lookbackDays: 14,
        cpuStatistic: 'p95',
        targetCpuPercent: 60,
        memoryHeadroomPercent: 20,
        minCoveragePercent: 80,
      },
      defaultMode: 'recommend',
      now: new Date('2026-11-16T03:30:00Z'),
      dryRun: false,
    },
  );
  const wallMs = performance.now() - started;
  const instanceMetrics = INSTANCES * 3;
  const recommendations = result.regions.reduce((sum, r) => sum + r.recommendations, 0);
  return [
    { name: 'rightsizing_10k_wall', value: Math.round(wallMs), unit: 'ms' },
    { name: 'rightsizing_10k_getmetricdata_calls', value: counter.calls, unit: 'calls' },
    { name: 'rightsizing_10k_instance_metrics_per_call', value: instanceMetrics / counter.calls, unit: 'queries' },
    { name: 'rightsizing_10k_max_queries_per_call', value: counter.maxQueries, unit: 'queries' },
    { name: 'rightsizing_10k_recommendations', value: recommendations, unit: 'instances' },
  ];
}
