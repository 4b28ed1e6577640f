import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoInstanceStateStore } from '../../../lambdas/adapters/dynamodb/instance-state-store';
import { InMemoryLease } from '../../../lambdas/adapters/dynamodb/lease';
import { InMemorySavingsStore } from '../../../lambdas/adapters/dynamodb/savings-store';
import { InMemoryFleet } from '../../../lambdas/adapters/ec2/in-memory-fleet';
import { staticPriceBook } from '../../../lambdas/core/accounting/price-book';
import type { CarbonLookup } from '../../../lambdas/core/carbon/lookup';
import { schedulerMetrics } from '../../../lambdas/core/scheduler/metrics';
import type { Lease } from '../../../lambdas/core/scheduler/ports';
import { runScheduler, type SchedulerPorts } from '../../../lambdas/core/scheduler/run-scheduler';
import { runTime } from '../../../lambdas/core/scheduler/tick';
import { createTestTable } from '../../support/dynamodb';
import { instance, setup } from './fixtures';

/*
 * Durability of a run's actions on dynalite (docs/scheduler.md, "Durability"): an EC2 action whose state write
 * fails, or whose run dies before writing, is recorded by the next run from the intent written before acting.
 */

let table: Awaited<ReturnType<typeof createTestTable>>;
beforeAll(async () => {
  table = await createTestTable();
});
afterAll(async () => {
  await table.drop();
});

const carbon: CarbonLookup = async (regions, now) =>
  new Map(
    regions.map((region) => [
      region,
      {
        origin: 'cached' as const,
        reading: {
          region,
          zone: 'DE',
          provider: 'electricitymaps' as const,
          signal: 'average' as const,
          gCO2ePerKWh: 300,
          observedAt: now.toISOString(),
          fetchedAt: now.toISOString(),
          isEstimated: false,
          isForecast: false,
        },
      },
    ]),
  );

/** A document client over dynalite whose state writes (not intent writes) fail while `failing` is set. */
function faultyDoc() {
  const control = { failing: false, refused: 0 };
  const client = new DynamoDBClient({
    endpoint: inject('dynamodbEndpoint'),
    region: 'eu-central-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName ?? '');
      const write = /^(BatchWrite|Update|Put)/.test(name);
      if (control.failing && write && !JSON.stringify(args.input).includes('#intent#')) {
        control.refused += 1;
        throw Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
          name: 'ProvisionedThroughputExceededException',
        });
      }
      return next(args);
    },
    { step: 'initialize', name: 'faultyStateWrites' },
  );
  return { doc, control };
}

/** A lease that hands out increasing fencing tokens, as the DynamoDB lease does. */
class TokenLease implements Lease {
  token = 0;
  async acquire(): Promise<{ readonly acquired: true; readonly token: number; readonly expiresAt: string }> {
    this.token += 1;
    return { acquired: true, token: this.token, expiresAt: '2100-01-01T00:00:00.000Z' };
  }
  async release(): Promise<void> {}
}

function world(region: string, lease: Lease = new InMemoryLease()) {
  const { config, registry } = setup({ managedRegions: [region] });
  const fleet = new InMemoryFleet([instance('i-a', { Schedule: 'office-hours' }, 'running', { region })]);
  const { doc, control } = faultyDoc();
  const states = new DynamoInstanceStateStore(doc, table.tableName, { sleep: async () => undefined });
  const savings = new InMemorySavingsStore();
  const ports: SchedulerPorts = {
    fleet,
    states,
    savings,
    lease,
    carbon,
    prices: staticPriceBook({ [region]: { 'm5.large': 0.115 } }),
  };
  const run = (at: string, extra: Partial<SchedulerPorts> = {}) => {
    const { now, tick } = runTime(new Date(at), 5);
    return runScheduler(
      { now, tick, dryRun: false, config, registry, holder: `run-${at}`, leaseSeconds: 300 },
      { ...ports, ...extra },
    );
  };
  const reader = new DynamoInstanceStateStore(table.doc, table.tableName);
  return { fleet, control, savings, run, reader };
}

