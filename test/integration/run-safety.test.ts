import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AwsProxy, startAwsProxy } from './support/aws-proxy';
import { clearTable, deployment, launch, localFunction, tableItems, terminateAll } from './support/fixture';
import type { LocalLambda } from './support/local-lambda';
import { instanceStates } from './support/scenario';

/**
 * Run safety of the deployed scheduler against moto, through the fault proxy (docs/run-safety.md): a stale
 * delivery, two overlapping runs, a regional endpoint that hangs, and throttled StopInstances.
 *
 * Expected by hand: `office-hours` m5.large instances on Tuesday 30 June 2026 (Berlin UTC+2, so office hours are
 * 06:00–16:00Z). 15:55Z is inside the period (first sight, nothing to do); 16:00Z is the period's end, when each
 * running instance is stopped.
 */

const WEST = 'eu-west-1';
const EAST = 'us-east-1';
const REGIONS = ['eu-central-1', WEST, EAST];
const REAL_RUN = { dryRun: false, confirmRealRun: true };
const FIRST_SIGHT = new Date('2026-06-30T15:55:00Z');
const PERIOD_END = new Date('2026-06-30T16:00:00Z');

interface SchedulerResult {
  status: 'completed' | 'skipped';
  skippedReason?: string;
  plan: { instanceId: string; region: string; action: string; result?: string }[];
  errors: { region?: string; message: string }[];
}

/** The shipped scheduled event with its `time` replaced. */
function scheduledEvent(time: string): unknown {
  const event = JSON.parse(
    readFileSync(new URL('../../events/scheduler-scheduled-event.json', import.meta.url), 'utf8'),
  );
  return { ...event, time };
}

