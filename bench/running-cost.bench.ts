import { dirname } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { HISTORY_RETENTION_DAYS, InMemoryInstanceStateStore } from '../lambdas/adapters/dynamodb/instance-state-store';
import { InMemoryLease } from '../lambdas/adapters/dynamodb/lease';
import { InMemorySavingsStore } from '../lambdas/adapters/dynamodb/savings-store';
import { InMemoryFleet } from '../lambdas/adapters/ec2/in-memory-fleet';
import { LAMBDA_TASK_ROOT_ENV, TABLE_NAME_ENV } from '../lambdas/contract';
import { snapshotPriceBook } from '../lambdas/core/accounting/price-book';
import type { CarbonLookup } from '../lambdas/core/carbon/lookup';
import { resolveConfig } from '../lambdas/core/config/resolve';
import type { ConfigInput } from '../lambdas/core/config/schema';
import type { InstanceFacts } from '../lambdas/core/scheduler/instance-facts';
import type { ActionIntent } from '../lambdas/core/scheduler/instance-state';
import type {
  InstanceStateStore,
  Lease,
  RegionStateChanges,
  SavingsAmount,
  SavingsIncrement,
  SavingsStore,
} from '../lambdas/core/scheduler/ports';
import { createSchedulerHandler, schedulerWiringFromEnvironment } from '../lambdas/handlers/scheduler';
import { liveCarbonRegions } from '../lib/app';
import { writeFunctionConfig } from '../lib/function-config';
import { fakeCarbonLookup } from './fake-carbon';
import type { BenchFigure } from './figure';
import { type DeploymentInventory, deploymentInventory } from './inventory';
import {
  alarmMetrics,
  customMetricSeries,
  type DeploymentShape,
  dynamoItemSizeBytes,
  eventuallyConsistentReadUnits,
  type FunctionLoad,
  HOURS_PER_MONTH,
  monthlyRunningCost,
  type RegionUnitPrices,
  type RunningCost,
  UNIT_PRICES,
  writeUnits,
} from './running-cost-model';

/**
 * The product's monthly running cost at 100 and 10,000 instances (docs/running-cost.md), from the scheduler's
 * MEASURED load: the real scheduler handler (Powertools logger and EMF metrics included) runs every 5 minutes over a
 * simulated weekday and a weekend day against in-memory fakes that count what DynamoDB would bill (item sizes by
 * DynamoDB's rules) and the bytes written to the log. Durations: CPU time of every run here, scaled to a 1024 MB arm64
 * Lambda, plus the AWS call latency measured on sample runs with 200 ms per EC2 call and 15 ms per DynamoDB call.
 * The other functions' loads are stated assumptions (see ASSUMPTIONS), independent of the fleet except the rightsizer.
 */

/** Reference deployment: three managed regions, the default five worker regions, every provider. */
const CONFIG: ConfigInput = {
  homeRegion: 'eu-central-1',
  managedRegions: ['eu-central-1', 'eu-west-1', 'us-east-1'],
};
/** Instance Scheduler on AWS, the peer: its implementation guide's cost section (docs/running-cost.md). */
const INSTANCE_SCHEDULER_PEER = '$13.15 (small deployment, 2 accounts × 2 regions, us-east-1)';
const EC2_LATENCY_MS = 200;
const DYNAMODB_LATENCY_MS = 15;
const SCHEDULER_MEMORY_MB = 1024;
/** Lambda gives a full vCPU at 1,769 MB; at 1,024 MB a function gets 1024/1769 of one, so CPU time stretches. */
const CPU_SCALE = 1769 / SCHEDULER_MEMORY_MB;
/** START, END and REPORT lines Lambda writes per invocation, bytes (typical lengths). */
const PLATFORM_LOG_BYTES = 420;
/** CloudWatch Logs bills 26 bytes of metadata per log event. */
const LOG_EVENT_OVERHEAD_BYTES = 26;
const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;
const WEEKDAYS_PER_MONTH = (DAYS_PER_MONTH * 5) / 7;
const WEEKEND_DAYS_PER_MONTH = (DAYS_PER_MONTH * 2) / 7;

