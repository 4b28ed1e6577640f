import { describe, expect, it } from 'vitest';
import { InMemoryInstanceStateStore } from '../../../lambdas/adapters/dynamodb/instance-state-store';
import { InMemoryLease } from '../../../lambdas/adapters/dynamodb/lease';
import { InMemorySavingsStore } from '../../../lambdas/adapters/dynamodb/savings-store';
import { InMemoryFleet } from '../../../lambdas/adapters/ec2/in-memory-fleet';
import { staticPriceBook } from '../../../lambdas/core/accounting/price-book';
import type { CarbonLookup } from '../../../lambdas/core/carbon/lookup';
import type { SourcedReading } from '../../../lambdas/core/carbon/reading';
import type { ConfigInput } from '../../../lambdas/core/config/schema';
import type { InstanceFacts } from '../../../lambdas/core/scheduler/instance-facts';
import { schedulerMetrics } from '../../../lambdas/core/scheduler/metrics';
import type { AutoResizeSource } from '../../../lambdas/core/scheduler/ports';
import { runScheduler, type SchedulerPorts } from '../../../lambdas/core/scheduler/run-scheduler';
import { runTime } from '../../../lambdas/core/scheduler/tick';
import { instance, setup } from './fixtures';

/** A carbon lookup answering a fixed cached Electricity Maps value per region, observed at `now`. */
function carbonAt(values: Record<string, number>): CarbonLookup {
  return async (regions, now) =>
    new Map(
      regions.map((region): [string, SourcedReading] => [
        region,
        {
          origin: 'cached',
          reading: {
            region,
            zone: 'DE',
            provider: 'electricitymaps',
            signal: 'average',
            gCO2ePerKWh: values[region] ?? 300,
            observedAt: now.toISOString(),
            fetchedAt: now.toISOString(),
            isEstimated: false,
            isForecast: false,
          },
        },
      ]),
    );
}

function world(instances: InstanceFacts[], configInput: ConfigInput = {}, carbon: Record<string, number> = {}) {
  const { config, registry } = setup({ managedRegions: ['eu-central-1', 'eu-west-1'], ...configInput });
  const fleet = new InMemoryFleet(instances);
  const states = new InMemoryInstanceStateStore();
  const savings = new InMemorySavingsStore();
  const lease = new InMemoryLease();
  const ports: SchedulerPorts = {
    fleet,
    states,
    savings,
    lease,
    carbon: carbonAt(carbon),
    prices: staticPriceBook({ 'eu-central-1': { 'm5.large': 0.115, 'm5.xlarge': 0.23, 'm7g.large': 0.0952 } }),
  };
  const run = (at: string, extra: { dryRun?: boolean; holder?: string; ports?: Partial<SchedulerPorts> } = {}) => {
    const { now, tick } = runTime(new Date(at), 5);
    return runScheduler(
      {
        now,
        tick,
        dryRun: extra.dryRun ?? false,
        config,
        registry,
        holder: extra.holder ?? `run-${at}`,
        leaseSeconds: 300,
      },
      { ...ports, ...extra.ports },
    );
  };
  return { fleet, states, savings, lease, run, config };
}

