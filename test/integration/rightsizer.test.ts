import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ec2Snapshot, tableSnapshot } from './support/account-state';
import { type AwsProxy, callJson, startAwsProxy } from './support/aws-proxy';
import { hourlySamples, putUtilisation, utcDays } from './support/cloudwatch-metrics';
import { metricValues } from './support/emf';
import { clearTable, deployment, launch, localFunction, terminateAll } from './support/fixture';
import type { LocalLambda } from './support/local-lambda';

/*
 * The deployed rightsizer on CPU and CloudWatch-agent memory metrics put into moto's CloudWatch, then an `auto`
 * downsize applied by the deployed scheduler at the next scheduled stop and start.
 *
 * The scenario config sets `rightsizing.cpuStatistic: Maximum` (moto computes Maximum and Average, not
 * percentiles); everything else is the default: 14 days, target 60%, memory headroom 20%, coverage 80%, mode
 * `recommend`. Expectations worked out by hand from docs/rightsizing.md and docs/accounting.md, with these inputs:
 * - sizes: m5.large 2 vCPU / 8 GiB, m5.xlarge 4 / 16, m5.2xlarge 8 / 32; m6g.large 2 / 8, m6g.xlarge 4 / 16
 *   (instance type facts, DescribeInstanceTypes);
 * - on-demand prices of the bundled snapshot (moto has no Price List API; data of 2024-04-03), USD/h:
 *   eu-central-1 m5.large 0.115, m5.xlarge 0.23, m5.2xlarge 0.46, m6g.large 0.092, m6g.xlarge 0.184,
 *   m7g.large 0.0978, m7g.xlarge 0.1955 (m8g and m9g are not priced there); eu-west-1 m5.large 0.107, m5.xlarge 0.214;
 * - monthly hours: office-hours 50 h/week × 730/168 = 217.2619 h, always-on 730 h;
 * - CO2e: Δ CCF power × PUE 1.135 × monthly hours × the static annual intensity (eu-central-1 342, eu-west-1 301
 *   gCO2e/kWh); m5 is Skylake, 0.6130 W idle per vCPU. Going from 2n to n vCPUs at the projected utilisation
 *   (u × 2) leaves the dynamic term equal, so Δ power = n × 0.6130 W.
 */

const CENTRAL = 'eu-central-1';
const WEST = 'eu-west-1';
const RUN_AT = new Date('2026-11-17T03:30:00Z'); // Tuesday, the rightsizer's daily 03:30 UTC run
// Window: the 14 whole UTC days before 2026-11-17, i.e. 2026-11-03 (Tue) … 2026-11-16 (Mon).
const WEEKDAYS = utcDays('2026-11-03', '2026-11-16', [0, 1, 2, 3, 4]); // 10 days
const EVERY_DAY = utcDays('2026-11-03', '2026-11-16'); // 14 days
const OFFICE_HOURS_UTC = [7, 8, 9, 10, 11, 12, 13, 14, 15, 16]; // 08:00–18:00 Berlin (UTC+1 in November)
const OFFICE_HOURS_MONTH = (50 * 730) / 168;

interface Recommendation {
  instanceId: string;
  region: string;
  outcome: string;
  reason: string;
  currentInstanceType: string;
  status?: string;
  statusReason?: string;
  confidence?: string;
  monthlySavingsUsd: number;
  monthlySavingsGCO2e: number;
  proposed?: { instanceType: string; projectedCpuPercent: number; monthlySavingsUsd: number; usdPerHour: number };
  graviton?: { instanceType: string; monthlySavingsUsd: number; requiresArchitectureChange: boolean };
  evidence?: {
    observedCpuPercent?: number;
    averageCpuPercent?: number;
    datapoints: number;
    expectedDatapoints: number;
    coveragePercent: number;
    memory?: { peakUsedPercent: number; peakUsedGiB: number; requiredGiB: number };
  };
}
interface RegionSummary {
  region: string;
  discovered: number;
  analysed: number;
  recommendations: number;
  pendingApply: number;
  insufficientData: number;
  monthlySavingsUsd: number;
  skipped: { instanceId: string; reason: string }[];
}