/** Stated loads of the functions this bench does not run (docs/running-cost.md explains each). */
export const ASSUMPTIONS = {
  fetcherBilledMs: 1500,
  fetcherMemoryMB: 512,
  fetcherLogBytesPerRun: 3000,
  /** LATEST + READING# item per region (≤ 1 KB each) and a 72-point forecast item (~2 KB → 2 WRU). */
  fetcherWriteUnitsPerRegionPerRun: 4,
  rightsizerBaseMs: 3000,
  rightsizerMsPerInstance: 2,
  rightsizerMemoryMB: 1024,
  /** CPU statistic, daily average and memory (CloudWatch agent) per instance and run. */
  rightsizerMetricsPerInstance: 3,
  /** A recommendation item is 1–2 KB. */
  rightsizerWriteUnitsPerInstance: 2,
  rightsizerLogBytesPerInstance: 300,
  jobsPerMonth: 1000,
  dispatcherBilledMs: 400,
  dispatcherMemoryMB: 512,
  dispatcherWriteUnitsPerJob: 4,
  recorderBilledMs: 100,
  recorderMemoryMB: 256,
  jobLogBytes: 3000,
  logRetentionDays: 30,
  /** The dashboard opened twice a day; each view runs every Logs Insights widget over the default 7 days. */
  dashboardViewsPerMonth: 60,
  dashboardRangeDays: 7,
  /** CloudWatch Logs stores log data compressed; ~0.15 of the ingested bytes for JSON logs. */
  logCompressionRatio: 0.15,
} as const;

const sleep = (ms: number) => (ms > 0 ? new Promise<void>((resolve) => setTimeout(resolve, ms)) : Promise.resolve());

/** Schedule mix: 50% office-hours, 20% extended-dev, 15% carbon-aware, 10% always-on, 5% a bad tag. */
function scheduleOf(i: number): string {
  const k = i % 20;
  if (k < 10) return 'office-hours';
  if (k < 14) return 'extended-dev';
  if (k < 17) return 'carbon-aware';
  if (k < 19) return 'always-on';
  return 'office-hourz';
}

function fleet(size: number, regions: readonly string[]): InstanceFacts[] {
  return Array.from({ length: size }, (_, i) => ({
    instanceId: `i-${i.toString(16).padStart(17, '0')}`,
    region: regions[i % regions.length]!,
    instanceType: i % 3 === 0 ? 'm5.large' : i % 3 === 1 ? 't3.medium' : 'c6g.large',
    state: 'stopped',
    tags: { Schedule: scheduleOf(i), Name: `bench-${i}` },
    hibernationConfigured: false,
  }));
}

/** DynamoDB usage the fakes count, in billed units. */
class Meter {
  writeUnits = 0;
  readUnits = 0;
  latencyMs = 0;
  historyItems = 0;
  historyBytes = 0;
  async call(): Promise<void> {
    await sleep(this.latencyMs);
  }
}

/** The state store in memory, billing what DynamoDB would: one Query per region, BatchWriteItem of changed items. */
class MeteredStateStore implements InstanceStateStore {
  readonly inner = new InMemoryInstanceStateStore();
  constructor(private readonly meter: Meter) {}

  async loadRegion(region: string) {
    await this.meter.call();
    const state = await this.inner.loadRegion(region);
    let bytes = 0;
    for (const record of state.instances.values()) {
      bytes += dynamoItemSizeBytes({
        pk: `INSTANCE#${region}`,
        sk: record.instanceId,
        kind: 'instance-state',
        ...record,
      });
    }
    this.meter.readUnits += eventuallyConsistentReadUnits(bytes);
    return state;
  }

  async saveRegion(region: string, changes: RegionStateChanges, now: Date) {
    const items = [
      ...changes.instances.map((r) => ({ pk: `INSTANCE#${region}`, sk: r.instanceId, kind: 'instance-state', ...r })),
      { pk: `INSTANCE#${region}`, sk: '#run', kind: 'region-run', ...changes.run },
    ];
    const history = changes.history.map((h) => ({
      pk: `HISTORY#${h.region}#${h.instanceId}`,
      sk: `${h.at}#${h.action}`,
      kind: 'history',
      ...h,
      expiresAt: Math.floor(now.getTime() / 1000),
    }));
    for (const item of [...items, ...history]) this.meter.writeUnits += writeUnits(dynamoItemSizeBytes(item));
    this.meter.historyItems += history.length;
    for (const item of history) this.meter.historyBytes += dynamoItemSizeBytes(item);
    const batches = Math.ceil((items.length + history.length) / 25);
    await sleep(this.meter.latencyMs * Math.ceil(batches / 4));
    return this.inner.saveRegion(region, changes);
  }

