import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StopInstancesCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deleteAllSchedules,
  ec2Snapshot,
  ensureDeferralScheduleGroup,
  schedules,
  tableSnapshot,
} from './support/account-state';
import { type AwsCall, type AwsProxy, callJson, mutatingCalls, startAwsProxy } from './support/aws-proxy';
import {
  type ElectricityMapsReplay,
  ensureElectricityMapsSecret,
  startElectricityMapsReplay,
  traceByRegion,
} from './support/carbon-replay';
import { hourlySamples, putUtilisation, utcDays } from './support/cloudwatch-metrics';
import { REPOSITORY_ROOT } from './support/deployment';
import { type MirrorRule, mirrorDeployedRule } from './support/event-routing';
import { clearTable, clients, deployment, launch, localFunction, terminateAll } from './support/fixture';
import { emfDocuments, type Invocation, type LocalLambda } from './support/local-lambda';

/*
 * Every event shipped in events/, pasted into the console of its deployed function, against a populated account:
 * tagged instances in the three managed regions (stopped and running, several schedules, a bad tag, an untagged
 * one), CPU and memory metrics, carbon readings and forecasts the fetcher stored, instance states, history and
 * savings from an earlier real tick, rightsizing recommendations (one pending an auto resize) and a dispatched job.
 *
 * The dry-run events must change nothing anywhere: EC2 states, types and tags in every managed region, every item
 * of the table, the home region's EventBridge Scheduler schedules, and no mutating AWS call at all (no worker
 * invoke, no PutEvents, no CreateSchedule, no write): every SDK call of the function goes through the recording
 * proxy. They emit no metrics either. Each returns what the README's "Dry run from the console" table says.
 * The other shipped events are real requests and are tested as what they are.
 *
 * The account is built at simulated Saturday 2026-11-21 (Europe/Berlin = UTC+1): rightsizer at 03:30 UTC,
 * fetcher and scheduler tick at 11:00 UTC, a dispatched job at 11:30; the console is used at 12:00 UTC.
 */

const EVENTS_DIR = join(REPOSITORY_ROOT, 'events');
const event = (name: string) => JSON.parse(readFileSync(join(EVENTS_DIR, name), 'utf8')) as Record<string, unknown>;
const REGIONS = ['eu-central-1', 'eu-west-1', 'us-east-1'];
const CONSOLE_AT = new Date('2026-11-21T12:00:00Z');
// gCO2e/kWh of the 11:00 fetch. eu-north-1's forecast (hourly from 11:00) drops to 10 g for 14:00–16:00.
const READINGS = {
  'eu-north-1': 30,
  'eu-west-3': 45,
  'us-west-2': 150,
  'eu-west-1': 290,
  'eu-central-1': 380,
  'us-east-1': 410,
} as const;
const NORTH_FORECAST = [30, 30, 30, 10, 10, ...Array.from({ length: 19 }, () => 30)];

interface PlanEntry {
  instanceId: string;
  region: string;
  schedule: string | null;
  desired: string | null;
  action: string;
  reason: string;
  result?: string;
  carbon: { gCO2ePerKWh: number; provider: string; origin: string; ageSeconds: number };
}
interface SchedulerResult {
  at: string;
  dryRun: boolean;
  status: string;
  plan: PlanEntry[];
  totals: Record<string, number>;
  calls: Record<string, number>;
}