describe('Integration: the deployed rightsizer on metrics in moto, and an auto resize by the deployed scheduler', () => {
  const d = deployment();
  let proxy: AwsProxy;
  let rightsizer: LocalLambda;
  let scheduler: LocalLambda;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    await terminateAll([CENTRAL, WEST, 'us-east-1']);
    await clearTable();
    proxy = await startAwsProxy({ target: d.endpoint });
    rightsizer = localFunction('Rightsizer', { endpoint: proxy.url });
    scheduler = localFunction('Scheduler', { endpoint: proxy.url });

    const one = async (region: string, type: string, tags: Record<string, string>) =>
      (await launch(region, 1, type, tags))[0]!;
    ids.ciRunner = await one(CENTRAL, 'm5.2xlarge', { Schedule: 'office-hours', Rightsize: 'auto', Name: 'ci-runner' });
    ids.api = await one(CENTRAL, 'm5.xlarge', { Schedule: 'office-hours', Name: 'api' });
    ids.busy = await one(CENTRAL, 'm5.large', { Schedule: 'office-hours', Name: 'busy' });
    ids.fresh = await one(CENTRAL, 'm5.large', { Schedule: 'office-hours', Name: 'fresh' });
    ids.database = await one(CENTRAL, 'm5.2xlarge', { Schedule: 'always-on', Rightsize: 'auto', Name: 'database' });
    ids.off = await one(CENTRAL, 'c5.xlarge', { Schedule: 'office-hours', Rightsize: 'off', Name: 'off' });
    ids.typo = await one(CENTRAL, 'm5.large', { Schedule: 'office-hours', Rightsize: 'yes', Name: 'typo' });
    ids.west = await one(WEST, 'm5.xlarge', { Schedule: 'office-hours', Name: 'west' });
    ids.untagged = await one('us-east-1', 'm5.2xlarge', { Name: 'untagged' });

    // Office-hours instances: one sample per running hour on the 10 weekdays. The last hour of each day is the
    // busiest, so each day's Maximum is that hour's value and its Average is (9 × base + peak) / 10.
    const office = (base: number, peak: number, days = WEEKDAYS) =>
      hourlySamples({ days, hoursUtc: OFFICE_HOURS_UTC, cpuPercent: (_d, _h, i) => (i === 9 ? peak : base) });
    const withMemory = (base: number, peak: number, memBase: number, memPeak: number) =>
      hourlySamples({
        days: WEEKDAYS,
        hoursUtc: OFFICE_HOURS_UTC,
        cpuPercent: (_d, _h, i) => (i === 9 ? peak : base),
        memoryUsedPercent: (_d, _h, i) => (i === 9 ? memPeak : memBase),
      });
    await putUtilisation(CENTRAL, ids.ciRunner, withMemory(10, 20, 25, 30));
    await putUtilisation(CENTRAL, ids.api, office(15, 25));
    await putUtilisation(CENTRAL, ids.busy, office(50, 75));
    await putUtilisation(CENTRAL, ids.fresh, office(5, 10, ['2026-11-11', '2026-11-12', '2026-11-13', '2026-11-16']));
    await putUtilisation(
      CENTRAL,
      ids.database,
      hourlySamples({
        days: EVERY_DAY,
        hoursUtc: [0, 6, 12, 18],
        cpuPercent: (_d, _h, i) => (i === 2 ? 20 : 10),
        memoryUsedPercent: (_d, _h, i) => (i === 2 ? 30 : 25),
      }),
    );
    await putUtilisation(CENTRAL, ids.off, office(5, 10));
    await putUtilisation(CENTRAL, ids.typo, office(5, 10));
    await putUtilisation(WEST, ids.west, withMemory(10, 20, 30, 40));
    await putUtilisation('us-east-1', ids.untagged, office(5, 10));
  });

  afterAll(async () => {
    await rightsizer?.stop();
    await scheduler?.stop();
    await proxy?.close();
  });

  it('recommends from the metrics as docs/rightsizing.md says, stores the recommendations and emits the metrics', async () => {
    proxy.clearCalls();
    const run = await rightsizer.invoke<{
      dryRun: boolean;
      window: { start: string; end: string };
      regions: RegionSummary[];
    }>({}, { at: RUN_AT });
    expect(run.error).toBeUndefined();
    expect(run.result).toMatchObject({
      dryRun: false,
      window: { start: '2026-11-03T00:00:00.000Z', end: '2026-11-17T00:00:00.000Z' },
    });

    // One GetMetricData call per region with instances to analyse, 3 queries per instance (cpu, avg, mem), daily.
    const metricCalls = proxy.find({ service: 'monitoring', action: 'GetMetricData' });
    expect(
      metricCalls.map((c) => [c.region, callJson<{ MetricDataQueries: unknown[] }>(c).MetricDataQueries.length]),
    ).toEqual([
      [CENTRAL, 15],
      [WEST, 3],
    ]);
    const queries = callJson<{ MetricDataQueries: { Id: string; MetricStat: { Stat: string; Period: number } }[] }>(
      metricCalls[0]!,
    ).MetricDataQueries;
    const ciQueries = queries.filter((q) => q.Id.endsWith(ids.ciRunner!.replace(/-/g, '_')));
    expect(ciQueries.map((q) => [q.Id.split('_')[0], q.MetricStat.Stat, q.MetricStat.Period])).toEqual([
      ['cpu', 'Maximum', 86400],
      ['avg', 'Average', 86400],
      ['mem', 'Maximum', 86400],
    ]);

    const items = (await tableSnapshot()).filter((item) => String(item.pk).startsWith('RIGHTSIZING#'));
    const rec = (region: string, id: string) =>
      items.find((i) => i.pk === `RIGHTSIZING#${region}` && i.sk === id) as unknown as Recommendation | undefined;

    // ci-runner, m5.2xlarge, auto: highest daily Maximum 20% → m5.large would run at 20 × 8/2 = 80% > 60%;
    // m5.xlarge at 40%, memory 16 GiB ≥ 30% × 32 GiB × 1.2 = 11.52 GiB, cheaper → m5.xlarge.
    // (0.46 − 0.23) × 217.26 h = 49.97 USD; 4 × 0.6130 W × 1.135 × 217.26 h = 0.6046 kWh × 342 = 207 g.
    // Graviton: m6g.xlarge (0.184 < m7g.xlarge 0.1955): (0.46 − 0.184) × 217.26 = 59.96 USD.
    const ci = rec(CENTRAL, ids.ciRunner!);
    expect(ci).toMatchObject({
      outcome: 'downsize',
      currentInstanceType: 'm5.2xlarge',
      status: 'pending-apply',
      confidence: 'high',
      monthlySavingsUsd: 49.97,
      monthlySavingsGCO2e: 207,
      proposed: { instanceType: 'm5.xlarge', projectedCpuPercent: 40, usdPerHour: 0.23 },
      graviton: { instanceType: 'm6g.xlarge', monthlySavingsUsd: 59.96, requiresArchitectureChange: true },
    });
    expect(ci!.evidence).toMatchObject({
      observedCpuPercent: 20,
      averageCpuPercent: 11,
      datapoints: 10,
      expectedDatapoints: 10,
      coveragePercent: 100,
      memory: { peakUsedPercent: 30, peakUsedGiB: 9.6, requiredGiB: 11.52 },
    });
    expect(items.some((i) => i.pk === `RIGHTSIZING#${CENTRAL}` && i.sk === `PENDING#${ids.ciRunner}`)).toBe(true);

    // api, m5.xlarge, no memory data: at most one halving → m5.large (25 × 4/2 = 50% ≤ 60%), confidence low.
    // 0.115 × 217.26 = 24.99 USD; 2 × 0.6130 W × 1.135 × 217.26 h = 0.3023 kWh × 342 = 103 g.
    // Graviton: m6g.large (m6g.medium would be a second halving): (0.23 − 0.092) × 217.26 = 29.98 USD.
    expect(rec(CENTRAL, ids.api!)).toMatchObject({
      outcome: 'downsize',
      status: 'open',
      confidence: 'low',
      monthlySavingsUsd: 24.99,
      monthlySavingsGCO2e: 103,
      proposed: { instanceType: 'm5.large', projectedCpuPercent: 50 },
      graviton: { instanceType: 'm6g.large', monthlySavingsUsd: 29.98 },
    });
    expect(rec(CENTRAL, ids.api!)!.evidence!.memory).toBeUndefined();

    // busy: 75% > target 60% → no change. fresh: CPU data on 4 of the 10 expected weekdays → insufficient data.
    expect(rec(CENTRAL, ids.busy!)).toMatchObject({ outcome: 'no-change', monthlySavingsUsd: 0 });
    expect(rec(CENTRAL, ids.busy!)!.reason).toMatch(/75% is already above the target 60%/);
    expect(rec(CENTRAL, ids.fresh!)).toMatchObject({ outcome: 'insufficient-data', monthlySavingsUsd: 0 });
    expect(rec(CENTRAL, ids.fresh!)!.reason).toMatch(/4 of 10 expected days \(40% < minCoveragePercent 80%\)/);

    // database, always-on, auto: the same downsize, but never applied automatically; 730 h a month:
    // 0.23 × 730 = 167.9 USD; 4 × 0.6130 W × 1.135 × 730 h = 2.0316 kWh × 342 = 695 g.
    expect(rec(CENTRAL, ids.database!)).toMatchObject({
      outcome: 'downsize',
      status: 'open',
      monthlySavingsUsd: 167.9,
      monthlySavingsGCO2e: 695,
      proposed: { instanceType: 'm5.xlarge' },
    });
    expect(rec(CENTRAL, ids.database!)!.statusReason).toMatch(/always-on/);
    expect(rec(CENTRAL, ids.database!)!.evidence).toMatchObject({ datapoints: 14, expectedDatapoints: 14 });

    // west (eu-west-1): memory 40% × 16 GiB × 1.2 = 7.68 GiB ≤ 8 → m5.large; 0.107 × 217.26 = 23.25 USD;
    // 0.3023 kWh × 301 = 91 g.
    expect(rec(WEST, ids.west!)).toMatchObject({
      outcome: 'downsize',
      status: 'open',
      confidence: 'high',
      monthlySavingsUsd: 23.25,
      monthlySavingsGCO2e: 91,
      proposed: { instanceType: 'm5.large' },
    });

    // Rightsize=off and a bad Rightsize tag are not analysed (and not stored); untagged instances are not found.
    for (const id of [ids.off, ids.typo, ids.untagged]) {
      expect(items.filter((i) => String(i.sk).endsWith(id!))).toEqual([]);
    }
    const summary = (region: string) => run.result!.regions.find((r) => r.region === region)!;
    expect(summary(CENTRAL)).toMatchObject({
      discovered: 7,
      analysed: 5,
      recommendations: 3,
      pendingApply: 1,
      insufficientData: 1,
      monthlySavingsUsd: 242.86,
    });
    expect(summary(CENTRAL).skipped).toEqual([
      { instanceId: ids.off, reason: 'Rightsize mode is off' },
      { instanceId: ids.typo, reason: 'tag Rightsize="yes" is not valid; allowed: "recommend", "auto", "off"' },
    ]);
    expect(summary(WEST)).toMatchObject({ discovered: 1, analysed: 1, recommendations: 1, monthlySavingsUsd: 23.25 });
    expect(summary('us-east-1')).toMatchObject({ discovered: 0, analysed: 0, recommendations: 0 });

    // EMF per region, dimension Region only.
    expect(metricValues(run.output, 'RightsizingRecommendations', { Region: CENTRAL })).toEqual([3]);
    expect(metricValues(run.output, 'RightsizingMonthlySavings', { Region: CENTRAL })).toEqual([242.86]);
    expect(metricValues(run.output, 'RightsizingRecommendations', { Region: WEST })).toEqual([1]);
    // A count of 0 is not logged (lambdas/adapters/metrics/publish.ts): no recommendation in us-east-1, no line
    expect(metricValues(run.output, 'RightsizingRecommendations', { Region: 'us-east-1' })).toEqual([]);
    expect(OFFICE_HOURS_MONTH).toBeCloseTo(217.2619, 4);
  });

  it('applies the auto downsize at the next scheduled stop and start: stop, ModifyInstanceAttribute, start as m5.xlarge', async () => {
    // Tuesday 18:00 Berlin: office-hours ends; the instances stop with their types unchanged.
    proxy.clearCalls();
    const evening = await scheduler.invoke(
      { dryRun: false, confirmRealRun: true },
      { at: new Date('2026-11-17T17:00:00Z') },
    );
    expect(evening.error).toBeUndefined();
    let fleet = await ec2Snapshot([CENTRAL]);
    expect(fleet[ids.ciRunner!]).toMatchObject({ state: 'stopped', instanceType: 'm5.2xlarge' });
    expect(fleet[ids.database!]).toMatchObject({ state: 'running', instanceType: 'm5.2xlarge' });
    expect(proxy.find({ service: 'ec2', action: 'ModifyInstanceAttribute' })).toEqual([]);
    const stops = proxy.find({ service: 'ec2', action: 'StopInstances' });
    expect(stops.some((c) => c.body.includes(ids.ciRunner!))).toBe(true);

    // Wednesday 08:00 Berlin: office-hours begins; the pending recommendation turns the start into a resize.
    proxy.clearCalls();
    const morning = await scheduler.invoke<{ plan: { instanceId: string; action: string }[] }>(
      { dryRun: false, confirmRealRun: true },
      { at: new Date('2026-11-18T07:00:00Z') },
    );
    expect(morning.error).toBeUndefined();
    expect(morning.result!.plan.find((p) => p.instanceId === ids.ciRunner)?.action).toBe('resize');
    fleet = await ec2Snapshot([CENTRAL]);
    expect(fleet[ids.ciRunner!]).toMatchObject({ state: 'running', instanceType: 'm5.xlarge' });
    // Only the auto recommendation of a scheduled instance is applied; the others start as they were.
    expect(fleet[ids.api!]).toMatchObject({ state: 'running', instanceType: 'm5.xlarge' });
    expect(fleet[ids.database!]).toMatchObject({ state: 'running', instanceType: 'm5.2xlarge' });

    const ec2Calls = proxy.find({ service: 'ec2', action: ['ModifyInstanceAttribute', 'StartInstances'] });
    const modify = ec2Calls.filter((c) => c.action === 'ModifyInstanceAttribute');
    expect(modify).toHaveLength(1);
    const form = Object.fromEntries(new URLSearchParams(modify[0]!.body).entries());
    expect(form).toMatchObject({ InstanceId: ids.ciRunner, 'InstanceType.Value': 'm5.xlarge' });
    const start = ec2Calls.findIndex((c) => c.action === 'StartInstances' && c.body.includes(ids.ciRunner!));
    expect(start).toBeGreaterThan(ec2Calls.indexOf(modify[0]!));

    const items = await tableSnapshot();
    const ci = items.find((i) => i.pk === `RIGHTSIZING#${CENTRAL}` && i.sk === ids.ciRunner);
    expect(ci).toMatchObject({ status: 'applied' });
    expect(ci?.appliedAt).toEqual(expect.stringMatching(/^2026-11-18T07:00/));
    expect(items.some((i) => i.sk === `PENDING#${ids.ciRunner}`)).toBe(false);
  });
});