  async recordIntent(region: string, intent: ActionIntent) {
    return this.inner.recordIntent(region, intent);
  }
}

class MeteredSavingsStore implements SavingsStore {
  private readonly inner = new InMemorySavingsStore();
  constructor(private readonly meter: Meter) {}
  async add(day: string, region: string, increment: SavingsIncrement, _now: Date) {
    await this.meter.call();
    this.meter.writeUnits += 1;
    await this.inner.add(day, region, increment);
  }
  /** Three UpdateItem ADDs (day, month, all-time totals). */
  async addRunningTotals(increment: SavingsAmount, now: Date) {
    await this.meter.call();
    this.meter.writeUnits += 3;
    return this.inner.addRunningTotals(increment, now);
  }
}

class MeteredLease implements Lease {
  private readonly inner = new InMemoryLease();
  constructor(private readonly meter: Meter) {}
  async acquire(holder: string, now: Date, ttlSeconds: number) {
    await this.meter.call();
    this.meter.writeUnits += 1;
    return this.inner.acquire(holder, now, ttlSeconds);
  }
  async release(holder: string) {
    await this.meter.call();
    this.meter.writeUnits += 1;
    return this.inner.release(holder);
  }
}

/** Carbon from the cache (one BatchGetItem): even-indexed regions are 2× their threshold from 11:00 to 15:00 UTC. */
function carbonLookup(meter: Meter, threshold: (region: string) => number): CarbonLookup {
  const dirty = (now: Date, index: number) => now.getUTCHours() >= 11 && now.getUTCHours() < 15 && index % 2 === 0;
  return fakeCarbonLookup(threshold, dirty, async (regions) => {
    await meter.call();
    meter.readUnits += 0.5 * regions.length;
  });
}

/** Bytes the process writes to stdout while `fn` runs (Powertools logs and EMF go there), swallowed. */
async function captureStdout<T>(fn: () => Promise<T>): Promise<{ value: T; bytes: number; lines: number }> {
  const original = process.stdout.write.bind(process.stdout);
  let bytes = 0;
  let lines = 0;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    bytes += Buffer.byteLength(text);
    lines += text.split('\n').filter((l) => l.trim() !== '').length;
    return true;
  }) as typeof process.stdout.write;
  try {
    return { value: await fn(), bytes, lines };
  } finally {
    process.stdout.write = original;
  }
}

interface Environment {
  readonly meter: Meter;
  readonly ec2: InMemoryFleet;
  readonly invoke: (at: string) => Promise<{ wallMs: number; logBytes: number; logLines: number; acted: boolean }>;
}