describe('Module: durability of scheduler actions', () => {
  it('records a stop whose state write failed at the next run: state, stop time, history and savings', async () => {
    // Prepare: 17:55 first sight (running, nothing to do); 18:00 the schedule stops i-a and the write fails
    const w = world('eu-north-1');
    await w.run('2026-03-02T17:55:00Z');
    w.control.failing = true;

    // Act
    const failed = await w.run('2026-03-02T18:00:00Z');
    w.control.failing = false;
    w.fleet.settle();
    const next = await w.run('2026-03-02T18:05:00Z');
    const after = await w.run('2026-03-02T18:10:00Z');

    // Assess: the failed run stopped i-a, says so, and fails in phase persist (StateWriteFailures, not describe)
    expect(w.fleet.callsOf('stop').map((c) => c.instanceIds)).toEqual([['i-a']]);
    expect(failed.regions[0]).toMatchObject({ phase: 'persist' });
    expect(failed.regions[0]?.error).toMatch(/^ProvisionedThroughputExceededException: /);
    expect(failed.plan).toMatchObject([{ instanceId: 'i-a', action: 'stop', result: 'ok' }]);
    const metrics = schedulerMetrics(failed.regions);
    expect(metrics.find((m) => m.name === 'StateWriteFailures')?.value).toBe(1);
    expect(metrics.find((m) => m.name === 'ActionFailures')?.value).toBe(0);
    expect(metrics.find((m) => m.name === 'InstanceShutdown')?.value).toBe(1);
    // The next run recorded the stop at 18:00 and settled the intent
    const state = await w.reader.loadRegion('eu-north-1');
    expect(state.intents).toBeUndefined();
    expect(state.instances.get('i-a')).toMatchObject({
      state: 'stopped',
      lastAction: 'stop',
      lastActionAt: '2026-03-02T18:00:00.000Z',
      stoppedAt: '2026-03-02T18:00:00.000Z',
    });
    const history = await w.reader.history('eu-north-1', 'i-a');
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ action: 'stop', outcome: 'ok', at: '2026-03-02T18:00:00.000Z' });
    expect(w.fleet.callsOf('stop')).toHaveLength(1);
    // Savings: 18:00 → 18:05 and 18:05 → 18:10, 10 min of m5.large at $0.115/h = $0.0191667, 1/6 h
    expect(next.totals.savings.stoppedHours).toBeCloseTo(5 / 60, 9);
    expect(after.totals.savings.stoppedHours).toBeCloseTo(5 / 60, 9);
    const day = w.savings.totals.get('2026-03-02|eu-north-1');
    expect(day?.usd).toBeCloseTo((0.115 * 10) / 60, 9);
    expect(day?.stoppedHours).toBeCloseTo(10 / 60, 9);
  });

  it('records a stop whose run died between acting and recording at the next run', async () => {
    // Prepare: the run's state write never returns (the Lambda is killed); the next run has a fresh lease
    const w = world('ap-east-1');
    await w.run('2026-03-02T17:55:00Z');
    let stopped!: () => void;
    const stopSent = new Promise<void>((resolve) => {
      stopped = resolve;
    });
    const hang = w.run('2026-03-02T18:00:00Z', {
      states: {
        loadRegion: (region) => w.reader.loadRegion(region),
        recordIntent: (region, intent) => w.reader.recordIntent(region, intent),
        saveRegion: () => {
          stopped();
          return new Promise(() => undefined);
        },
      },
    });
    await stopSent;
    void hang;
    w.fleet.settle();

    // Act
    const next = await w.run('2026-03-02T18:05:00Z', { lease: new InMemoryLease() });

    // Assess
    expect(w.fleet.callsOf('stop').map((c) => c.instanceIds)).toEqual([['i-a']]);
    expect(next.errors).toEqual([]);
    const state = await w.reader.loadRegion('ap-east-1');
    expect(state.intents).toBeUndefined();
    expect(state.instances.get('i-a')).toMatchObject({ state: 'stopped', stoppedAt: '2026-03-02T18:00:00.000Z' });
    expect((await w.reader.history('ap-east-1', 'i-a')).map((h) => `${h.at} ${h.action} ${h.outcome}`)).toEqual([
      '2026-03-02T18:00:00.000Z stop ok',
    ]);
    expect(next.totals.savings.stoppedHours).toBeCloseTo(5 / 60, 9);
    expect(w.savings.totals.get('2026-03-02|ap-east-1')?.usd).toBeCloseTo((0.115 * 5) / 60, 9);
  });

  it('fencing: a late run with an older token writes nothing, and lastRunAt never moves back', async () => {
    // Prepare: run 1 (token 1) is slow; run 2 (token 2) runs the next tick and writes first
    const lease = new TokenLease();
    const w = world('sa-east-1', lease);
    await w.run('2026-03-02T19:50:00Z'); // token 1: first sight
    const before = await w.reader.loadRegion('sa-east-1');
    await w.run('2026-03-02T19:55:00Z'); // token 2
    const written = await w.reader.loadRegion('sa-east-1');

    // Act: a run holding token 1 writes late (as a run paused past its lease would)
    lease.token = 0;
    const late = await w.run('2026-03-02T19:52:00Z');

    // Assess
    expect(before.run?.lastRunAt).toBe('2026-03-02T19:50:00.000Z');
    expect(written.run?.lastRunAt).toBe('2026-03-02T19:55:00.000Z');
    expect(late.regions[0]).toMatchObject({ phase: 'persist' });
    expect(late.regions[0]?.error).toMatch(/^FencedWriteError: state of sa-east-1 was written by a newer run/);
    const now = await w.reader.loadRegion('sa-east-1');
    expect(now.run).toEqual(written.run);
    expect(now.instances.get('i-a')).toEqual(written.instances.get('i-a'));
  });

  it('fencing: the same token with an earlier lastRunAt is refused too (the run record only moves forward)', async () => {
    // Prepare
    const lease = new TokenLease();
    const w = world('me-south-1', lease);
    await w.run('2026-03-02T19:50:00Z'); // token 1
    lease.token = 1;
    await w.run('2026-03-02T20:00:00Z'); // token 2

    // Act: token 2 again (a retried write of the same run), but for an earlier time
    lease.token = 1;
    const back = await w.run('2026-03-02T19:58:00Z');

    // Assess
    expect(back.regions[0]?.phase).toBe('persist');
    expect((await w.reader.loadRegion('me-south-1')).run?.lastRunAt).toBe('2026-03-02T20:00:00.000Z');
  });
});
