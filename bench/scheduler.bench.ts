import { InMemoryInstanceStateStore } from '../lambdas/adapters/dynamodb/instance-state-store';
import { InMemoryLease } from '../lambdas/adapters/dynamodb/lease';
import { InMemorySavingsStore } from '../lambdas/adapters/dynamodb/savings-store';
import { InMemoryFleet } from '../lambdas/adapters/ec2/in-memory-fleet';
import { snapshotPriceBook } from '../lambdas/core/accounting/price-book';
import type { CarbonLookup } from '../lambdas/core/carbon/lookup';
import { resolveConfig } from '../lambdas/core/config/resolve';
import { ScheduleRegistry } from '../lambdas/core/schedule';
import type { InstanceFacts } from '../lambdas/core/scheduler/instance-facts';
import type { ActionIntent } from '../lambdas/core/scheduler/instance-state';
import type { InstanceStateStore, RegionStateChanges } from '../lambdas/core/scheduler/ports';
import { runScheduler, type SchedulerRunResult } from '../lambdas/core/scheduler/run-scheduler';
import { runTime } from '../lambdas/core/scheduler/tick';
import { fakeCarbonLookup } from './fake-carbon';
import { type BenchFigure, peakRssMiB } from './figure';

/**
 * Scheduler at scale: 10,000 tagged instances in 16 regions, every API call (DescribeInstances, StartInstances,
 * StopInstances, the DynamoDB Query and each round of 4 × 25-item BatchWriteItem, the carbon read) delayed 100 ms.
 * Three runs on Monday 2026-03-02: 08:00 (first sight: office-hours and extended-dev start, carbon-aware pauses in
 * dirty regions), 08:05 (nothing changes) and 18:00 (office-hours stop, carbon-aware resume in regions that turned
 * clean). The figures are those of the 18:00 run, plus the writes of the idle 08:05 run.
 */

const LATENCY_MS = 100;
const REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ca-central-1',
  'eu-central-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-north-1',
  'ap-south-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'sa-east-1',
];
const INSTANCES = 10_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Schedule mix: 50% office-hours, 20% extended-dev, 15% carbon-aware, 10% always-on, 5% a bad tag. */
function scheduleOf(i: number): string {
  const k = i % 20;
  if (k < 10) return 'office-hours';
  if (k < 14) return 'extended-dev';
  if (k < 17) return 'carbon-aware';
  if (k < 19) return 'always-on';
  return 'office-hourz';
}

function fleet(): InstanceFacts[] {
  return Array.from({ length: INSTANCES }, (_, i) => ({
    instanceId: `i-${i.toString(16).padStart(17, '0')}`,
    region: REGIONS[i % REGIONS.length]!,
    instanceType: i % 3 === 0 ? 'm5.large' : i % 3 === 1 ? 't3.medium' : 'c6g.large',
    state: 'stopped',
    tags: { Schedule: scheduleOf(i), Name: `bench-${i}` },
    hibernationConfigured: false,
  }));
}

/** Carbon: at 08:00 even-indexed regions are 2× their threshold (dirty), at 18:00 every region is at half of it. */
function carbon(threshold: (region: string) => number, dirtyAt: (now: Date, index: number) => boolean): CarbonLookup {
  return fakeCarbonLookup(threshold, dirtyAt, () => sleep(LATENCY_MS));
}

/** The in-memory store with DynamoDB-like latency: one Query per region, BatchWriteItem 25 items × 4 in flight. */
class SlowStateStore implements InstanceStateStore {
  writes = 0;
  batchWriteCalls = 0;
  constructor(private readonly inner: InMemoryInstanceStateStore) {}

  async loadRegion(region: string) {
    await sleep(LATENCY_MS);
    return this.inner.loadRegion(region);
  }

  async saveRegion(region: string, changes: RegionStateChanges) {
    const items = changes.instances.length + changes.history.length + 1;
    const batches = Math.ceil(items / 25);
    this.batchWriteCalls += batches;
    await sleep(LATENCY_MS * Math.ceil(batches / 4));
    this.writes += changes.instances.length;
    return this.inner.saveRegion(region, changes);
  }

  async recordIntent(region: string, intent: ActionIntent) {
    return this.inner.recordIntent(region, intent);
  }
}

export async function bench(): Promise<BenchFigure[]> {
  const config = resolveConfig({ managedRegions: REGIONS });
  const registry = ScheduleRegistry.fromConfig(config.schedules, config.timezone);
  const ec2 = new InMemoryFleet(fleet(), { latencyMs: LATENCY_MS });
  const store = new SlowStateStore(new InMemoryInstanceStateStore());
  const lease = new InMemoryLease();
  const savings = new InMemorySavingsStore();
  const lookup = carbon(config.thresholdFor, (now, index) => now.getUTCHours() < 12 && index % 2 === 0);
  const prices = snapshotPriceBook();

  const run = async (at: string): Promise<{ result: SchedulerRunResult; wallMs: number; writes: number }> => {
    const { now, tick } = runTime(new Date(at), config.schedulingIntervalMinutes);
    const before = store.writes;
    ec2.calls.length = 0;
    const started = performance.now();
    const result = await runScheduler(
      { now, tick, dryRun: false, config, registry, holder: at, leaseSeconds: 900 },
      { fleet: ec2, states: store, savings, lease, carbon: lookup, prices },
    );
    const wallMs = performance.now() - started;
    ec2.settle();
    return { result, wallMs, writes: store.writes - before };
  };

  await run('2026-03-02T08:00:00Z');
  const idle = await run('2026-03-02T08:05:00Z');
  const evening = await run('2026-03-02T18:00:00Z');
  const calls = (kind: 'describe' | 'start' | 'stop') => ec2.callsOf(kind).length;
  if (evening.result.errors.length > 0) throw new Error(JSON.stringify(evening.result.errors));

  return [
    { name: 'scheduler_10k_wall', value: evening.wallMs / 1000, unit: 's' },
    { name: 'scheduler_10k_describe_calls', value: calls('describe'), unit: 'calls' },
    { name: 'scheduler_10k_start_calls', value: calls('start'), unit: 'calls' },
    { name: 'scheduler_10k_stop_calls', value: calls('stop'), unit: 'calls' },
    { name: 'scheduler_10k_started', value: evening.result.totals.start, unit: 'instances' },
    { name: 'scheduler_10k_stopped', value: evening.result.totals.stop, unit: 'instances' },
    { name: 'scheduler_10k_state_writes', value: evening.writes, unit: 'items' },
    { name: 'scheduler_10k_idle_state_writes', value: idle.writes, unit: 'items' },
    { name: 'scheduler_10k_idle_wall', value: idle.wallMs / 1000, unit: 's' },
    { name: 'scheduler_10k_peak_rss', value: peakRssMiB(), unit: 'MiB' },
  ];
}