function environment(size: number, latency: boolean): Environment {
  const config = resolveConfig(CONFIG);
  const meter = new Meter();
  meter.latencyMs = latency ? DYNAMODB_LATENCY_MS : 0;
  const ec2 = new InMemoryFleet(fleet(size, config.managedRegions), { latencyMs: latency ? EC2_LATENCY_MS : 0 });
  const states = new MeteredStateStore(meter);
  const ports = {
    fleet: ec2,
    states,
    savings: new MeteredSavingsStore(meter),
    lease: new MeteredLease(meter),
    carbon: carbonLookup(meter, config.thresholdFor),
    prices: snapshotPriceBook(),
  };
  const logger = new Logger({ serviceName: 'scheduler', logLevel: 'INFO' });
  logger.addContext({
    functionName: 'carbon-aware-scheduler-Scheduler',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-central-1:123456789012:function:carbon-aware-scheduler-Scheduler',
    memoryLimitInMB: String(SCHEDULER_MEMORY_MB),
    awsRequestId: '3f1c6a0e-1b7a-4c1e-9a55-0d2b6c1f8e21',
  } as never);
  const metrics = new Metrics({ namespace: 'CarbonAwareScheduler', serviceName: 'scheduler' });
  let at = '';
  const handler = createSchedulerHandler(
    schedulerWiringFromEnvironment(
      { [LAMBDA_TASK_ROOT_ENV]: dirname(writeFunctionConfig(resolveConfig(CONFIG))), [TABLE_NAME_ENV]: 'bench' },
      { clock: () => new Date(at), ports: () => ports, telemetry: { metrics, logger } },
    ),
  );
  return {
    meter,
    ec2,
    invoke: async (time) => {
      at = time;
      const before = ec2.calls.length;
      const started = performance.now();
      const { value, bytes, lines } = await captureStdout(() =>
        handler(
          { dryRun: false, confirmRealRun: true },
          { awsRequestId: `bench-${time}`, getRemainingTimeInMillis: () => 300_000 },
        ),
      );
      const wallMs = performance.now() - started;
      ec2.settle();
      const acted =
        ec2.calls.slice(before).some((c) => c.kind !== 'describe') || value.totals.start + value.totals.stop > 0;
      return { wallMs, logBytes: bytes, logLines: lines, acted };
    },
  };
}

/** Every 5-minute tick of a UTC day. */
function ticks(day: string): string[] {
  const start = Date.parse(`${day}T00:00:00Z`);
  return Array.from({ length: 288 }, (_, i) => new Date(start + i * 300_000).toISOString());
}

interface RunLoad {
  readonly time: string;
  readonly acted: boolean;
  readonly cpuMs: number;
  readonly writeUnits: number;
  readonly readUnits: number;
  readonly logBytes: number;
  readonly historyItems: number;
  readonly historyBytes: number;
}

interface DayLoad {
  runs: number;
  actionRuns: number;
  cpuMs: number;
  writeUnits: number;
  readUnits: number;
  logBytes: number;
  historyItems: number;
  historyBytes: number;
  /** Ticks whose run acted (started, stopped or resized something). */
  actionTicks: string[];
}

async function runAt(env: Environment, time: string): Promise<RunLoad> {
  const m = env.meter;
  const before = { w: m.writeUnits, r: m.readUnits, h: m.historyItems, hb: m.historyBytes };
  const run = await env.invoke(time);
  return {
    time,
    acted: run.acted,
    cpuMs: run.wallMs,
    writeUnits: m.writeUnits - before.w,
    readUnits: m.readUnits - before.r,
    logBytes: run.logBytes + run.logLines * LOG_EVENT_OVERHEAD_BYTES + PLATFORM_LOG_BYTES,
    historyItems: m.historyItems - before.h,
    historyBytes: m.historyBytes - before.hb,
  };
}

/**
 * One UTC day of 5-minute runs. With `actionTicks` (the ticks that acted in a smaller fleet of the same mix, whose
 * transitions fall on the same ticks), only those ticks and a few idle ones are run, and the day's idle runs are
 * counted as the mean of the idle ones measured: the state between transitions does not change, so idle runs repeat.
 */
async function simulateDay(env: Environment, day: string, actionTicks?: readonly string[]): Promise<DayLoad> {
  const all = ticks(day);
  let measured: RunLoad[];
  if (actionTicks === undefined) {
    measured = [];
    for (const time of all) measured.push(await runAt(env, time));
  } else {
    const acting = new Set(actionTicks.map((t) => t.slice(11)));
    const idle = all.filter((t) => !acting.has(t.slice(11))).filter((_, i) => i % 48 === 7);
    const chosen = [...new Set([...all.filter((t) => acting.has(t.slice(11))), ...idle])].sort();
    measured = [];
    for (const time of chosen) measured.push(await runAt(env, time));
  }
  const acted = measured.filter((r) => r.acted);
  const idleRuns = measured.filter((r) => !r.acted);
  const idleCount = all.length - acted.length;
  const sum = (runs: readonly RunLoad[], pick: (r: RunLoad) => number) => runs.reduce((t, r) => t + pick(r), 0);
  const dayTotal = (pick: (r: RunLoad) => number) =>
    sum(acted, pick) + (idleRuns.length > 0 ? (sum(idleRuns, pick) / idleRuns.length) * idleCount : 0);
  return {
    runs: all.length,
    actionRuns: acted.length,
    cpuMs: dayTotal((r) => r.cpuMs),
    writeUnits: dayTotal((r) => r.writeUnits),
    readUnits: dayTotal((r) => r.readUnits),
    logBytes: dayTotal((r) => r.logBytes),
    historyItems: dayTotal((r) => r.historyItems),
    historyBytes: dayTotal((r) => r.historyBytes),
    actionTicks: acted.map((r) => r.time),
  };
}

