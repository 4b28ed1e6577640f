import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsProxy, startAwsProxy } from './support/aws-proxy';
import { metricValues } from './support/emf';
import { clearTable, deployment, launch, localFunction, tableItems, terminateAll } from './support/fixture';
import type { LocalLambda } from './support/local-lambda';
import { instanceStates } from './support/scenario';

/**
 * Durability of the deployed scheduler (docs/scheduler.md, "Durability and fencing"): a StopInstances that succeeds
 * through the proxy while the state write to DynamoDB fails, then the next tick.
 *
 * Expected by hand: two `office-hours` m5.large in eu-west-1 on Tuesday 30 June 2026 (Berlin UTC+2, office hours
 * 06:00–16:00Z). 15:55Z: first sight, running, nothing to do. 16:00Z: both are stopped; every write of scheduler
 * state except the intent is refused (HTTP 500), so the region fails in phase `persist`, StateWriteFailures = 1 and
 * ActionFailures = 0; the intent item stays. 16:05Z: the next run records both stops at 16:00Z (state `stopped`,
 * `stoppedAt` 16:00Z, one history item each), deletes the intent, and adds 2 × 5 min stopped = 1/6 h × $0.107
 * (m5.large in eu-west-1, bundled snapshot) = $0.0178333 to SAVINGS#2026-06-30 / eu-west-1.
 */

const REGION = 'eu-west-1';
/** A real run from a direct invocation (docs/run-safety.md): the console needs the explicit confirmation. */
const REAL_RUN = { dryRun: false, confirmRealRun: true };

interface SchedulerResult {
  plan: { instanceId: string; action: string; result?: string }[];
  errors: { region?: string; message: string }[];
}

describe('Integration: a stop whose state write fails is recorded by the next tick', () => {
  const d = deployment();
  let proxy: AwsProxy;
  let scheduler: LocalLambda;
  let ids: string[] = [];

  beforeAll(async () => {
    await terminateAll(['eu-central-1', REGION, 'us-east-1']);
    await clearTable();
    proxy = await startAwsProxy({ target: d.endpoint });
    scheduler = localFunction('Scheduler', { endpoint: proxy.url });
    ids = await launch(REGION, 2, 'm5.large', { Schedule: 'office-hours' });
  });

  afterAll(async () => {
    await scheduler.stop();
    await proxy.close();
    await terminateAll([REGION]);
  });

  const stateItems = async () => (await tableItems()).filter((item) => String(item.pk) === `INSTANCE#${REGION}`);

  it('15:55Z: first sight, nothing to do', async () => {
    const run = await scheduler.invoke<SchedulerResult>(REAL_RUN, { at: new Date('2026-06-30T15:55:00Z') });
    expect(run.error).toBeUndefined();
    expect(run.result!.errors).toEqual([]);
    expect(run.result!.plan.map((p) => p.action)).toEqual(['none', 'none']);
  });

  it('16:00Z: the stop succeeds, the state write fails: phase persist, StateWriteFailures, the intent stays', async () => {
    const refuse = proxy.inject({
      match: {
        service: 'dynamodb',
        action: ['BatchWriteItem', 'PutItem', 'UpdateItem'],
        where: (call) => call.body.includes(`INSTANCE#${REGION}`) && !call.body.includes('#intent#'),
      },
      fault: { kind: 'error', status: 500, code: 'InternalServerError', message: 'injected' },
    });
    const run = await scheduler.invoke<SchedulerResult>(REAL_RUN, { at: new Date('2026-06-30T16:00:00Z') });
    refuse.remove();

    expect(run.error).toBeUndefined();
    expect(refuse.fired).toBeGreaterThan(0);
    expect(run.result!.errors).toEqual([{ region: REGION, message: expect.stringMatching(/^InternalServerError: /) }]);
    expect(run.result!.plan.map((p) => `${p.action} ${p.result}`)).toEqual(['stop ok', 'stop ok']);
    expect(metricValues(run.output, 'StateWriteFailures')).toEqual([1]);
    expect(metricValues(run.output, 'ActionFailures')).toEqual([0]);
    const states = await instanceStates(REGION);
    expect(ids.map((id) => states.get(id))).toEqual(['stopped', 'stopped']);
    const items = await stateItems();
    expect(items.filter((i) => String(i.sk).startsWith('#intent#'))).toHaveLength(1);
    expect(items.filter((i) => String(i.sk).startsWith('i-')).map((i) => i.state)).toEqual(['running', 'running']);
  });

  it('16:05Z: the next tick records both stops at 16:00Z, settles the intent and counts the savings', async () => {
    const run = await scheduler.invoke<SchedulerResult>(REAL_RUN, { at: new Date('2026-06-30T16:05:00Z') });
    expect(run.error).toBeUndefined();
    expect(run.result!.errors).toEqual([]);

    const all = await tableItems();
    const items = all.filter((item) => String(item.pk) === `INSTANCE#${REGION}`);
    expect(items.filter((i) => String(i.sk).startsWith('#intent#'))).toEqual([]);
    for (const id of ids) {
      expect(items.find((i) => i.sk === id)).toMatchObject({
        state: 'stopped',
        lastAction: 'stop',
        lastActionAt: '2026-06-30T16:00:00.000Z',
        stoppedAt: '2026-06-30T16:00:00.000Z',
      });
      const history = all.filter((i) => i.pk === `HISTORY#${REGION}#${id}`);
      expect(history.map((h) => `${h.sk} ${h.outcome}`)).toEqual(['2026-06-30T16:00:00.000Z#stop ok']);
    }
    const saved = all.find((i) => i.pk === 'SAVINGS#2026-06-30' && i.sk === REGION);
    expect(saved?.stoppedHours as number).toBeCloseTo(2 * (5 / 60), 9);
    expect(saved?.usd as number).toBeCloseTo(2 * 0.107 * (5 / 60), 9);
  });
});