describe('Module: run-scheduler', () => {
  describe('Function: runScheduler', () => {
    it('starts and stops in one call per kind and region, and writes only changed instances', async () => {
      // Prepare: Monday 09:00: two stopped office-hours instances, one running always-on, one untagged
      const w = world([
        instance('i-a', { Schedule: 'office-hours' }, 'stopped'),
        instance('i-b', { Schedule: 'office-hours' }, 'stopped'),
        instance('i-c', { Schedule: 'always-on' }, 'running'),
        instance('i-d', { Name: 'untagged' }, 'running'),
      ]);

      // Act
      const first = await w.run('2026-03-02T09:00:00Z');
      w.fleet.settle();
      const second = await w.run('2026-03-02T09:05:00Z');

      // Assess
      expect(w.fleet.callsOf('start')).toEqual([
        { kind: 'start', region: 'eu-central-1', instanceIds: ['i-a', 'i-b'] },
      ]);
      expect(w.fleet.callsOf('stop')).toEqual([]);
      expect(first.plan.map((p) => p.instanceId)).toEqual(['i-a', 'i-b', 'i-c']);
      expect(first.totals).toMatchObject({ instances: 3, managed: 3, start: 2, none: 1, failed: 0 });
      expect(first.regions.map((r) => r.calls.instanceWrites)).toEqual([3, 0]);
      expect(second.totals.start).toBe(0);
      expect(second.regions[0]?.calls.instanceWrites).toBe(0);
      expect(w.states.records.get('eu-central-1')?.get('i-a')).toMatchObject({
        state: 'running',
        lastAction: 'start',
        lastActionTick: '2026-03-02T09:00:00.000Z',
      });
    });

    it('isolates a start that fails, records start_failed, and retries it on the next tick only', async () => {
      // Prepare
      const w = world([
        instance('i-a', { Schedule: 'office-hours' }),
        instance('i-b', { Schedule: 'office-hours' }),
        instance('i-c', { Schedule: 'office-hours' }),
      ]);
      w.fleet.failStart.set('i-b', 'InsufficientInstanceCapacity');

      // Act
      const first = await w.run('2026-03-02T09:00:00Z');
      const sameTick = await w.run('2026-03-02T09:03:00Z', { holder: 'retry' });
      w.fleet.failStart.clear();
      const nextTick = await w.run('2026-03-02T09:05:00Z');

      // Assess: [a,b,c] ✗ → [a,b] ✗ → [a] ✓ [b] ✗ → [c] ✓; then one retry of b on the next tick
      expect(w.fleet.callsOf('start').map((c) => c.instanceIds)).toEqual([
        ['i-a', 'i-b', 'i-c'],
        ['i-a', 'i-b'],
        ['i-a'],
        ['i-b'],
        ['i-c'],
        ['i-b'],
      ]);
      const failed = first.plan.find((p) => p.instanceId === 'i-b');
      expect(failed).toMatchObject({ action: 'start', result: 'failed' });
      expect(failed?.error).toContain('InsufficientInstanceCapacity');
      expect(failed?.reason).toContain('retried next run');
      expect(sameTick.totals.start).toBe(0);
      expect(nextTick.plan.find((p) => p.instanceId === 'i-b')).toMatchObject({ action: 'start', result: 'ok' });
      expect(w.states.records.get('eu-central-1')?.get('i-b')?.state).toBe('running');
    });

    it('keeps running the other regions when one fails', async () => {
      // Prepare
      const w = world([instance('i-a', { Schedule: 'office-hours' })]);
      const failing = {
        ...w.fleet,
        describe: async (region: string) => {
          if (region === 'eu-west-1')
            throw Object.assign(new Error('not authorized'), { name: 'UnauthorizedOperation' });
          return w.fleet.describe(region);
        },
        start: w.fleet.start.bind(w.fleet),
        stop: w.fleet.stop.bind(w.fleet),
        modifyInstanceType: w.fleet.modifyInstanceType.bind(w.fleet),
      };

      // Act
      const result = await w.run('2026-03-02T09:00:00Z', { ports: { fleet: failing } });

      // Assess
      expect(result.errors).toEqual([{ region: 'eu-west-1', message: 'UnauthorizedOperation: not authorized' }]);
      expect(result.totals.start).toBe(1);
    });

    it('totals the failed actions of every region and action in one run-level ActionFailures metric', async () => {
      // Prepare: two starts due in eu-central-1 at Monday 09:00, one of them fails; eu-west-1 cannot be described
      const w = world([instance('i-a', { Schedule: 'office-hours' }), instance('i-b', { Schedule: 'office-hours' })]);
      w.fleet.failStart.set('i-b', 'InsufficientInstanceCapacity');
      const failing = {
        ...w.fleet,
        describe: async (region: string) => {
          if (region === 'eu-west-1') throw Object.assign(new Error('throttled'), { name: 'RequestLimitExceeded' });
          return w.fleet.describe(region);
        },
        start: w.fleet.start.bind(w.fleet),
        stop: w.fleet.stop.bind(w.fleet),
        modifyInstanceType: w.fleet.modifyInstanceType.bind(w.fleet),
      };

      // Act
      const failed = schedulerMetrics((await w.run('2026-03-02T09:00:00Z', { ports: { fleet: failing } })).regions);
      w.fleet.failStart.clear();
      const clean = schedulerMetrics((await w.run('2026-03-02T09:05:00Z')).regions);

      // Assess: 1 failed start + 1 failed describe = 2; the next run retries i-b successfully: 0
      const value = (metrics: typeof failed, name: string, dimensions: Record<string, string>) =>
        metrics.find((m) => m.name === name && JSON.stringify(m.dimensions) === JSON.stringify(dimensions))?.value;
      expect(value(failed, 'ActionErrors', { Region: 'eu-central-1', Action: 'start' })).toBe(1);
      expect(value(failed, 'ActionErrors', { Region: 'eu-west-1', Action: 'describe' })).toBe(1);
      expect(failed.filter((m) => m.name === 'ActionFailures')).toEqual([
        { name: 'ActionFailures', value: 2, dimensions: {} },
      ]);
      expect(clean.filter((m) => m.name === 'ActionFailures')).toEqual([
        { name: 'ActionFailures', value: 0, dimensions: {} },
      ]);
    });

    it('does nothing while another run holds the lease', async () => {
      // Prepare
      const w = world([instance('i-a', { Schedule: 'office-hours' })]);
      await w.lease.acquire('other-run', new Date('2026-03-02T09:00:00Z'), 600);

      // Act
      const result = await w.run('2026-03-02T09:00:00Z');

      // Assess
      expect(result.status).toBe('skipped');
      expect(result.skippedReason).toContain('other-run');
      expect(w.fleet.calls).toEqual([]);
      expect(w.states.instanceWrites).toBe(0);
    });

    it('dry run: plans, calls no mutating API, writes nothing, takes no lease', async () => {
      // Prepare
      const w = world([instance('i-a', { Schedule: 'office-hours' }), instance('i-b', { Schedule: 'tea' }, 'running')]);
      await w.lease.acquire('other-run', new Date('2026-03-02T09:00:00Z'), 600);

      // Act
      const result = await w.run('2026-03-02T09:00:00Z', { dryRun: true });

      // Assess
      expect(result.status).toBe('completed');
      expect(result.plan.map((p) => [p.instanceId, p.action, p.result])).toEqual([
        ['i-a', 'start', 'planned'],
        ['i-b', 'none', undefined],
      ]);
      expect(result.totals.invalidTags).toBe(1);
      expect(w.fleet.calls.every((c) => c.kind === 'describe')).toBe(true);
      expect(w.states.instanceWrites).toBe(0);
      expect(w.states.runs.size).toBe(0);
      expect(w.lease.holder).toBe('other-run');
    });

    it('hibernates in its own batch and falls back to a normal stop when hibernation fails', async () => {
      // Prepare: 20:00 Monday, a hibernating schedule
      const schedules = [{ name: 'dev', periods: [{ begintime: '08:00', endtime: '18:00' }], hibernate: true }];
      const w = world(
        [
          instance('i-h', { Schedule: 'dev' }, 'running', { hibernationConfigured: true }),
          instance('i-x', { Schedule: 'dev' }, 'running', { hibernationConfigured: true }),
          instance('i-n', { Schedule: 'dev' }, 'running'),
        ],
        { schedules },
      );
      w.fleet.failHibernate.set('i-x', 'UnsupportedHibernationConfiguration');

      // Act
      const result = await w.run('2026-03-02T20:00:00Z');

      // Assess
      expect(w.fleet.callsOf('stop').map((c) => [c.instanceIds, c.hibernate])).toEqual([
        [['i-h', 'i-x'], true],
        [['i-h'], true],
        [['i-x'], true],
        [['i-n', 'i-x'], false],
      ]);
      expect(result.plan.every((p) => p.result === 'ok')).toBe(true);
      expect(result.plan.find((p) => p.instanceId === 'i-x')?.reason).toContain('stopping without hibernation');
    });

    it('applies an auto rightsizing at a scheduled start and reverts it when the new type does not start', async () => {
      // Prepare: both found stopped on Friday evening (stored stopped); Monday 08:00 starts them; i-r cannot start
      // as m5.large
      const tags = { Schedule: 'office-hours', Rightsize: 'auto' };
      const xlarge = { instanceType: 'm5.xlarge' };
      const w = world([instance('i-ok', tags, 'stopped', xlarge), instance('i-r', tags, 'stopped', xlarge)], {
        rightsizing: { allowAutoResize: true },
      });
      await w.run('2026-02-27T18:00:00Z');
      const marks: string[] = [];
      const rightsizing: AutoResizeSource = {
        pendingAutoResizes: async () =>
          new Map([
            ['i-ok', { targetInstanceType: 'm5.large', recommendationId: 'r1', fromInstanceType: 'm5.xlarge' }],
            ['i-r', { targetInstanceType: 'm5.large', recommendationId: 'r2', fromInstanceType: 'm5.xlarge' }],
          ]),
        markApplied: async (_region, id, _at, details) => {
          marks.push(`applied ${id} ${details.fromInstanceType}→${details.toInstanceType}`);
        },
        markReverted: async (_region, id, _at, reason) => {
          marks.push(`reverted ${id}: ${reason}`);
        },
      };
      w.fleet.failStartAsType.set('i-r/m5.large', 'InsufficientInstanceCapacity');

      // Act
      const result = await w.run('2026-03-02T08:00:00Z', { ports: { rightsizing } });

      // Assess
      expect(
        w.fleet.calls.filter((c) => c.kind !== 'describe').map((c) => [c.kind, c.instanceIds, c.instanceType]),
      ).toEqual([
        ['modify', ['i-ok'], 'm5.large'],
        ['modify', ['i-r'], 'm5.large'],
        ['start', ['i-ok', 'i-r'], undefined],
        ['start', ['i-ok'], undefined],
        ['start', ['i-r'], undefined],
        ['modify', ['i-r'], 'm5.xlarge'],
        ['start', ['i-r'], undefined],
      ]);
      expect(w.fleet.get('i-ok')?.instanceType).toBe('m5.large');
      expect(w.fleet.get('i-r')?.instanceType).toBe('m5.xlarge');
      expect(marks).toEqual([
        'applied i-ok m5.xlarge→m5.large',
        'reverted i-r: StartInstances as m5.large failed: InsufficientInstanceCapacity: InsufficientInstanceCapacity for i-r',
      ]);
      expect(result.plan.find((p) => p.instanceId === 'i-r')).toMatchObject({ action: 'resize', result: 'ok' });
      const resizeErrors = schedulerMetrics(result.regions).find(
        (m) => m.name === 'ActionErrors' && m.dimensions.Region === 'eu-central-1' && m.dimensions.Action === 'resize',
      );
      expect(resizeErrors?.value).toBe(1);
      expect(w.states.records.get('eu-central-1')?.get('i-ok')?.instanceType).toBe('m5.large');
      expect(w.states.history.filter((h) => h.instanceId === 'i-r').map((h) => `${h.action}:${h.outcome}`)).toEqual([
        'resize:ok',
        'start:failed',
        'revert:ok',
        'start:ok',
      ]);
    });

    it('accumulates savings per run into the day and closes the stretch on the instance at restart', async () => {
      // Prepare: m5.xlarge in eu-central-1 at 0.115 USD/h; CCF power 2 × (0.6130 + 0.5 × 3.4912) = 4.7172 W,
      // × PUE 1.135 = 5.354 W → 0.0053540 kWh per stopped hour
      const facts = instance('i-a', { Schedule: 'office-hours' }, 'running');
      const w = world([facts], {}, { 'eu-central-1': 300 });
      const kWhPerHour = (4.7172 * 1.135) / 1000;

      // Act: stop Monday 18:00, count 19:00 (1 h at 300 g), start Tuesday 08:00 (13 h at 200 g)
      await w.run('2026-03-02T18:00:00Z');
      w.fleet.settle();
      await w.run('2026-03-02T19:00:00Z');
      const day1 = w.savings.totals.get('2026-03-02|eu-central-1');
      await w.run('2026-03-03T08:00:00Z', { ports: { carbon: carbonAt({ 'eu-central-1': 200 }) } });
      const day2 = w.savings.totals.get('2026-03-03|eu-central-1');
      const record = w.states.records.get('eu-central-1')?.get('i-a');

      // Assess
      expect(day1?.usd).toBeCloseTo(0.115, 6);
      expect(day1?.stoppedHours).toBeCloseTo(1, 9);
      expect(day1?.gCO2e).toBeCloseTo(kWhPerHour * 300, 3);
      expect(day2?.usd).toBeCloseTo(13 * 0.115, 6);
      expect(day2?.gCO2e).toBeCloseTo(kWhPerHour * 13 * 200, 3);
      expect(record?.stoppedAt).toBeUndefined();
      expect(record?.stoppedHours).toBeCloseTo(14, 9);
      expect(record?.savedUsd).toBeCloseTo(14 * 0.115, 6);
      // 1 h at 300 g + 13 h at 200 g = 2900 g·h/kWh
      expect(record?.savedGCO2e).toBeCloseTo(kWhPerHour * 2900, 3);
    });

    it('publishes the running totals of the UTC day, the month and all time after each real run', async () => {
      // Prepare: the same instance and prices as above (0.115 USD and 0.0053540 kWh per stopped hour)
      const facts = instance('i-a', { Schedule: 'office-hours' }, 'running');
      const w = world([facts], {}, { 'eu-central-1': 300 });
      const kWhPerHour = (4.7172 * 1.135) / 1000;

      // Act: stop Monday 18:00, count 19:00 (1 h at 300 g), restart Tuesday 08:00 (13 h at 200 g)
      await w.run('2026-03-02T18:00:00Z');
      w.fleet.settle();
      const monday = await w.run('2026-03-02T19:00:00Z');
      const tuesday = await w.run('2026-03-03T08:00:00Z', { ports: { carbon: carbonAt({ 'eu-central-1': 200 }) } });
      const dryRun = await w.run('2026-03-03T08:05:00Z', { dryRun: true });
      const metrics = schedulerMetrics(tuesday.regions, tuesday.runningTotals);
      const value = (name: string, period: string) =>
        metrics.find((m) => m.name === name && m.dimensions.Period === period)?.value;

      // Assess: Tuesday alone is 13 h; March and all time are 14 h
      expect(monday.runningTotals?.Today.usd).toBeCloseTo(0.115, 6);
      expect(value('CostSavingsTotal', 'Today')).toBeCloseTo(13 * 0.115, 6);
      expect(value('CostSavingsTotal', 'Month')).toBeCloseTo(14 * 0.115, 6);
      expect(value('CostSavingsTotal', 'Total')).toBeCloseTo(14 * 0.115, 6);
      expect(value('CarbonAvoidedTotal', 'Today')).toBeCloseTo(kWhPerHour * 13 * 200, 3);
      expect(value('CarbonAvoidedTotal', 'Total')).toBeCloseTo(kWhPerHour * 2900, 3);
      expect(dryRun.runningTotals).toBeUndefined();
    });
  });
});