/** AWS-call latency a run adds: wall time with latency minus wall time without, on the same runs. */
async function latencyOverheadMs(size: number): Promise<{ idleMs: number; actionMs: number }> {
  const measure = async (latency: boolean) => {
    const env = environment(size, latency);
    await env.invoke('2026-03-01T23:55:00.000Z');
    const samples: Record<string, number> = {};
    for (const time of [
      '2026-03-02T07:00:00.000Z',
      '2026-03-02T08:00:00.000Z',
      '2026-03-02T12:00:00.000Z',
      '2026-03-02T18:00:00.000Z',
    ]) {
      samples[time] = (await env.invoke(time)).wallMs;
    }
    return samples;
  };
  const slow = await measure(true);
  const fast = await measure(false);
  const delta = (time: string) => Math.max(0, slow[time]! - fast[time]!);
  return {
    idleMs: delta('2026-03-02T12:00:00.000Z'),
    actionMs:
      (delta('2026-03-02T07:00:00.000Z') + delta('2026-03-02T08:00:00.000Z') + delta('2026-03-02T18:00:00.000Z')) / 3,
  };
}

/**
 * The scheduler's measured monthly load at `size` instances: a Monday and a Saturday of 5-minute runs after a
 * first-sight run on Sunday night; `sampleFrom` (the load of a smaller fleet) limits the runs to its acting ticks and
 * idle samples.
 */
async function schedulerLoad(size: number, sampleFrom?: { weekday: DayLoad; weekend: DayLoad }) {
  const env = environment(size, false);
  await env.invoke('2026-03-01T23:55:00.000Z'); // first sight of every instance (not counted)
  const weekday = await simulateDay(env, '2026-03-02', sampleFrom?.weekday.actionTicks);
  const weekend = await simulateDay(env, '2026-03-07', sampleFrom?.weekend.actionTicks);
  const latency = await latencyOverheadMs(size);
  const perMonth = (pick: (d: DayLoad) => number) =>
    pick(weekday) * WEEKDAYS_PER_MONTH + pick(weekend) * WEEKEND_DAYS_PER_MONTH;
  const invocations = perMonth((d) => d.runs);
  const actionRuns = perMonth((d) => d.actionRuns);
  const billedMs =
    perMonth((d) => d.cpuMs) * CPU_SCALE + (invocations - actionRuns) * latency.idleMs + actionRuns * latency.actionMs;
  return {
    invocations,
    avgBilledMs: billedMs / invocations,
    writeUnits: perMonth((d) => d.writeUnits),
    readUnits: perMonth((d) => d.readUnits),
    logBytes: perMonth((d) => d.logBytes),
    historyItemsPerMonth: perMonth((d) => d.historyItems),
    historyBytesPerMonth: perMonth((d) => d.historyBytes),
    idleLogBytesPerRun: weekend.logBytes / weekend.runs,
    latency,
    cpuMsPerRun: (weekday.cpuMs + weekend.cpuMs) / (weekday.runs + weekend.runs),
    weekday,
    weekend,
  };
}