describe('Integration: the shipped console events on the deployed functions', () => {
  const d = deployment();
  let proxy: AwsProxy;
  let replay: ElectricityMapsReplay;
  const fns: Record<string, LocalLambda> = {};
  let requestedRule: MirrorRule;
  const ids: Record<string, string> = {};

  /** Everything the product could have changed, for before/after comparison. */
  const accountState = async () => ({
    ec2: await ec2Snapshot(REGIONS),
    table: await tableSnapshot(),
    schedules: (await schedules()).map((s) => ({ group: s.GroupName, name: s.Name, target: s.Target })),
  });

  /** Invoke `fn` with `payload` at `at`, and return the result with what changed and every AWS call made. */
  async function consoleRun<T>(fn: LocalLambda, payload: unknown, at = CONSOLE_AT) {
    const before = await accountState();
    proxy.clearCalls();
    const run: Invocation<T> = await fn.invoke<T>(payload, { at });
    const calls: AwsCall[] = [...proxy.calls];
    const after = await accountState();
    return { run, calls, before, after };
  }

  function expectNothingChanged(outcome: Awaited<ReturnType<typeof consoleRun>>) {
    expect(outcome.run.error).toBeUndefined();
    expect(mutatingCalls(outcome.calls).map((c) => `${c.service}:${c.action} ${c.region}`)).toEqual([]);
    expect(outcome.calls.filter((c) => c.service === 'lambda' || c.service === 'events')).toEqual([]);
    expect(outcome.after.ec2).toEqual(outcome.before.ec2);
    expect(outcome.after.table).toEqual(outcome.before.table);
    expect(outcome.after.schedules).toEqual(outcome.before.schedules);
    expect(emfDocuments(outcome.run.output)).toEqual([]);
  }

  beforeAll(async () => {
    await terminateAll(REGIONS);
    await clearTable();
    await deleteAllSchedules();
    await ensureDeferralScheduleGroup();
    await ensureElectricityMapsSecret();
    proxy = await startAwsProxy({ target: d.endpoint });
    replay = await startElectricityMapsReplay(
      traceByRegion(
        '2026-11-21T11:00:00.000Z',
        Object.fromEntries(
          Object.entries(READINGS).map(([region, g]) => [
            region,
            { g, forecast: region === 'eu-north-1' ? NORTH_FORECAST : Array.from({ length: 24 }, () => g) },
          ]),
        ),
      ),
    );
    const endpoint = proxy.url;
    fns.scheduler = localFunction('Scheduler', { endpoint });
    fns.fetcher = localFunction('CarbonFetcher', { endpoint, extraEnvironment: replay.environment });
    fns.rightsizer = localFunction('Rightsizer', { endpoint });
    fns.dispatcher = localFunction('Dispatcher', { endpoint });
    requestedRule = await mirrorDeployedRule('JobRequestedRule');

    const one = async (region: string, type: string, tags: Record<string, string>) =>
      (await launch(region, 1, type, tags))[0]!;
    ids.office1 = await one('eu-central-1', 'm5.large', { Schedule: 'office-hours' });
    ids.office2 = await one('eu-central-1', 'm5.large', { Schedule: 'Office Hours + Weekend Shutdown' });
    ids.auto = await one('eu-central-1', 'm5.2xlarge', { Schedule: 'office-hours', Rightsize: 'auto' });
    ids.always = await one('eu-central-1', 'm5.large', { Schedule: 'always-on' });
    ids.carbon = await one('eu-central-1', 't3.medium', { Schedule: 'carbon-aware' });
    ids.lab = await one('eu-central-1', 'g4dn.xlarge', { Schedule: 'lab-nights' });
    ids.badTag = await one('eu-central-1', 't3.small', { Schedule: 'office-hourz' });
    ids.untagged = await one('eu-central-1', 't3.small', { Name: 'not managed' });
    ids.westOffice = await one('eu-west-1', 'm5.large', { Schedule: 'office-hours' });
    ids.monthEnd = await one('eu-west-1', 'r5.large', { Schedule: 'month-end-close' });
    ids.support = await one('us-east-1', 'c5.large', { Schedule: 'us-support' });
    ids.extended = await one('us-east-1', 'm5.large', { Schedule: 'Extended Development Hours' });
    await clients('eu-west-1').ec2.send(new StopInstancesCommand({ InstanceIds: [ids.monthEnd] }));
    // Two weeks of office-hours CPU and memory for the auto instance (the same shape as in rightsizer.test.ts).
    await putUtilisation(
      'eu-central-1',
      ids.auto,
      hourlySamples({
        days: utcDays('2026-11-09', '2026-11-20', [0, 1, 2, 3, 4]),
        hoursUtc: [7, 8, 9, 10, 11, 12, 13, 14, 15, 16],
        cpuPercent: (_d, _h, i) => (i === 9 ? 20 : 10),
        memoryUsedPercent: (_d, _h, i) => (i === 9 ? 30 : 25),
      }),
    );

    const rightsized = await fns.rightsizer!.invoke({}, { at: new Date('2026-11-21T03:30:00Z') });
    expect(rightsized.error).toBeUndefined();
    const fetched = await fns.fetcher!.invoke<{ stored: boolean }>({}, { at: new Date('2026-11-21T11:00:00Z') });
    expect(fetched.result?.stored).toBe(true);
    const tick = await fns.scheduler!.invoke<SchedulerResult>(
      { dryRun: false, confirmRealRun: true },
      { at: new Date('2026-11-21T11:00:00Z') },
    );
    expect(tick.result?.status).toBe('completed');
    const dispatched = await fns.dispatcher!.invoke(
      { job: { kind: 'report-location', id: 'earlier-job' } },
      { at: new Date('2026-11-21T11:30:00Z') },
    );
    expect(dispatched.error).toBeUndefined();
    // Launched after the tick: a running office-hours instance the scheduler has not seen yet.
    ids.late = await one('eu-central-1', 'm5.large', { Schedule: 'office-hours' });

    const populated = await accountState();
    const kinds = new Set(populated.table.map((item) => String(item.pk).split('#')[0]));
    expect([...kinds].sort()).toEqual(
      expect.arrayContaining(['CARBON', 'HISTORY', 'INSTANCE', 'JOB', 'JOBS', 'RIGHTSIZING', 'SAVINGS_TOTAL']),
    );
    expect(Object.values(populated.ec2).map((i) => i.state)).toEqual(expect.arrayContaining(['running', 'stopped']));
  }, 240_000);

  afterAll(async () => {
    for (const fn of Object.values(fns)) await fn.stop();
    await requestedRule?.close();
    await replay?.close();
    await proxy?.close();
    await deleteAllSchedules();
  });

  it('ships exactly the events this file covers', () => {
    // The api-*.json events (API Gateway requests) run against the deployed API in api.test.ts
    expect(
      readdirSync(EVENTS_DIR)
        .filter((name) => !name.startsWith('api-'))
        .sort(),
    ).toEqual([
      'carbon-fetcher-dry-run.json',
      'dispatcher-direct-job.json',
      'dispatcher-dry-run.json',
      'dispatcher-eventbridge-job-requested.json',
      'dispatcher-job-with-deadline.json',
      'rightsizer-dry-run.json',
      'scheduler-dry-run-at.json',
      'scheduler-dry-run.json',
      'scheduler-scheduled-event.json',
    ]);
  });

  it('scheduler-dry-run.json: returns the plan and totals for now, and changes nothing', async () => {
    const outcome = await consoleRun<SchedulerResult>(fns.scheduler!, event('scheduler-dry-run.json'));
    expectNothingChanged(outcome);
    const result = outcome.run.result!;
    expect(result).toMatchObject({ dryRun: true, status: 'completed', at: '2026-11-21T12:00:00.000Z' });
    expect(result.calls).toMatchObject({ start: 0, stop: 0, modify: 0, instanceWrites: 0 });
    const entry = (id: string) => result.plan.find((p) => p.instanceId === id);
    // Saturday 13:00 Berlin: office-hours wants stopped. The 11:00 tick stopped the instances it knew; the one
    // launched since is new and outside its period (stopNewInstances) → stop, planned only.
    expect(entry(ids.late!)).toMatchObject({
      schedule: 'office-hours',
      desired: 'stopped',
      action: 'stop',
      result: 'planned',
    });
    expect(entry(ids.office1!)).toMatchObject({ desired: 'stopped', action: 'none' });
    expect(entry(ids.office2!)).toMatchObject({ schedule: 'office-hours', desired: 'stopped', action: 'none' });
    expect(entry(ids.always!)).toMatchObject({ schedule: 'always-on', desired: 'running', action: 'none' });
    expect(entry(ids.extended!)).toMatchObject({ schedule: 'extended-dev', desired: 'stopped', action: 'none' });
    expect(entry(ids.support!)).toMatchObject({ schedule: 'us-support', desired: 'stopped', action: 'none' });
    expect(entry(ids.monthEnd!)).toMatchObject({ schedule: 'month-end-close', desired: 'stopped', action: 'none' });
    // DE at 380 g is above carbon-aware's 300 g threshold (and the 11:00 reading is an hour old: still usable).
    expect(entry(ids.carbon!)).toMatchObject({ schedule: 'carbon-aware', desired: 'stopped', action: 'none' });
    expect(entry(ids.badTag!)).toMatchObject({ action: 'none' });
    expect(entry(ids.badTag!)!.reason).toMatch(/office-hourz/);
    expect(entry(ids.untagged!)).toBeUndefined();
    expect(entry(ids.late!)!.carbon).toEqual({
      gCO2ePerKWh: 380,
      provider: 'electricitymaps',
      origin: 'cached',
      ageSeconds: 3600,
    });
    expect(result.totals).toMatchObject({ instances: 12, stop: 1, start: 0, resize: 0, invalidTags: 1 });
  });

  it('scheduler-dry-run-at.json: plans as of Monday 09:00 Berlin, including the pending auto resize, and changes nothing', async () => {
    const outcome = await consoleRun<SchedulerResult>(fns.scheduler!, event('scheduler-dry-run-at.json'));
    expectNothingChanged(outcome);
    const result = outcome.run.result!;
    expect(result).toMatchObject({ dryRun: true, at: '2026-11-23T08:00:00.000Z' });
    const action = (id: string) => result.plan.find((p) => p.instanceId === id)?.action;
    // Monday 09:00 Berlin = 03:00 New York.
    expect(action(ids.office1!)).toBe('start');
    expect(action(ids.office2!)).toBe('start');
    expect(action(ids.westOffice!)).toBe('start');
    expect(action(ids.extended!)).toBe('start');
    expect(action(ids.auto!)).toBe('resize');
    expect(action(ids.late!)).toBe('none');
    expect(action(ids.support!)).toBe('none');
    expect(action(ids.lab!)).toBe('none');
    expect(action(ids.monthEnd!)).toBe('none');
    expect(result.totals.resize).toBe(1);
  });

  it('carbon-fetcher-dry-run.json: returns the readings it would store, with source, age and fallback reasons, and changes nothing', async () => {
    // 12:00: new values for every zone, but the Pacific Northwest answers HTTP 500.
    replay.setTrace(
      traceByRegion(
        '2026-11-21T12:00:00.000Z',
        Object.fromEntries(
          Object.entries(READINGS).map(([region, g]) => [region, { g: g + 1, fail: region === 'us-west-2' }]),
        ),
      ),
    );
    const outcome = await consoleRun<{
      dryRun: boolean;
      stored: boolean;
      regions: {
        region: string;
        provider: string;
        origin: string;
        gCO2ePerKWh: number;
        ageSeconds: number;
        fallbackReason?: string;
      }[];
      readings: { region: string; gCO2ePerKWh: number }[];
    }>(fns.fetcher!, event('carbon-fetcher-dry-run.json'));
    expectNothingChanged(outcome);
    const result = outcome.run.result!;
    expect(result).toMatchObject({ dryRun: true, stored: false });
    const byRegion = Object.fromEntries(result.regions.map((r) => [r.region, r]));
    for (const region of ['eu-central-1', 'eu-north-1', 'eu-west-1', 'eu-west-3', 'us-east-1']) {
      expect(byRegion[region]).toMatchObject({
        provider: 'electricitymaps',
        origin: 'live',
        gCO2ePerKWh: READINGS[region as keyof typeof READINGS] + 1,
      });
      expect(byRegion[region]!.ageSeconds).toBeLessThan(5);
    }
    // us-west-2 falls back to the last good value the 11:00 run stored, an hour old, and says why.
    expect(byRegion['us-west-2']).toMatchObject({ origin: 'cached', gCO2ePerKWh: 150, ageSeconds: 3600 });
    expect(byRegion['us-west-2']!.fallbackReason).toMatch(/500/);
    expect(result.readings.map((r) => r.region).sort()).toEqual([
      'eu-central-1',
      'eu-north-1',
      'eu-west-1',
      'eu-west-3',
      'us-east-1',
    ]);
    // It asked the provider for every zone: the replay saw the requests.
    expect(replay.server.count('/v3/carbon-intensity/latest')).toBeGreaterThanOrEqual(6 + 6);
  });

  it('rightsizer-dry-run.json: returns the recommendations it would record, and changes nothing', async () => {
    const outcome = await consoleRun<{
      dryRun: boolean;
      recommendations: {
        instanceId: string;
        outcome: string;
        status?: string;
        monthlySavingsUsd: number;
        proposed?: { instanceType: string };
      }[];
    }>(fns.rightsizer!, event('rightsizer-dry-run.json'));
    expectNothingChanged(outcome);
    const result = outcome.run.result!;
    expect(result).toMatchObject({ dryRun: true });
    // Window 2026-11-07 … 2026-11-20: 10 office-hours weekdays with a daily CPU Maximum of 20% and memory 30% of
    // 32 GiB → m5.xlarge (20 × 8/4 = 40% ≤ 60%, 16 GiB ≥ 11.52 GiB), (0.46 − 0.23) × 217.26 h = 49.97 USD/month.
    expect(result.recommendations.find((r) => r.instanceId === ids.auto)).toMatchObject({
      outcome: 'downsize',
      status: 'pending-apply',
      monthlySavingsUsd: 49.97,
      proposed: { instanceType: 'm5.xlarge' },
    });
    // Instances without metrics are reported as such, not recommended.
    expect(result.recommendations.find((r) => r.instanceId === ids.office1)).toMatchObject({
      outcome: 'insufficient-data',
    });
  });

  it('dispatcher-dry-run.json: returns the ranking, the choice and the deferral it would make, and changes nothing', async () => {
    const outcome = await consoleRun<{
      action: string;
      dryRun: boolean;
      recorded: boolean;
      chosenRegion: string;
      runAt: string;
      candidates: { region: string; gCO2ePerKWh: number }[];
      deferral?: { start: string; meanGCO2ePerKWh: number; baselineGCO2ePerKWh: number };
    }>(fns.dispatcher!, event('dispatcher-dry-run.json'));
    expectNothingChanged(outcome);
    const result = outcome.run.result!;
    // The 11:00 readings (an hour old, inside the 90-minute grace). A 60-minute job due 2026-11-22T06:00 may start
    // in [12:00, min(12:00 + 240 min, 05:00)] = [12:00, 16:00]; eu-north-1's forecast holds 10 g from 14:00, a third
    // of the 30 g it runs at now: it would defer to 14:00 in eu-north-1.
    expect(result).toMatchObject({
      action: 'planned',
      dryRun: true,
      recorded: false,
      chosenRegion: 'eu-north-1',
      runAt: '2026-11-21T14:00:00.000Z',
    });
    expect(result.candidates.map((c) => [c.region, c.gCO2ePerKWh])).toEqual([
      ['eu-north-1', 30],
      ['eu-west-3', 45],
      ['us-west-2', 150],
      ['eu-central-1', 380],
      ['us-east-1', 410],
    ]);
    expect(result.deferral).toMatchObject({
      start: '2026-11-21T14:00:00.000Z',
      meanGCO2ePerKWh: 10,
      baselineGCO2ePerKWh: 30,
    });
  });

  it('dispatcher-direct-job.json (a real request): dispatches to the cleanest of its three regions', async () => {
    const outcome = await consoleRun<{ jobId: string; action: string; chosenRegion: string; recorded: boolean }>(
      fns.dispatcher!,
      event('dispatcher-direct-job.json'),
    );
    expect(outcome.run.error).toBeUndefined();
    // Of eu-north-1 (30 g), eu-west-3 (45 g) and us-east-1 (410 g): eu-north-1.
    expect(outcome.run.result).toMatchObject({ action: 'dispatched', chosenRegion: 'eu-north-1', recorded: true });
    const jobId = outcome.run.result!.jobId;
    expect(
      mutatingCalls(outcome.calls)
        .map((c) => `${c.service}:${c.action} ${c.region}`)
        .sort(),
    ).toEqual(expect.arrayContaining(['lambda:Invoke eu-north-1']));
    expect(mutatingCalls(outcome.calls).filter((c) => c.service === 'lambda')).toHaveLength(1);
    expect(outcome.after.ec2).toEqual(outcome.before.ec2);
    expect(outcome.after.schedules).toEqual(outcome.before.schedules);
    const added = outcome.after.table.filter(
      (item) => !outcome.before.table.some((b) => b.pk === item.pk && b.sk === item.sk),
    );
    // The decision, and its copy in the day index (docs/report.md: `JOBS#<day>` / `<decidedAt>#<jobId>`).
    const decidedAt = (outcome.run.result as unknown as { decidedAt: string }).decidedAt;
    // The job id's claim (a repeated request never runs twice: docs/security.md), the decision, and its copy
    expect(added.map((item) => [item.pk, item.sk]).sort()).toEqual([
      [`JOB#${jobId}`, 'CLAIM'],
      [`JOB#${jobId}`, 'DECISION'],
      ['JOBS#2026-11-21', `${decidedAt}#${jobId}`],
    ]);
  });

  it('dispatcher-eventbridge-job-requested.json (a real request): is routed to the dispatcher by the deployed rule, and defers to the cleaner slot', async () => {
    const envelope = event('dispatcher-eventbridge-job-requested.json');
    const routed = await requestedRule.route({
      Source: envelope.source as string,
      DetailType: envelope['detail-type'] as string,
      Detail: JSON.stringify(envelope.detail),
    });
    expect(routed?.detail).toEqual(envelope.detail);
    const outcome = await consoleRun<{ jobId: string; action: string; runAt: string; chosenRegion: string }>(
      fns.dispatcher!,
      envelope,
    );
    expect(outcome.run.error).toBeUndefined();
    // A 30-minute job that may wait 120 minutes: [12:00, 14:00]; eu-north-1's 10 g from 14:00 vs 30 g now.
    expect(outcome.run.result).toMatchObject({
      action: 'deferred',
      chosenRegion: 'eu-north-1',
      runAt: '2026-11-21T14:00:00.000Z',
    });
    const jobId = outcome.run.result!.jobId;
    expect(outcome.calls.filter((c) => c.service === 'lambda')).toEqual([]);
    const created = outcome.after.schedules.filter((s) => !outcome.before.schedules.some((b) => b.name === s.name));
    expect(created.map((s) => [s.group, s.name])).toEqual([['carbon-aware-scheduler-deferrals', `job-${jobId}`]]);
    const call = outcome.calls.find((c) => c.action === 'CreateSchedule')!;
    expect(callJson<{ ScheduleExpression: string }>(call).ScheduleExpression).toBe('at(2026-11-21T14:00:00)');
  });

  it('dispatcher-job-with-deadline.json (a real request): defers the 2-hour job to the cleaner slot before its deadline', async () => {
    const outcome = await consoleRun<{
      jobId: string;
      action: string;
      runAt: string;
      energy: { kWh: number; basis: string };
    }>(fns.dispatcher!, event('dispatcher-job-with-deadline.json'));
    expect(outcome.run.error).toBeUndefined();
    // [12:00, min(12:00 + 480 min, 06:00 − 2 h)] = [12:00, 20:00]; the 2-hour mean from 14:00 is 10 g.
    expect(outcome.run.result).toMatchObject({
      jobId: 'nightly-render-2026-11-21',
      action: 'deferred',
      runAt: '2026-11-21T14:00:00.000Z',
    });
    // m5.large × 2 h at 50% CPU: 2 × (0.6130 + 0.5 × 3.4912) W = 4.7172 W × 1.135 × 2 h = 10.708 Wh.
    expect(outcome.run.result!.energy.kWh).toBeCloseTo(0.010708, 6);
    expect((await schedules()).map((s) => s.Name)).toContain('job-nightly-render-2026-11-21');
  });

  // The shipped scheduled event is what EventBridge sends every 5 minutes, so it is a real run at its own time. Pasted
  // into the console at any other time it changes nothing: the scheduler acts at its clock, never at the event's
  // `time`, and a delivery more than one interval from the clock is skipped as stale (docs/run-safety.md).
  it('scheduler-scheduled-event.json pasted into the console on Saturday changes nothing', async () => {
    const outcome = await consoleRun<SchedulerResult>(fns.scheduler!, event('scheduler-scheduled-event.json'));
    expect(mutatingCalls(outcome.calls).map((c) => `${c.service}:${c.action}`)).toEqual([]);
    expect(outcome.after.ec2).toEqual(outcome.before.ec2);
    expect(outcome.after.table).toEqual(outcome.before.table);
  });

  it('scheduler-scheduled-event.json at its own time is a real tick: Monday 09:00 Berlin starts office hours, resizes the auto instance', async () => {
    const outcome = await consoleRun<SchedulerResult>(
      fns.scheduler!,
      event('scheduler-scheduled-event.json'),
      new Date('2026-11-23T08:00:10Z'),
    );
    expect(outcome.run.error).toBeUndefined();
    expect(outcome.run.result).toMatchObject({ dryRun: false, at: '2026-11-23T08:00:00.000Z' });
    const fleet = outcome.after.ec2;
    for (const id of [ids.office1, ids.office2, ids.late, ids.westOffice, ids.extended, ids.always]) {
      expect([id, fleet[id!]?.state]).toEqual([id, 'running']);
    }
    expect(fleet[ids.auto!]).toMatchObject({ state: 'running', instanceType: 'm5.xlarge' });
    for (const id of [ids.support, ids.lab, ids.monthEnd]) expect([id, fleet[id!]?.state]).toEqual([id, 'stopped']);
    // Never touched: the bad tag and the untagged instance keep running as launched.
    expect(fleet[ids.badTag!]?.state).toBe('running');
    expect(fleet[ids.untagged!]?.state).toBe('running');
  });
});
