import { describe, expect, it } from 'vitest';
import { InMemoryInstanceStateStore } from '../../../lambdas/adapters/dynamodb/instance-state-store';
import { InMemoryLease } from '../../../lambdas/adapters/dynamodb/lease';
import { InMemoryResourceStateStore } from '../../../lambdas/adapters/dynamodb/resource-state-store';
import { InMemorySavingsStore } from '../../../lambdas/adapters/dynamodb/savings-store';
import { InMemoryFleet } from '../../../lambdas/adapters/ec2/in-memory-fleet';
import { staticPriceBook } from '../../../lambdas/core/accounting/price-book';
import type { CarbonLookup } from '../../../lambdas/core/carbon/lookup';
import type { SchedulingEvent } from '../../../lambdas/core/events/scheduling-events';
import type { RdsPriceBook } from '../../../lambdas/core/resources/accounting';
import type {
  DatabaseFleet,
  GroupFleet,
  InformationTagger,
  ResourceStateRecord,
  SchedulingEventSink,
} from '../../../lambdas/core/resources/ports';
import type { ResourcePlanLine } from '../../../lambdas/core/resources/run-resources';
import { groupState, rdsState } from '../../../lambdas/core/resources/state';
import type {
  AutoScalingGroupResource,
  DbClusterResource,
  GroupSizes,
  RdsInstanceResource,
} from '../../../lambdas/core/resources/types';
import { runScheduler, type SchedulerPorts } from '../../../lambdas/core/scheduler/run-scheduler';
import { runTime } from '../../../lambdas/core/scheduler/tick';
import { instance, setup } from '../scheduler/fixtures';
import { dbCluster, dbInstance, group } from './fixtures';

/** RDS as moto behaves: start and stop take effect at once; a code per id makes that call fail. */
class FakeDatabases implements DatabaseFleet {
  calls: string[] = [];
  failures = new Map<string, string>();
  constructor(
    public instances: RdsInstanceResource[],
    public clusters: DbClusterResource[],
  ) {}
  async describe() {
    return { instances: [...this.instances], clusters: [...this.clusters], errors: [], calls: 2 };
  }
  private set(kind: 'instance' | 'cluster', id: string, status: string) {
    const fail = this.failures.get(id);
    if (fail) throw Object.assign(new Error(`${id} cannot do that now`), { name: fail });
    if (kind === 'instance') {
      this.instances = this.instances.map((d) => (d.id === id ? { ...d, status, state: rdsState(status) } : d));
    } else {
      this.clusters = this.clusters.map((d) => (d.id === id ? { ...d, status, state: rdsState(status) } : d));
    }
  }
  async startInstance(_r: string, id: string) {
    this.calls.push(`StartDBInstance ${id}`);
    this.set('instance', id, 'available');
  }
  async stopInstance(_r: string, id: string) {
    this.calls.push(`StopDBInstance ${id}`);
    this.set('instance', id, 'stopped');
  }
  async startCluster(_r: string, id: string) {
    this.calls.push(`StartDBCluster ${id}`);
    this.set('cluster', id, 'available');
  }
  async stopCluster(_r: string, id: string) {
    this.calls.push(`StopDBCluster ${id}`);
    this.set('cluster', id, 'stopped');
  }
}

/** Auto Scaling as moto behaves: instances follow the desired capacity at once. */
class FakeGroups implements GroupFleet {
  calls: string[] = [];
  constructor(public groups: AutoScalingGroupResource[]) {}
  async describe() {
    return { groups: [...this.groups], errors: [], calls: 1 };
  }
  async updateSizes(_r: string, name: string, sizes: GroupSizes) {
    this.calls.push(`UpdateAutoScalingGroup ${name} ${sizes.min}-${sizes.desired}-${sizes.max}`);
    this.groups = this.groups.map((g) => (g.id === name ? resize(g, sizes) : g));
  }
}

/** A group after a resize (one m5.large per desired instance). */
function resize(g: AutoScalingGroupResource, sizes: GroupSizes): AutoScalingGroupResource {
  const instances = Array.from({ length: sizes.desired }, (_, i) => ({
    id: `i-${g.id}-${i}`,
    instanceType: 'm5.large',
    lifecycleState: 'InService',
  }));
  return { ...g, sizes, instances, state: groupState(sizes, instances) };
}

class CapturingSink implements SchedulingEventSink {
  events: SchedulingEvent[] = [];
  async publish(events: readonly SchedulingEvent[]): ReturnType<SchedulingEventSink['publish']> {
    this.events.push(...events);
    return { published: events.length, failed: [] };
  }
}