/** Everything the monthly cost of a deployment with `size` instances is computed from. */
async function runningCost(
  size: number,
  prices: RegionUnitPrices,
  scheduler: Awaited<ReturnType<typeof schedulerLoad>>,
  inventory: DeploymentInventory,
): Promise<RunningCost> {
  const config = resolveConfig(CONFIG);
  const a = ASSUMPTIONS;
  const shape: DeploymentShape = {
    carbonRegions: config.carbonRegions.length,
    liveCarbonRegions: liveCarbonRegions(config).length,
    managedRegions: config.managedRegions.length,
    workerRegions: config.workerRegions.length,
    providers: config.carbon.providers.length,
    controlPlaneFunctions: 5,
  };
  const rightsizerRuns = DAYS_PER_MONTH;
  const functions: FunctionLoad[] = [
    {
      name: 'scheduler',
      invocationsPerMonth: scheduler.invocations,
      avgBilledMs: scheduler.avgBilledMs,
      memoryMB: SCHEDULER_MEMORY_MB,
      basis: 'measured',
    },
    {
      name: 'carbon-fetcher',
      invocationsPerMonth: (HOURS_PER_MONTH * 60) / config.carbon.fetchIntervalMinutes,
      avgBilledMs: a.fetcherBilledMs,
      memoryMB: a.fetcherMemoryMB,
      basis: 'assumed',
    },
    {
      name: 'rightsizer',
      invocationsPerMonth: rightsizerRuns,
      avgBilledMs: a.rightsizerBaseMs + a.rightsizerMsPerInstance * size,
      memoryMB: a.rightsizerMemoryMB,
      basis: 'assumed',
    },
    {
      name: 'dispatcher',
      invocationsPerMonth: a.jobsPerMonth,
      avgBilledMs: a.dispatcherBilledMs,
      memoryMB: a.dispatcherMemoryMB,
      basis: 'assumed',
    },
    {
      name: 'outcome-recorder',
      invocationsPerMonth: a.jobsPerMonth,
      avgBilledMs: a.recorderBilledMs,
      memoryMB: a.recorderMemoryMB,
      basis: 'assumed',
    },
  ];
  const fetcherRuns = functions[1]!.invocationsPerMonth;
  const writeUnitsPerMonth =
    scheduler.writeUnits +
    fetcherRuns * shape.carbonRegions * a.fetcherWriteUnitsPerRegionPerRun +
    rightsizerRuns * size * a.rightsizerWriteUnitsPerInstance +
    a.jobsPerMonth * a.dispatcherWriteUnitsPerJob;
  const historyGB = (scheduler.historyBytesPerMonth * (HISTORY_RETENTION_DAYS / DAYS_PER_MONTH)) / 1e9;
  const stateGB = (size * (1200 + 1500)) / 1e9; // state record and recommendation per instance, ~1.2 and ~1.5 KB
  const logBytesByService: Record<string, number> = {
    scheduler: scheduler.logBytes,
    'carbon-fetcher': fetcherRuns * (a.fetcherLogBytesPerRun + PLATFORM_LOG_BYTES),
    rightsizer: rightsizerRuns * (size * a.rightsizerLogBytesPerInstance + PLATFORM_LOG_BYTES),
    dispatcher: a.jobsPerMonth * (a.jobLogBytes + PLATFORM_LOG_BYTES),
    'dispatch-outcome-recorder': a.jobsPerMonth * (a.jobLogBytes + PLATFORM_LOG_BYTES),
  };
  const logBytes = Object.values(logBytesByService).reduce((t, b) => t + b, 0);
  const logGB = logBytes / 1e9;
  // Each Logs Insights widget scans its function's log group over the dashboard's range, at every view.
  const scannedPerView = Object.entries(inventory.logQueryWidgetsByService).reduce(
    (t, [service, widgets]) =>
      t + widgets * (logBytesByService[service] ?? 0) * (a.dashboardRangeDays / DAYS_PER_MONTH),
    0,
  );
  const formulaAlarms = alarmMetrics(shape);
  if (formulaAlarms !== inventory.alarmMetrics) {
    throw new Error(
      `alarmMetrics(shape) = ${formulaAlarms} but the synthesized templates have ${inventory.alarmMetrics}: update bench/running-cost-model.ts`,
    );
  }
  return monthlyRunningCost(
    {
      functions,
      dynamoWriteUnitsPerMonth: writeUnitsPerMonth,
      dynamoReadUnitsPerMonth: scheduler.readUnits,
      dynamoStoredGB: historyGB + stateGB,
      metricSeries: customMetricSeries(shape).total,
      dashboards: inventory.dashboards,
      alarmMetrics: inventory.alarmMetrics,
      getMetricDataMetricsPerMonth: rightsizerRuns * size * a.rightsizerMetricsPerInstance,
      logGBIngestedPerMonth: logGB,
      logGBStored: logGB * (a.logRetentionDays / DAYS_PER_MONTH) * a.logCompressionRatio,
      logsInsightsGBScannedPerMonth: (scannedPerView * a.dashboardViewsPerMonth) / 1e9,
      kmsKeys: inventory.kmsKeys,
    },
    prices,
  );
}

