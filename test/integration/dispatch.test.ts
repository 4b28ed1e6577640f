import { DeleteScheduleCommand } from '@aws-sdk/client-scheduler';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteAllSchedules, ensureDeferralScheduleGroup, schedulerClient, schedules } from './support/account-state';
import { type AwsProxy, callJson, startAwsProxy } from './support/aws-proxy';
import {
  type ElectricityMapsReplay,
  ensureElectricityMapsSecret,
  startElectricityMapsReplay,
  traceByRegion,
} from './support/carbon-replay';
import { metricValues } from './support/emf';
import { type MirrorRule, mirrorDeployedRule, putEventsAccepted, putEventsEntries } from './support/event-routing';
import { clearTable, clients, deployment, localFunction, tableName } from './support/fixture';
import type { LocalLambda } from './support/local-lambda';

/*
 * Dispatch on the deployed bundles: the carbon fetcher stores readings from a loopback Electricity Maps, the
 * dispatcher ranks the allowed regions by them and invokes the worker of the cleanest one (observed through the
 * recording proxy, since moto cannot run the worker), fails over when that invoke fails, defers a job with a
 * deadline to a cleaner forecast slot with an EventBridge Scheduler schedule; the schedule is then "fired" (moto
 * does not fire schedules), the worker runs in-process, its JobCompleted event is routed by the deployed rule's
 * pattern and the outcome recorder stores the outcome.
 *
 * Expectations worked out by hand from docs/dispatch.md and docs/accounting.md with the scenario config: allowed
 * regions = the default workerRegions (eu-north-1, eu-west-3, eu-central-1, us-east-1, us-west-2), home
 * eu-central-1, PUE 1.135 everywhere, minDeferImprovementPercent 5, defaultMaxDeferMinutes 240, Electricity Maps
 * grace 5,400 s (fresh readings carry no penalty).
 */

const HOME = 'eu-central-1';
const NOON = '2026-11-21T12:00:00.000Z';
// gCO2e/kWh at noon, per region (eu-west-1 is a managed region, not a dispatch candidate).
const NOON_READINGS = {
  'eu-north-1': 30,
  'eu-west-3': 45,
  'us-west-2': 150,
  'eu-west-1': 290,
  'eu-central-1': 380,
  'us-east-1': 410,
} as const;
const flat = (g: number) => Array.from({ length: 24 }, () => g);
// France dips to 5 g for the hour from 15:00 (hourly points from noon); every other zone stays flat.
const FRANCE_FORECAST = [45, 45, 45, 5, ...Array.from({ length: 20 }, () => 45)];

function noonTrace() {
  return traceByRegion(
    NOON,
    Object.fromEntries(
      Object.entries(NOON_READINGS).map(([region, g]) => [
        region,
        { g, forecast: region === 'eu-west-3' ? FRANCE_FORECAST : flat(g) },
      ]),
    ),
  );
}

interface Candidate {
  rank: number;
  region: string;
  zone: string;
  provider: string;
  origin: string;
  gCO2ePerKWh: number;
  adjustedGCO2ePerKWh: number;
}
interface Decision {
  jobId: string;
  action: string;
  chosenRegion?: string;
  runAt?: string;
  decidedAt: string;
  candidates: Candidate[];
  attempts: { region: string; outcome: string; error?: string }[];
  averageGCO2ePerKWh: number;
  home: { region: string; gCO2ePerKWh: number };
  emissions?: { homeGrams: number; chosenGrams: number; savedGrams: number; homeKWh: number; chosenKWh: number };
  deferral?: { scheduleName: string; start: string; meanGCO2ePerKWh: number; baselineGCO2ePerKWh: number };
  recorded: boolean;
}