const carbon: CarbonLookup = async (regions, now) =>
  new Map(
    regions.map((region) => [
      region,
      {
        origin: 'cached' as const,
        reading: {
          region,
          zone: 'DE',
          provider: 'electricitymaps',
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

/** $0.20 an hour for every database: round numbers for the savings. */
const RDS_PRICES: RdsPriceBook = { usdPerHour: () => ({ usdPerHour: 0.2, source: 'override' }) };

const SHOP = { Schedule: 'office-hours', ScheduleApplication: 'shop' };
const ORDER = ['rds-cluster', 'rds-instance', 'autoscaling-group', 'ec2-instance'] as const;

function world(options: {
  databases?: RdsInstanceResource[];
  clusters?: DbClusterResource[];
  groups?: AutoScalingGroupResource[];
  instances?: ReturnType<typeof instance>[];
  stored?: ResourceStateRecord[];
  informationTags?: boolean;
}) {
  const { config, registry } = setup({
    managedRegions: ['eu-central-1'],
    resources: { startOrder: [...ORDER], informationTags: options.informationTags ?? false },
  });
  const databases = new FakeDatabases(options.databases ?? [], options.clusters ?? []);
  const groups = new FakeGroups(options.groups ?? []);
  const fleet = new InMemoryFleet(options.instances ?? []);
  const resourceStates = new InMemoryResourceStateStore();
  for (const record of options.stored ?? []) {
    const region = resourceStates.records.get(record.region) ?? new Map();
    region.set(`${record.resourceType}/${record.id}`, record);
    resourceStates.records.set(record.region, region);
  }
  const sink = new CapturingSink();
  const tags: { id: string; tags: Record<string, string> }[] = [];
  const tagger: InformationTagger = {
    tag: async (resource, t) => {
      tags.push({ id: resource.id, tags: { ...t } });
    },
  };
  const savings = new InMemorySavingsStore();
  const ports: SchedulerPorts = {
    fleet,
    states: new InMemoryInstanceStateStore(),
    savings,
    lease: new InMemoryLease(),
    carbon,
    prices: staticPriceBook({ 'eu-central-1': { 'm5.large': 0.115 } }),
    resources: {
      databases,
      groups,
      resourceStates,
      events: sink,
      rdsPrices: RDS_PRICES,
      informationTagger: tagger,
      accountId: '123456789012',
    },
  };
  const run = (at: string, dryRun = false) => {
    const { now, tick } = runTime(new Date(at), 5);
    return runScheduler({ now, tick, dryRun, config, registry, holder: `run-${at}`, leaseSeconds: 300 }, ports);
  };
  const record = (key: string) => resourceStates.records.get('eu-central-1')?.get(key);
  return { run, databases, groups, fleet, resourceStates, sink, tags, savings, record };
}

const starts = (w: { fleet: InMemoryFleet }) => w.fleet.callsOf('start').map((c) => c.instanceIds);
const stops = (w: { fleet: InMemoryFleet }) => w.fleet.callsOf('stop').map((c) => c.instanceIds);

const line = (plan: readonly unknown[], id: string) =>
  (plan as ResourcePlanLine[]).find((p) => p.id === id || (p as { instanceId?: string }).instanceId === id) as
    | (ResourcePlanLine & { instanceId?: string })
    | undefined;

const storedGroup = (name: string, sizes: GroupSizes): ResourceStateRecord => ({
  resourceType: 'autoscaling-group',
  id: name,
  region: 'eu-central-1',
  schedule: 'office-hours',
  state: 'stopped',
  sizes,
  lastAction: 'stop',
  lastActionAt: '2026-02-27T18:00:00.000Z',
  lastActionTick: '2026-02-27T18:00:00.000Z',
  stoppedAt: '2026-02-27T18:00:00.000Z',
  accruedUntil: '2026-03-02T08:55:00.000Z',
  savedUsd: 0,
  savedKWh: 0,
  savedGCO2e: 0,
  stoppedHours: 0,
  firstSeenAt: '2026-02-01T00:00:00.000Z',
  updatedAt: '2026-02-27T18:00:00.000Z',
});

describe('Module: run-resources', () => {
  describe('Function: scheduleRegionWithResources (through runScheduler)', () => {
    it('starts an application in order over four runs: cluster, database, group, then the EC2 instance', async () => {
      // Prepare: Monday 2026-03-02 09:00, everything of the shop stopped; the group's sizes 2-4-8 recorded at Friday's stop
      const w = world({
        clusters: [dbCluster('shop-aurora', SHOP, 'stopped')],
        databases: [dbInstance('orders-db', SHOP, 'stopped')],
        groups: [group('shop-web', SHOP, { min: 0, desired: 0, max: 0 })],
        instances: [instance('i-admin', SHOP, 'stopped')],
        stored: [storedGroup('shop-web', { min: 2, desired: 4, max: 8 })],
      });

      // Act + Assess: run 1 starts only the cluster (order 0); the others wait for it
      const first = await w.run('2026-03-02T09:00:00Z');
      expect(w.databases.calls).toEqual(['StartDBCluster shop-aurora']);
      expect(w.groups.calls).toEqual([]);
      expect(starts(w)).toEqual([]);
      expect(line(first.plan, 'orders-db')).toMatchObject({
        resourceType: 'rds-instance',
        action: 'none',
        rule: 'order.wait',
      });
      expect(line(first.plan, 'shop-web')).toMatchObject({ action: 'none', rule: 'order.wait' });
      expect(line(first.plan, 'i-admin')).toMatchObject({ action: 'none' });
      expect(line(first.plan, 'i-admin')?.reason).toContain('waiting for "rds-cluster/shop-aurora"');

      // run 2: the cluster is available, so the DB instance starts; the group and the instance wait for it
      await w.run('2026-03-02T09:05:00Z');
      expect(w.databases.calls).toEqual(['StartDBCluster shop-aurora', 'StartDBInstance orders-db']);
      expect(w.groups.calls).toEqual([]);

      // run 3: the group is restored to the sizes recorded at its stop
      await w.run('2026-03-02T09:10:00Z');
      expect(w.groups.calls).toEqual(['UpdateAutoScalingGroup shop-web 2-4-8']);
      expect(starts(w)).toEqual([]);

      // run 4: last, the EC2 instance
      const fourth = await w.run('2026-03-02T09:15:00Z');
      expect(starts(w)).toEqual([['i-admin']]);
      expect(line(fourth.plan, 'i-admin')).toMatchObject({ action: 'start', result: 'ok' });

      // Every action is one Scheduling Action event, in the order taken
      expect(
        w.sink.events.map((e) => [e.detailType, e.detail.resource.type, e.detail.resource.id, e.detail.action]),
      ).toEqual([
        ['Scheduling Action', 'rds-cluster', 'shop-aurora', 'start'],
        ['Scheduling Action', 'rds-instance', 'orders-db', 'start'],
        ['Scheduling Action', 'autoscaling-group', 'shop-web', 'start'],
        ['Scheduling Action', 'ec2-instance', 'i-admin', 'start'],
      ]);
      expect(w.sink.events[2]!.detail).toMatchObject({
        rule: 'asg.restore-recorded',
        severity: 'info',
        sizes: { from: { min: 0, desired: 0, max: 0 }, to: { min: 2, desired: 4, max: 8 } },
        resource: { account: '123456789012', region: 'eu-central-1' },
      });
      // State items keyed by resourceKey, the stopped stretch of the group closed
      expect(w.record('rds-cluster/shop-aurora')).toMatchObject({ state: 'running', lastAction: 'start' });
      expect(w.record('autoscaling-group/shop-web')).toMatchObject({
        state: 'running',
        sizes: { min: 2, desired: 4, max: 8 },
      });
      expect(w.record('autoscaling-group/shop-web')?.stoppedAt).toBeUndefined();
    });

    it('stops everything at 18:00, the instance and group before the databases, recording the sizes', async () => {
      // Prepare: Monday 18:00, the shop running; the group at 2-4-8
      const w = world({
        clusters: [dbCluster('shop-aurora', SHOP, 'available')],
        databases: [dbInstance('orders-db', SHOP, 'available')],
        groups: [group('shop-web', SHOP, { min: 2, desired: 4, max: 8 })],
        instances: [instance('i-admin', SHOP, 'running')],
      });

      // Act
      const result = await w.run('2026-03-02T18:00:00Z');

      // Assess: stops are last order first
      expect(w.groups.calls).toEqual(['UpdateAutoScalingGroup shop-web 0-0-0']);
      expect(w.databases.calls).toEqual(['StopDBInstance orders-db', 'StopDBCluster shop-aurora']);
      expect(stops(w)).toEqual([['i-admin']]);
      expect(line(result.plan, 'shop-web')).toMatchObject({
        action: 'stop',
        result: 'ok',
        recordSizes: { min: 2, desired: 4, max: 8 },
      });
      expect(w.record('autoscaling-group/shop-web')).toMatchObject({
        state: 'stopped',
        sizes: { min: 2, desired: 4, max: 8 },
        stoppedAt: '2026-03-02T18:00:00.000Z',
      });
      expect(w.resourceStates.history.map((h) => `${h.resourceType}/${h.id} ${h.action} ${h.outcome}`)).toEqual([
        'rds-cluster/shop-aurora stop ok',
        'rds-instance/orders-db stop ok',
        'autoscaling-group/shop-web stop ok',
      ]);
      expect(w.sink.events).toHaveLength(4);
      expect(w.sink.events.every((e) => e.detailType === 'Scheduling Action' && e.detail.action === 'stop')).toBe(true);
    });

    it('adds the savings of a database kept stopped: 1 hour at $0.20', async () => {
      // Prepare: stopped by the scheduler at 18:00 (accrued until then); the next run is at 19:00
      const w = world({
        databases: [dbInstance('orders-db', SHOP, 'stopped')],
        stored: [
          {
            ...storedGroup('x', { min: 0, desired: 0, max: 0 }),
            resourceType: 'rds-instance',
            id: 'orders-db',
            sizes: undefined as never,
            lastActionAt: '2026-03-02T18:00:00.000Z',
            lastActionTick: '2026-03-02T18:00:00.000Z',
            stoppedAt: '2026-03-02T18:00:00.000Z',
            accruedUntil: '2026-03-02T18:00:00.000Z',
          },
        ],
      });

      // Act
      const result = await w.run('2026-03-02T19:00:00Z');

      // Assess
      const region = result.regions[0]!;
      expect(region.savings.usd).toBeCloseTo(0.2, 9);
      expect(region.savings.stoppedHours).toBeCloseTo(1, 9);
      expect(w.record('rds-instance/orders-db')).toMatchObject({
        savedUsd: 0.2,
        stoppedHours: 1,
        accruedUntil: '2026-03-02T19:00:00.000Z',
      });
      expect(w.savings.totals.get('2026-03-02|eu-central-1')?.usd).toBeCloseTo(0.2, 9);
    });

    it('stops a database RDS restarted after 7 days, with the reason, and reports it', async () => {
      // Prepare: stopped by the scheduler on Monday 2026-02-23 20:00, found available on Monday 2026-03-02 20:00
      const w = world({
        databases: [dbInstance('orders-db', { Schedule: 'office-hours' }, 'available')],
        stored: [
          {
            ...storedGroup('x', { min: 0, desired: 0, max: 0 }),
            resourceType: 'rds-instance',
            id: 'orders-db',
            sizes: undefined as never,
            lastActionAt: '2026-02-23T20:00:00.000Z',
            lastActionTick: '2026-02-23T20:00:00.000Z',
            stoppedAt: '2026-02-23T20:00:00.000Z',
            accruedUntil: '2026-03-02T19:55:00.000Z',
          },
        ],
      });

      // Act
      const result = await w.run('2026-03-02T20:00:00Z');

      // Assess
      expect(w.databases.calls).toEqual(['StopDBInstance orders-db']);
      expect(line(result.plan, 'orders-db')).toMatchObject({
        action: 'stop',
        result: 'ok',
        rule: 'rds.auto-restarted',
      });
      expect(line(result.plan, 'orders-db')?.reason).toContain('7');
      expect(w.sink.events[0]!.detail).toMatchObject({ rule: 'rds.auto-restarted', action: 'stop', outcome: 'ok' });
      expect(w.record('rds-instance/orders-db')).toMatchObject({ state: 'stopped', lastRule: 'rds.auto-restarted' });
    });

    it("keeps a person's change of a group's sizes inside its period and restores it at the next start", async () => {
      // Prepare: Monday 10:00, recorded 2-4-8, a person set 3-5-9
      const w = world({
        groups: [group('shop-web', SHOP, { min: 3, desired: 5, max: 9 })],
        stored: [
          {
            ...storedGroup('shop-web', { min: 2, desired: 4, max: 8 }),
            state: 'running',
            stoppedAt: undefined as never,
          },
        ],
      });

      // Act: 10:00 (kept), 18:00 (stopped), Tuesday 08:00 (restored)
      const kept = await w.run('2026-03-02T10:00:00Z');
      await w.run('2026-03-02T18:00:00Z');
      await w.run('2026-03-03T08:00:00Z');

      // Assess
      expect(line(kept.plan, 'shop-web')).toMatchObject({
        action: 'none',
        rule: 'transition',
        recordSizes: { min: 3, desired: 5, max: 9 },
      });
      expect(w.groups.calls).toEqual([
        'UpdateAutoScalingGroup shop-web 0-0-0',
        'UpdateAutoScalingGroup shop-web 3-5-9',
      ]);
    });

    it('reports a failed stop as a Scheduling Error (warning for a transient state), records it and tags it (EC2 too)', async () => {
      // Prepare: Monday 18:00; RDS refuses the stop
      const w = world({
        databases: [dbInstance('orders-db', SHOP, 'available')],
        instances: [instance('i-admin', { Schedule: 'office-hours' }, 'running')],
        informationTags: true,
      });
      w.databases.failures.set('orders-db', 'InvalidDBInstanceState');

      // Act
      const result = await w.run('2026-03-02T18:00:00Z');

      // Assess
      expect(line(result.plan, 'orders-db')).toMatchObject({
        action: 'stop',
        result: 'failed',
        error: 'InvalidDBInstanceState: orders-db cannot do that now',
      });
      expect(w.sink.events.map((e) => [e.detailType, e.detail.severity, e.detail.error?.code])).toEqual([
        ['Scheduling Error', 'warning', 'InvalidDBInstanceState'],
        ['Scheduling Action', 'info', undefined],
      ]);
      expect(w.record('rds-instance/orders-db')).toMatchObject({
        state: 'stop_failed',
        lastError: 'InvalidDBInstanceState: orders-db cannot do that now',
      });
      expect(w.tags).toEqual([
        {
          id: 'orders-db',
          tags: {
            ScheduleLastAction: 'stop 2026-03-02T18:00Z failed',
            ScheduleLastError: '2026-03-02T18:00Z InvalidDBInstanceState: orders-db cannot do that now',
          },
        },
        { id: 'i-admin', tags: { ScheduleLastAction: 'stop 2026-03-02T18:00Z ok' } },
      ]);
    });

    it('keeps the run going when RDS cannot be described or the events cannot be put', async () => {
      // Prepare: Monday 09:00, a stopped group and EC2 instance; DescribeDBInstances denied; PutEvents failing
      const w = world({
        groups: [group('west-web', { Schedule: 'office-hours' }, { min: 0, desired: 0, max: 0 })],
        instances: [instance('i-web', { Schedule: 'office-hours' }, 'stopped')],
      });
      w.databases.describe = async () => {
        throw Object.assign(new Error('not authorized to perform rds:DescribeDBInstances'), { name: 'AccessDenied' });
      };
      w.sink.publish = async (events) => ({
        published: 0,
        failed: events.map(() => ({ code: 'InternalFailure', message: 'try later' })),
      });

      // Act
      const result = await w.run('2026-03-02T09:00:00Z');

      // Assess: the group and the instance still start; both problems are warnings of the region
      expect(w.groups.calls).toEqual(['UpdateAutoScalingGroup west-web 1-1-1']);
      expect(starts(w)).toEqual([['i-web']]);
      expect(result.errors).toEqual([]);
      expect(result.warnings.map((x) => x.message)).toEqual([
        'databases not scheduled this run: describe failed: AccessDenied: not authorized to perform rds:DescribeDBInstances',
        '2 scheduling event(s) not published: InternalFailure: try later',
      ]);
    });

    it('plans every resource type on a dry run and changes nothing', async () => {
      // Prepare
      const w = world({
        clusters: [dbCluster('shop-aurora', SHOP, 'available')],
        databases: [dbInstance('orders-db', { Schedule: 'ignore' }, 'available')],
        groups: [group('shop-web', SHOP, { min: 1, desired: 1, max: 2 })],
        instances: [instance('i-admin', SHOP, 'running')],
      });

      // Act
      const result = await w.run('2026-03-02T20:00:00Z', true);

      // Assess
      expect(
        result.plan.map((p) => [
          (p as ResourcePlanLine).resourceType ?? 'ec2-instance',
          (p as ResourcePlanLine).id ?? p.instanceId,
          p.action,
          p.result,
        ]),
      ).toEqual([
        ['ec2-instance', 'i-admin', 'stop', 'planned'],
        ['rds-cluster', 'shop-aurora', 'stop', 'planned'],
        ['rds-instance', 'orders-db', 'none', undefined],
        ['autoscaling-group', 'shop-web', 'stop', 'planned'],
      ]);
      expect(line(result.plan, 'orders-db')).toMatchObject({ kind: 'opted-out' });
      expect(w.databases.calls).toEqual([]);
      expect(w.groups.calls).toEqual([]);
      expect(w.sink.events).toEqual([]);
      expect(w.resourceStates.writes).toBe(0);
    });
  });
});