describe('Integration: run safety of the deployed scheduler', () => {
  const d = deployment();
  let proxy: AwsProxy;
  let scheduler: LocalLambda;
  let west: string[] = [];
  let east: string[] = [];

  beforeAll(async () => {
    proxy = await startAwsProxy({ target: d.endpoint });
  });

  beforeEach(async () => {
    await terminateAll(REGIONS);
    await clearTable();
    scheduler = localFunction('Scheduler', { endpoint: proxy.url });
    west = await launch(WEST, 2, 'm5.large', { Schedule: 'office-hours' });
    east = await launch(EAST, 2, 'm5.large', { Schedule: 'office-hours' });
    const first = await scheduler.invoke<SchedulerResult>(REAL_RUN, { at: FIRST_SIGHT });
    expect(first.error).toBeUndefined();
    expect(first.result!.plan.map((p) => p.action)).toEqual(['none', 'none', 'none', 'none']);
    proxy.clearCalls();
  });

  afterEach(async () => {
    proxy.clearFaults();
    await scheduler.stop();
  });

  afterAll(async () => {
    await proxy.close();
    await terminateAll(REGIONS);
  });

  const states = async (region: string, ids: readonly string[]) => {
    const all = await instanceStates(region);
    return ids.map((id) => all.get(id));
  };

  it('a scheduled delivery 15 minutes old (three intervals) is skipped: nothing stopped, nothing written', async () => {
    const before = (await tableItems()).length;
    const run = await scheduler.invoke<SchedulerResult>(scheduledEvent('2026-06-30T15:45:00Z'), { at: PERIOD_END });

    expect(run.error).toBeUndefined();
    expect(run.result!.status).toBe('skipped');
    expect(run.result!.skippedReason).toMatch(/^stale delivery: the event time 2026-06-30T15:45:00/);
    expect(await states(WEST, west)).toEqual(['running', 'running']);
    expect(proxy.find({ service: 'ec2', action: ['StopInstances', 'StartInstances'] })).toEqual([]);
    expect((await tableItems()).length).toBe(before);
  });

  it('an on-time scheduled delivery acts at the clock', async () => {
    const run = await scheduler.invoke<SchedulerResult>(scheduledEvent('2026-06-30T16:00:00Z'), { at: PERIOD_END });

    expect(run.error).toBeUndefined();
    expect(run.result!.status).toBe('completed');
    expect(await states(WEST, west)).toEqual(['stopped', 'stopped']);
    expect(await states(EAST, east)).toEqual(['stopped', 'stopped']);
  });

  it('two overlapping runs: the second is skipped by the lease and the instances are stopped once', async () => {
    // Run A's DescribeInstances calls are held 4 s each; run B (a second container) starts 1 s into A.
    const slow = proxy.inject({
      match: { service: 'ec2', action: 'DescribeInstances' },
      fault: { kind: 'delay', ms: 4_000 },
      times: REGIONS.length,
    });
    const other = localFunction('Scheduler', { endpoint: proxy.url });
    try {
      const runA = scheduler.invoke<SchedulerResult>(REAL_RUN, { at: PERIOD_END });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const b = await other.invoke<SchedulerResult>(REAL_RUN, { at: new Date(PERIOD_END.getTime() + 1_000) });
      const a = await runA;

      expect(slow.fired).toBe(REGIONS.length);
      expect(b.result!.status).toBe('skipped');
      expect(b.result!.skippedReason).toMatch(/^another scheduler run \(.+\) holds the lease until /);
      expect(a.result!.status).toBe('completed');
      expect(a.result!.errors).toEqual([]);
      const stops = proxy.find({ service: 'ec2', action: 'StopInstances' });
      expect(stops.map((c) => c.region).sort()).toEqual([WEST, EAST]);
      expect(await states(WEST, west)).toEqual(['stopped', 'stopped']);
    } finally {
      await other.stop();
    }
  });

  it('a regional endpoint that hangs once: the request times out (20 s), the retry succeeds, every region acts', async () => {
    const hang = proxy.inject({
      match: { service: 'ec2', action: 'DescribeInstances', region: EAST },
      fault: { kind: 'hang' },
      times: 1,
    });
    const run = await scheduler.invoke<SchedulerResult>(REAL_RUN, { at: PERIOD_END });

    expect(hang.fired).toBe(1);
    expect(run.error).toBeUndefined();
    expect(run.result!.errors).toEqual([]);
    // The client's request timeout (lambdas/adapters/aws-client.ts) is what ends the hung call.
    expect(run.durationMs).toBeGreaterThanOrEqual(20_000);
    expect(run.durationMs).toBeLessThan(120_000);
    expect(proxy.find({ service: 'ec2', action: 'DescribeInstances', region: EAST }).length).toBe(2);
    expect(await states(EAST, east)).toEqual(['stopped', 'stopped']);
    expect(await states(WEST, west)).toEqual(['stopped', 'stopped']);
  }, 180_000);

  it('StopInstances throttled twice in a region: retried with backoff inside the run, both stopped, no failure', async () => {
    const throttle = proxy.inject({
      match: { service: 'ec2', action: 'StopInstances', region: WEST },
      fault: { kind: 'throttle' },
      times: 2,
    });
    const run = await scheduler.invoke<SchedulerResult>(REAL_RUN, { at: PERIOD_END });

    expect(throttle.fired).toBe(2);
    expect(run.error).toBeUndefined();
    expect(run.result!.errors).toEqual([]);
    expect(run.result!.plan.filter((p) => p.region === WEST).map((p) => `${p.action} ${p.result}`)).toEqual([
      'stop ok',
      'stop ok',
    ]);
    expect(proxy.find({ service: 'ec2', action: 'StopInstances', region: WEST }).length).toBeGreaterThanOrEqual(3);
    expect(await states(WEST, west)).toEqual(['stopped', 'stopped']);
  }, 120_000);

  it('killed between acting and recording: the next tick records the stops from the intent', async () => {
    // Every scheduler-state write of eu-west-1 except the intent hangs; once one hangs, the container is killed.
    const hung = proxy.inject({
      match: {
        service: 'dynamodb',
        action: ['BatchWriteItem', 'PutItem', 'UpdateItem'],
        where: (call) => call.body.includes(`INSTANCE#${WEST}`) && !call.body.includes('#intent#'),
      },
      fault: { kind: 'hang' },
    });
    const killed = scheduler.invoke<SchedulerResult>(REAL_RUN, { at: PERIOD_END });
    const waitUntil = Date.now() + 60_000;
    while (hung.fired === 0 && Date.now() < waitUntil) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(hung.fired).toBeGreaterThan(0);
    await scheduler.stop();
    expect((await killed).phase).toBe('crash');
    proxy.clearFaults();

    // EC2 acted; the table holds the intent and the old records only.
    expect(await states(WEST, west)).toEqual(['stopped', 'stopped']);
    const before = (await tableItems()).filter((i) => String(i.pk) === `INSTANCE#${WEST}`);
    expect(before.filter((i) => String(i.sk).startsWith('#intent#'))).toHaveLength(1);
    expect(before.filter((i) => String(i.sk).startsWith('i-')).map((i) => i.state)).toEqual(['running', 'running']);

    // 16:05Z, a new container (the killed run's lease lapsed at 16:02:30Z): both stops recorded at 16:00Z.
    scheduler = localFunction('Scheduler', { endpoint: proxy.url });
    const next = await scheduler.invoke<SchedulerResult>(REAL_RUN, { at: new Date('2026-06-30T16:05:00Z') });
    expect(next.error).toBeUndefined();
    expect(next.result!.errors).toEqual([]);
    const after = (await tableItems()).filter((i) => String(i.pk) === `INSTANCE#${WEST}`);
    expect(after.filter((i) => String(i.sk).startsWith('#intent#'))).toEqual([]);
    for (const id of west) {
      expect(after.find((i) => i.sk === id)).toMatchObject({
        state: 'stopped',
        lastAction: 'stop',
        stoppedAt: '2026-06-30T16:00:00.000Z',
      });
    }
  }, 120_000);
});