describe('Integration: dispatch on the deployed bundles (ranking, failover, deferral, completion)', () => {
  const d = deployment();
  let proxy: AwsProxy;
  let replay: ElectricityMapsReplay;
  let fetcher: LocalLambda;
  let dispatcher: LocalLambda;
  const workers = new Map<string, LocalLambda>();
  let completedRule: MirrorRule;
  let requestedRule: MirrorRule;

  const invokes = () => proxy.find({ service: 'lambda', action: 'Invoke' });
  const decisionItem = async (jobId: string, sk = 'DECISION') =>
    (await clients(HOME).doc.send(new GetCommand({ TableName: tableName(), Key: { pk: `JOB#${jobId}`, sk } }))).Item as
      | Record<string, unknown>
      | undefined;
  const worker = (region: string) => {
    let w = workers.get(region);
    if (!w) {
      w = localFunction('Worker', { stackName: `CarbonAwareScheduler-Worker-${region}`, endpoint: proxy.url });
      workers.set(region, w);
    }
    return w;
  };

  beforeAll(async () => {
    await clearTable();
    await deleteAllSchedules();
    await ensureDeferralScheduleGroup();
    await ensureElectricityMapsSecret();
    proxy = await startAwsProxy({ target: d.endpoint });
    // moto fails PutEvents that match a rule with a Lambda target (the deployed JobCompleted rule): the proxy
    // answers the worker's PutEvents as EventBridge would, and the test routes the recorded entries itself.
    proxy.inject({
      match: { service: 'events', action: 'PutEvents' },
      fault: {
        kind: 'answer',
        respond: (call) => ({
          status: 200,
          headers: { 'content-type': 'application/x-amz-json-1.1' },
          body: putEventsAccepted(call.body),
        }),
      },
    });
    replay = await startElectricityMapsReplay(noonTrace());
    fetcher = localFunction('CarbonFetcher', { extraEnvironment: replay.environment });
    dispatcher = localFunction('Dispatcher', { endpoint: proxy.url });
    completedRule = await mirrorDeployedRule('JobCompletedRule');
    requestedRule = await mirrorDeployedRule('JobRequestedRule');
    const fetched = await fetcher.invoke<{ stored: boolean; regions: { region: string; origin: string }[] }>(
      {},
      { at: new Date(NOON) },
    );
    expect(fetched.error).toBeUndefined();
    expect(fetched.result!.stored).toBe(true);
    expect(fetched.result!.regions.map((r) => [r.region, r.origin])).toEqual(
      Object.keys(NOON_READINGS)
        .sort()
        .map((region) => [region, 'live']),
    );
  });

  afterAll(async () => {
    for (const fn of [fetcher, dispatcher, ...workers.values()]) await fn?.stop();
    await completedRule?.close();
    await requestedRule?.close();
    await replay?.close();
    await proxy?.close();
    await deleteAllSchedules();
  });

  it('ranks the allowed regions by the stored readings and invokes the worker of the cleanest one', async () => {
    proxy.clearCalls();
    const run = await dispatcher.invoke<Decision>(
      { job: { kind: 'report-location', id: 'flow-rank', estimatedKWh: 0.5 } },
      { at: new Date('2026-11-21T12:01:00Z') },
    );
    expect(run.error).toBeUndefined();
    const decision = run.result!;
    // Ranked by adjusted intensity; the readings are a minute old, well inside the 90-minute grace: no penalty.
    expect(decision.candidates.map((c) => [c.rank, c.region, c.zone, c.gCO2ePerKWh, c.adjustedGCO2ePerKWh])).toEqual([
      [1, 'eu-north-1', 'SE-SE3', 30, 30],
      [2, 'eu-west-3', 'FR', 45, 45],
      [3, 'us-west-2', 'US-NW-PACW', 150, 150],
      [4, 'eu-central-1', 'DE', 380, 380],
      [5, 'us-east-1', 'US-MIDA-PJM', 410, 410],
    ]);
    expect(decision.candidates.every((c) => c.provider === 'electricitymaps' && c.origin === 'cached')).toBe(true);
    expect(decision).toMatchObject({ action: 'dispatched', chosenRegion: 'eu-north-1', recorded: true });
    expect(decision.averageGCO2ePerKWh).toBeCloseTo((30 + 45 + 150 + 380 + 410) / 5, 6);
    expect(decision.home).toMatchObject({ region: HOME, gCO2ePerKWh: 380 });
    // estimatedKWh is the job's grid energy, taken as given (no PUE added): 0.5 kWh at home at 380 g/kWh = 190 g,
    // in eu-north-1 at 30 g/kWh = 15 g; saved 175 g.
    expect(decision.emissions).toMatchObject({ homeKWh: 0.5, chosenKWh: 0.5 });
    expect(decision.emissions!.homeGrams).toBeCloseTo(190, 9);
    expect(decision.emissions!.chosenGrams).toBeCloseTo(15, 9);
    expect(decision.emissions!.savedGrams).toBeCloseTo(175, 9);
    expect(decision.attempts.map((a) => [a.region, a.outcome])).toEqual([['eu-north-1', 'invoked']]);

    // The one worker invoke, asynchronous, to the worker ARN of eu-north-1 with the job and its dispatch context.
    expect(invokes().map((c) => [c.region, c.resource, c.headers['x-amz-invocation-type'], c.status])).toEqual([
      ['eu-north-1', 'arn:aws:lambda:eu-north-1:123456789012:function:carbon-aware-scheduler-worker', 'Event', 202],
    ]);
    const payload = callJson<{ jobId: string; job: unknown; dispatch: Record<string, unknown> }>(invokes()[0]!);
    expect(payload.jobId).toBe('flow-rank');
    expect(payload.job).toEqual({ kind: 'report-location', id: 'flow-rank', estimatedKWh: 0.5 });
    expect(payload.dispatch).toMatchObject({
      region: 'eu-north-1',
      homeRegion: HOME,
      zone: 'SE-SE3',
      provider: 'electricitymaps',
      gCO2ePerKWh: 30,
      homeGCO2ePerKWh: 380,
      attempt: 1,
    });
    expect(proxy.find({ service: 'scheduler' })).toEqual([]);

    expect(await decisionItem('flow-rank')).toMatchObject({ action: 'dispatched', chosenRegion: 'eu-north-1' });
    expect(metricValues(run.output, 'DispatchedJobs', { Region: 'eu-north-1' })).toEqual([1]);
    expect(metricValues(run.output, 'DispatchCarbonSaved')).toHaveLength(1);
    expect(metricValues(run.output, 'DispatchCarbonSaved')[0]).toBeCloseTo(175, 9);
  });

  it('fails over to the next region when the invoke of the cleanest one is throttled', async () => {
    proxy.clearCalls();
    const throttled = proxy.inject({
      match: { service: 'lambda', action: 'Invoke', region: 'eu-north-1' },
      fault: { kind: 'throttle' },
    });
    const run = await dispatcher.invoke<Decision>(
      { job: { kind: 'report-location', id: 'flow-failover', estimatedKWh: 0.5 } },
      { at: new Date('2026-11-21T12:02:00Z') },
    );
    throttled.remove();
    expect(run.error).toBeUndefined();
    const decision = run.result!;
    expect(decision).toMatchObject({ action: 'dispatched', chosenRegion: 'eu-west-3', recorded: true });
    expect(decision.attempts.map((a) => [a.region, a.outcome])).toEqual([
      ['eu-north-1', 'failed'],
      ['eu-west-3', 'invoked'],
    ]);
    expect(decision.attempts[0]!.error).toMatch(/TooManyRequestsException/);
    // eu-north-1 was throttled on each of the SDK's 3 attempts (standard retry mode), then eu-west-3 accepted the job.
    const calls = invokes();
    const north = calls.filter((c) => c.region === 'eu-north-1');
    expect(north.map((c) => [c.fault, c.status])).toEqual([
      ['throttle', 429],
      ['throttle', 429],
      ['throttle', 429],
    ]);
    expect(calls.slice(north.length).map((c) => [c.region, c.status])).toEqual([['eu-west-3', 202]]);
    expect(callJson<{ dispatch: { attempt: number; region: string } }>(calls.at(-1)!).dispatch).toMatchObject({
      region: 'eu-west-3',
      attempt: 2,
    });
    // Saved against home: 0.5 kWh × (380 − 45) g/kWh = 167.5 g.
    expect(decision.emissions!.savedGrams).toBeCloseTo(167.5, 9);
    const stored = await decisionItem('flow-failover');
    expect((stored!.attempts as { region: string; outcome: string }[]).map((a) => [a.region, a.outcome])).toEqual([
      ['eu-north-1', 'failed'],
      ['eu-west-3', 'invoked'],
    ]);
    expect(metricValues(run.output, 'DispatchInvokeErrors', { Region: 'eu-north-1' })).toEqual([1]);
    expect(metricValues(run.output, 'DispatchedJobs', { Region: 'eu-west-3' })).toEqual([1]);
  });

  it('records, counts and returns a failed decision when every allowed worker invoke fails', async () => {
    proxy.clearCalls();
    const missing = proxy.inject({
      match: { service: 'lambda', action: 'Invoke' },
      fault: { kind: 'error', status: 404, code: 'ResourceNotFoundException', message: 'Function not found' },
    });
    const run = await dispatcher.invoke<Decision>(
      {
        job: { kind: 'report-location', id: 'flow-all-fail', estimatedKWh: 0.5 },
        regions: ['eu-west-3', 'eu-north-1'],
      },
      { at: new Date('2026-11-21T12:03:00Z') },
    );
    missing.remove();
    // An operational failure: the invocation succeeds and returns the failed decision (docs/architecture.md, "Errors")
    expect(run.error).toBeUndefined();
    expect(run.result).toMatchObject({ jobId: 'flow-all-fail', action: 'failed', recorded: true });
    // Cleanest first, then the next: one attempt per allowed region (a missing function is not retried).
    expect(invokes().map((c) => c.region)).toEqual(['eu-north-1', 'eu-west-3']);
    const stored = await decisionItem('flow-all-fail');
    expect(stored).toMatchObject({ action: 'failed' });
    expect((stored!.attempts as { region: string; outcome: string }[]).map((a) => [a.region, a.outcome])).toEqual([
      ['eu-north-1', 'failed'],
      ['eu-west-3', 'failed'],
    ]);
    expect(metricValues(run.output, 'DispatchFailures')).toEqual([1]);
    expect(metricValues(run.output, 'DispatchInvokeErrors', { Region: 'eu-north-1' })).toEqual([1]);
    expect(metricValues(run.output, 'DispatchInvokeErrors', { Region: 'eu-west-3' })).toEqual([1]);
  });

  it('defers a job with a deadline to the cleaner forecast slot, runs it when the schedule fires, and records the outcome', async () => {
    proxy.clearCalls();
    const dispatcherArn = dispatcher.spec.functionArn;
    const roleArn = dispatcher.spec.environment.DISPATCH_SCHEDULER_ROLE_ARN;
    expect(roleArn).toMatch(/^arn:aws:iam::123456789012:role\//);

    // 12:05: a 60-minute job due by 20:00 may start in [12:05, min(12:05 + 240 min, 20:00 − 60 min)] =
    // [12:05, 16:05]. The lowest mean over an hour is France's 5 g from 15:00 (the forecast's step holds each
    // value for its hour); now the cleanest region runs at 30 g: (30 − 5) / 30 = 83% ≥ 5% → deferred to 15:00.
    const request = {
      job: { kind: 'report-location', id: 'flow-defer', durationMinutes: 60 },
      deadline: '2026-11-21T20:00:00Z',
    };
    const deferred = await dispatcher.invoke<Decision>(request, { at: new Date('2026-11-21T12:05:00Z') });
    expect(deferred.error).toBeUndefined();
    expect(deferred.result).toMatchObject({
      action: 'deferred',
      chosenRegion: 'eu-west-3',
      runAt: '2026-11-21T15:00:00.000Z',
      recorded: true,
    });
    expect(deferred.result!.deferral).toMatchObject({
      scheduleName: 'job-flow-defer',
      start: '2026-11-21T15:00:00.000Z',
      meanGCO2ePerKWh: 5,
      baselineGCO2ePerKWh: 30,
    });
    expect(invokes()).toEqual([]);
    expect(metricValues(deferred.output, 'DeferredJobs')).toEqual([1]);
    expect(await decisionItem('flow-defer')).toMatchObject({ action: 'deferred' });

    // The one-time schedule in moto's EventBridge Scheduler: at 15:00 UTC, deleted after it fires, invoking the
    // dispatcher (with the scheduler role) with the same job, noDefer and where it was deferred from.
    const created = await schedules();
    expect(created.map((s) => [s.GroupName, s.Name])).toEqual([['carbon-aware-scheduler-deferrals', 'job-flow-defer']]);
    const schedule = created[0]!;
    expect(schedule).toMatchObject({
      ScheduleExpression: 'at(2026-11-21T15:00:00)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      State: 'ENABLED',
    });
    expect(schedule.Target).toMatchObject({ Arn: dispatcherArn, RoleArn: roleArn });
    const input = JSON.parse(schedule.Target!.Input!) as Record<string, unknown>;
    expect(input).toMatchObject({
      job: request.job,
      deadline: request.deadline,
      noDefer: true,
      deferredFrom: { scheduleName: 'job-flow-defer', plannedStart: '2026-11-21T15:00:00.000Z' },
    });

    // 15:00: the fetcher (every 5 minutes) has France's live 5 g; the schedule fires: EventBridge Scheduler invokes
    // the dispatcher with its input, then deletes the one-time schedule (ActionAfterCompletion DELETE).
    replay.setTrace(
      traceByRegion(
        '2026-11-21T15:00:00.000Z',
        Object.fromEntries(
          Object.entries(NOON_READINGS).map(([region, g]) => [region, { g: region === 'eu-west-3' ? 5 : g }]),
        ),
      ),
    );
    const refetched = await fetcher.invoke<{ stored: boolean }>({}, { at: new Date('2026-11-21T15:00:00Z') });
    expect(refetched.result?.stored).toBe(true);
    proxy.clearCalls();
    const fired = await dispatcher.invoke<Decision>(input, { at: new Date('2026-11-21T15:00:02Z') });
    await schedulerClient().send(new DeleteScheduleCommand({ Name: schedule.Name!, GroupName: schedule.GroupName! }));
    expect(fired.error).toBeUndefined();
    expect(fired.result).toMatchObject({ action: 'dispatched', chosenRegion: 'eu-west-3', recorded: true });
    expect(fired.result!.candidates[0]).toMatchObject({ region: 'eu-west-3', gCO2ePerKWh: 5 });
    const sent = invokes();
    expect(sent.map((c) => [c.region, c.status])).toEqual([['eu-west-3', 202]]);
    expect(proxy.find({ service: 'scheduler', action: 'CreateSchedule' })).toEqual([]);

    // The worker of eu-west-3 runs the job in-process with exactly what the dispatcher sent, and reports home.
    proxy.clearCalls();
    const workerEvent = callJson(sent[0]!);
    const ran = await worker('eu-west-3').invoke<Record<string, unknown>>(workerEvent, {
      at: new Date('2026-11-21T15:00:05Z'),
    });
    expect(ran.error).toBeUndefined();
    expect(ran.result).toMatchObject({
      jobId: 'flow-defer',
      kind: 'report-location',
      region: 'eu-west-3',
      outcome: 'ok',
      attempt: 1,
      decidedAt: fired.result!.decidedAt,
      reported: true,
    });
    expect(JSON.stringify(ran.result!.result)).toMatch(/eu-west-3/);

    // Its JobCompleted event went to the home region's job bus.
    const puts = proxy.find({ service: 'events', action: 'PutEvents' });
    expect(puts.map((c) => c.region)).toEqual([HOME]);
    const entries = putEventsEntries(puts[0]!.body);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      EventBusName: `arn:aws:events:${HOME}:123456789012:event-bus/carbon-aware-scheduler-jobs`,
      Source: 'carbon-aware-scheduler',
      DetailType: 'JobCompleted',
    });
    const detail = JSON.parse(entries[0]!.Detail!) as Record<string, unknown>;
    expect(detail).toMatchObject({ jobId: 'flow-defer', region: 'eu-west-3', outcome: 'ok' });

    // Routed by the deployed rules' patterns (moto's matcher): the JobCompleted rule takes it, JobRequested does not.
    expect(await requestedRule.route(entries[0]!)).toBeUndefined();
    const delivered = await completedRule.route(entries[0]!);
    expect(delivered).toMatchObject({ source: 'carbon-aware-scheduler', 'detail-type': 'JobCompleted', detail });

    // The outcome recorder (the rule's target) stores the outcome.
    const recorder = localFunction('OutcomeRecorder');
    try {
      const recorded = await recorder.invoke<{ recorded: boolean }>(delivered, {
        at: new Date('2026-11-21T15:00:06Z'),
      });
      expect(recorded.error).toBeUndefined();
      expect(recorded.result).toMatchObject({ recorded: true, dryRun: false });
      expect(metricValues(recorded.output, 'JobsCompleted', { Outcome: 'ok', Region: 'eu-west-3' })).toEqual([1]);
    } finally {
      await recorder.stop();
    }
    const outcome = await decisionItem('flow-defer', 'OUTCOME');
    expect(outcome).toMatchObject({ jobId: 'flow-defer', region: 'eu-west-3', outcome: 'ok', kind: 'report-location' });
    expect(outcome?.recordedAt).toEqual(expect.any(String));
    expect(await decisionItem('flow-defer')).toMatchObject({ action: 'dispatched', chosenRegion: 'eu-west-3' });
  });
});