/** The cost table of one fleet size, as bench lines. */
function costFigures(prefix: string, cost: RunningCost): BenchFigure[] {
  const slug = (text: string) =>
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_|_$/g, '');
  return [
    { name: prefix, value: cost.totalUsd, unit: 'USD/month' },
    ...(['Lambda', 'DynamoDB', 'CloudWatch', 'KMS'] as const).map((service) => ({
      name: `${prefix}_${service.toLowerCase()}`,
      value: cost.byService[service],
      unit: 'USD/month',
    })),
    ...cost.lines.map((line) => ({
      name: `${prefix}_${slug(`${line.service} ${line.item}`)}`,
      value: line.usd,
      unit: 'USD/month',
    })),
  ];
}

/** Targets of docs/running-cost.md, USD a month in the home region. */
const TARGET_USD = { 100: 8, 10000: 12 } as const;

export async function bench(): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  const inventory = deploymentInventory(CONFIG);
  figures.push(
    { name: 'running_cost_inventory_alarm_metrics', value: inventory.alarmMetrics, unit: 'alarm metrics (synth)' },
    { name: 'running_cost_inventory_kms_keys', value: inventory.kmsKeys, unit: 'keys (synth)' },
    { name: 'running_cost_inventory_dashboards', value: inventory.dashboards, unit: 'dashboards (synth)' },
    { name: 'running_cost_inventory_log_query_widgets', value: inventory.logQueryWidgets, unit: 'widgets (synth)' },
  );
  let small: Awaited<ReturnType<typeof schedulerLoad>> | undefined;
  for (const size of [100, 10_000]) {
    const scheduler = await schedulerLoad(size, small);
    small ??= scheduler;
    figures.push(
      { name: `running_cost_${size}_scheduler_avg_billed_ms`, value: scheduler.avgBilledMs, unit: 'ms' },
      { name: `running_cost_${size}_scheduler_cpu_ms_per_run`, value: scheduler.cpuMsPerRun, unit: 'ms' },
      { name: `running_cost_${size}_scheduler_latency_idle_ms`, value: scheduler.latency.idleMs, unit: 'ms' },
      { name: `running_cost_${size}_scheduler_latency_action_ms`, value: scheduler.latency.actionMs, unit: 'ms' },
      { name: `running_cost_${size}_scheduler_wru`, value: scheduler.writeUnits, unit: 'WRU/month' },
      { name: `running_cost_${size}_scheduler_rru`, value: scheduler.readUnits, unit: 'RRU/month' },
      { name: `running_cost_${size}_scheduler_log`, value: scheduler.logBytes / 1e9, unit: 'GB/month' },
      {
        name: `running_cost_${size}_scheduler_idle_log_per_run`,
        value: scheduler.idleLogBytesPerRun / 1000,
        unit: 'kB',
      },
      { name: `running_cost_${size}_scheduler_acting_runs_weekday`, value: scheduler.weekday.actionRuns, unit: 'runs' },
    );
    const home = await runningCost(size, UNIT_PRICES['eu-central-1'], scheduler, inventory);
    const virginia = await runningCost(size, UNIT_PRICES['us-east-1'], scheduler, inventory);
    const [total, ...detail] = costFigures(`running_cost_${size}_instances`, home);
    figures.push(
      {
        ...total!,
        unit: `USD/month (target ≤ ${TARGET_USD[size as 100 | 10_000]}; Instance Scheduler on AWS ${INSTANCE_SCHEDULER_PEER})`,
      },
      ...detail,
    );
    figures.push({ name: `running_cost_${size}_instances_us_east_1`, value: virginia.totalUsd, unit: 'USD/month' });
  }
  return figures;
}
