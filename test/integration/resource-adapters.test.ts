import {
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  CreateLaunchConfigurationCommand,
  DescribeAutoScalingGroupsCommand,
  UpdateAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  CreateDBClusterCommand,
  CreateDBInstanceCommand,
  CreateDBInstanceReadReplicaCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { beforeEach, describe, expect, it } from 'vitest';
import { AutoScalingGroupFleet } from '../../lambdas/adapters/autoscaling/group-fleet';
import { RdsDatabaseFleet } from '../../lambdas/adapters/rds/db-fleet';
import { resolveConfig } from '../../lambdas/core/config/resolve';
import { decideResource, type StoredResourceState } from '../../lambdas/core/resources/decide';
import { ScheduleRegistry } from '../../lambdas/core/schedule';
import { scheduleEvaluator } from '../../lambdas/core/scheduler/schedule-evaluator';
import { assumeAccount, clientConfig } from './support/deployment';
import { deployment } from './support/fixture';

// The RDS and Auto Scaling adapters with real SDK calls against the tier's moto server. They do not need the
// deployment: every test works in an emulated account of its own (AssumeRole into a fresh account id), so it
// neither sees nor disturbs the deployed product's account, and needs no reset.

const REGION = 'eu-central-1';
const TAGS = [{ Key: 'Schedule', Value: 'office-hours' }];
let nextAccount = 0;

/** Credentials of a fresh emulated account and its id. */
async function freshAccount() {
  nextAccount += 1;
  const accountId = `3141592${String(process.pid % 1000).padStart(3, '0')}${String(nextAccount).padStart(2, '0')}`;
  return await assumeAccount(deployment().endpoint, accountId);
}

describe('Integration: RDS database fleet on moto', () => {
  let rds: RDSClient;
  let fleet: RdsDatabaseFleet;
  let accountId: string;

  beforeEach(async () => {
    const account = await freshAccount();
    accountId = account.accountId;
    rds = new RDSClient(clientConfig(deployment().endpoint, account, REGION));
    fleet = new RdsDatabaseFleet(() => rds);
  });

  const createInstance = (id: string, tags = TAGS, extra: Record<string, unknown> = {}) =>
    rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: id,
        DBInstanceClass: 'db.m5.large',
        Engine: 'postgres',
        MasterUsername: 'admin',
        MasterUserPassword: 'password123',
        AllocatedStorage: 20,
        Tags: tags,
        ...extra,
      }),
    );

  const status = async (id: string) =>
    (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))).DBInstances?.[0]?.DBInstanceStatus;

  describe('Method: describe', () => {
    it('returns the tagged DB instances and clusters only, with tags, region, account and member classes', async () => {
      // Prepare
      await createInstance('orders-db', TAGS, { PreferredMaintenanceWindow: 'mon:20:30-mon:21:00' });
      await createInstance('untagged-db', [{ Key: 'team', Value: 'web' }]);
      await rds.send(
        new CreateDBClusterCommand({
          DBClusterIdentifier: 'orders-cluster',
          Engine: 'aurora-postgresql',
          MasterUsername: 'admin',
          MasterUserPassword: 'password123',
          Tags: TAGS,
        }),
      );
      await rds.send(
        new CreateDBInstanceCommand({
          DBInstanceIdentifier: 'orders-cluster-1',
          DBInstanceClass: 'db.r5.large',
          Engine: 'aurora-postgresql',
          DBClusterIdentifier: 'orders-cluster',
        }),
      );
      await rds.send(
        new CreateDBClusterCommand({
          DBClusterIdentifier: 'untagged-cluster',
          Engine: 'aurora-mysql',
          MasterUsername: 'admin',
          MasterUserPassword: 'password123',
        }),
      );

      // Act
      const described = await fleet.describe(REGION);

      // Assess
      expect(described.errors).toEqual([]);
      expect(described.calls).toBe(2);
      expect(described.instances.map((i) => i.id)).toEqual(['orders-db']);
      expect(described.instances[0]).toMatchObject({
        type: 'rds-instance',
        region: REGION,
        accountId,
        arn: `arn:aws:rds:eu-central-1:${accountId}:db:orders-db`,
        status: 'available',
        state: 'running',
        instanceClass: 'db.m5.large',
        engine: 'postgres',
        multiAZ: false,
        tags: { Schedule: 'office-hours' },
        preferredMaintenanceWindow: 'mon:20:30-mon:21:00',
      });
      expect(described.clusters.map((c) => c.id)).toEqual(['orders-cluster']);
      expect(described.clusters[0]).toMatchObject({
        engine: 'aurora-postgresql',
        state: 'running',
        members: [{ id: 'orders-cluster-1', writer: true, instanceClass: 'db.r5.large' }],
      });
    });

    it('follows Marker over more than one page of DB instances', async () => {
      // Prepare: 101 tagged instances, more than one page of 100
      for (let i = 0; i < 101; i += 1) await createInstance(`db-${String(i).padStart(3, '0')}`);

      // Act
      const described = await fleet.describe(REGION);

      // Assess
      expect(described.instances).toHaveLength(101);
      expect(new Set(described.instances.map((i) => i.id)).size).toBe(101);
      expect(described.calls).toBe(3);
    });

    it('reads read replicas and their sources (RDS refuses to stop either; the decision skips them)', async () => {
      // Prepare
      await createInstance('orders-db');
      await rds.send(
        new CreateDBInstanceReadReplicaCommand({
          DBInstanceIdentifier: 'orders-replica',
          SourceDBInstanceIdentifier: 'orders-db',
          Tags: TAGS,
        }),
      );

      // Act
      const { instances } = await fleet.describe(REGION);

      // Assess
      const byId = new Map(instances.map((i) => [i.id, i]));
      expect(byId.get('orders-db')?.readReplicas).toEqual(['orders-replica']);
      expect(byId.get('orders-replica')?.replicaOf).toBe('orders-db');
    });
  });

  describe('Methods: stopInstance, startInstance, stopCluster, startCluster', () => {
    it('stops and starts a DB instance and throws the AWS error code for an invalid state', async () => {
      // Prepare
      await createInstance('orders-db');

      // Act
      await fleet.stopInstance(REGION, 'orders-db');
      const afterStop = await status('orders-db');
      const second = await fleet.stopInstance(REGION, 'orders-db').catch((error: Error) => error);
      await fleet.startInstance(REGION, 'orders-db');

      // Assess
      expect(afterStop).toBe('stopped');
      expect((second as Error).name).toBe('InvalidDBInstanceStateFault');
      expect(await status('orders-db')).toBe('available');
    });

    it('stops and starts an Aurora cluster', async () => {
      // Prepare
      await rds.send(
        new CreateDBClusterCommand({
          DBClusterIdentifier: 'orders-cluster',
          Engine: 'aurora-postgresql',
          MasterUsername: 'admin',
          MasterUserPassword: 'password123',
          Tags: TAGS,
        }),
      );
      const clusterStatus = async () =>
        (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'orders-cluster' }))).DBClusters?.[0]
          ?.Status;

      // Act
      await fleet.stopCluster(REGION, 'orders-cluster');
      const afterStop = await clusterStatus();
      await fleet.startCluster(REGION, 'orders-cluster');

      // Assess
      expect(afterStop).toBe('stopped');
      expect(await clusterStatus()).toBe('available');
    });
  });

  describe('Decision on the described fleet', () => {
    it('stops a tagged database outside its period, skips the replica, and starts it in its period', async () => {
      // Prepare
      await createInstance('orders-db');
      await createInstance('reports-db');
      await rds.send(
        new CreateDBInstanceReadReplicaCommand({
          DBInstanceIdentifier: 'reports-replica',
          SourceDBInstanceIdentifier: 'reports-db',
          Tags: TAGS,
        }),
      );
      const config = resolveConfig({});
      const registry = ScheduleRegistry.fromConfig(config.schedules, config.timezone);
      const carbon = {
        region: REGION,
        gCO2ePerKWh: 342,
        provider: 'static',
        signal: 'average' as const,
        observedAt: '2026-03-02T20:00:00.000Z',
        origin: 'static' as const,
      };
      const run = async (at: string) => {
        const { instances } = await fleet.describe(REGION);
        const decisions = instances.map((resource) =>
          decideResource({ resource, registry, carbon, config, evaluator: scheduleEvaluator(new Date(at)), tick: at }),
        );
        for (const d of decisions) {
          if (d.action === 'stop') await fleet.stopInstance(REGION, d.id);
          if (d.action === 'start') await fleet.startInstance(REGION, d.id);
        }
        return new Map(decisions.map((d) => [d.id, d]));
      };

      // Act: Monday 20:00 (outside office-hours), then Tuesday 09:00
      const evening = await run('2026-03-02T20:00:00.000Z');
      const eveningStatus = [await status('orders-db'), await status('reports-db'), await status('reports-replica')];
      const morning = await run('2026-03-03T09:00:00.000Z');

      // Assess
      expect(evening.get('orders-db')).toMatchObject({ action: 'stop' });
      expect(evening.get('reports-db')).toMatchObject({ kind: 'skipped', action: 'none' });
      expect(evening.get('reports-db')?.reason.rule).toBe('skipped.has-read-replicas');
      expect(evening.get('reports-replica')?.reason.rule).toBe('skipped.read-replica');
      expect(eveningStatus).toEqual(['stopped', 'available', 'available']);
      expect(morning.get('orders-db')).toMatchObject({ action: 'start' });
      expect(await status('orders-db')).toBe('available');
    });
  });
});

describe('Integration: Auto Scaling group fleet on moto', () => {
  let client: AutoScalingClient;
  let fleet: AutoScalingGroupFleet;
  let accountId: string;

  beforeEach(async () => {
    const account = await freshAccount();
    accountId = account.accountId;
    client = new AutoScalingClient(clientConfig(deployment().endpoint, account, REGION));
    fleet = new AutoScalingGroupFleet(() => client);
    await client.send(
      new CreateLaunchConfigurationCommand({
        LaunchConfigurationName: 'lc',
        ImageId: 'ami-12c6146b',
        InstanceType: 'm5.large',
      }),
    );
  });

  const createGroup = (name: string, sizes: [number, number, number], tags: Record<string, string>) =>
    client.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: name,
        LaunchConfigurationName: 'lc',
        MinSize: sizes[0],
        DesiredCapacity: sizes[1],
        MaxSize: sizes[2],
        AvailabilityZones: [`${REGION}a`],
        Tags: Object.entries(tags).map(([Key, Value]) => ({
          Key,
          Value,
          PropagateAtLaunch: true,
          ResourceId: name,
          ResourceType: 'auto-scaling-group',
        })),
      }),
    );
  const sizesOf = async (name: string) => {
    const g = (await client.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] })))
      .AutoScalingGroups![0]!;
    return { sizes: [g.MinSize, g.DesiredCapacity, g.MaxSize], instances: g.Instances?.length ?? 0 };
  };

  describe('Method: describe', () => {
    it('returns only groups with the Schedule tag, with sizes, instances and tags', async () => {
      // Prepare
      await createGroup('web', [2, 4, 8], { Schedule: 'office-hours', team: 'shop' });
      await createGroup('untagged', [0, 0, 1], { team: 'shop' });

      // Act
      const described = await fleet.describe(REGION);

      // Assess
      expect(described.errors).toEqual([]);
      expect(described.calls).toBe(1);
      expect(described.groups).toHaveLength(1);
      expect(described.groups[0]).toMatchObject({
        type: 'autoscaling-group',
        id: 'web',
        region: REGION,
        accountId,
        state: 'running',
        sizes: { min: 2, desired: 4, max: 8 },
        tags: { Schedule: 'office-hours', team: 'shop' },
      });
      expect(described.groups[0]?.instances.map((i) => [i.instanceType, i.lifecycleState])).toEqual(
        Array(4).fill(['m5.large', 'InService']),
      );
    });

    it('follows NextToken over more than one page of groups', async () => {
      // Prepare: 101 tagged groups at zero
      for (let i = 0; i < 101; i += 1)
        await createGroup(`g-${String(i).padStart(3, '0')}`, [0, 0, 1], { Schedule: 'x' });

      // Act
      const described = await fleet.describe(REGION);

      // Assess
      expect(described.groups).toHaveLength(101);
      expect(described.calls).toBe(2);
    });
  });

  describe('Method: updateSizes', () => {
    it('scales a group to 0-0-0 and back', async () => {
      // Prepare
      await createGroup('web', [2, 4, 8], { Schedule: 'office-hours' });

      // Act
      await fleet.updateSizes(REGION, 'web', { min: 0, desired: 0, max: 0 });
      const stopped = await sizesOf('web');
      await fleet.updateSizes(REGION, 'web', { min: 2, desired: 4, max: 8 });

      // Assess
      expect(stopped).toEqual({ sizes: [0, 0, 0], instances: 0 });
      expect(await sizesOf('web')).toEqual({ sizes: [2, 4, 8], instances: 4 });
    });

    it('throws the AWS error code for a group that does not exist', async () => {
      // Act (moto does not check min ≤ desired ≤ max; the decision never asks for more than the recorded sizes)
      const error = await fleet.updateSizes(REGION, 'gone', { min: 0, desired: 0, max: 0 }).catch((e: Error) => e);

      // Assess
      expect((error as Error).name).toBe('ValidationError');
    });
  });

  describe('Decisions on the described groups', () => {
    it('scales to zero at the end of the period, keeps a person’s change inside it, and restores it at the next start', async () => {
      // Prepare
      await createGroup('web', [2, 4, 8], { Schedule: 'office-hours' });
      const config = resolveConfig({});
      const registry = ScheduleRegistry.fromConfig(config.schedules, config.timezone);
      let stored: StoredResourceState | undefined;
      const run = async (at: string) => {
        const { groups } = await fleet.describe(REGION);
        const d = decideResource({
          resource: groups[0]!,
          registry,
          ...(stored ? { stored } : {}),
          carbon: {
            region: REGION,
            gCO2ePerKWh: 342,
            provider: 'static',
            signal: 'average',
            observedAt: at,
            origin: 'static',
          },
          config,
          evaluator: scheduleEvaluator(new Date(at)),
          tick: at,
        });
        if (d.action === 'stop') await fleet.updateSizes(REGION, d.id, { min: 0, desired: 0, max: 0 });
        if (d.action === 'start') await fleet.updateSizes(REGION, d.id, d.targetSizes!);
        stored = {
          state: d.newState ?? stored!.state,
          ...(d.recordSizes ? { sizes: d.recordSizes } : stored?.sizes ? { sizes: stored.sizes } : {}),
        };
        return d;
      };

      // Act: Monday 10:00 (in period), a person raises the sizes, 20:00, Tuesday 09:00
      const first = await run('2026-03-02T10:00:00.000Z');
      await client.send(
        new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'web', MinSize: 3, DesiredCapacity: 5, MaxSize: 10 }),
      );
      const changed = await run('2026-03-02T11:00:00.000Z');
      const evening = await run('2026-03-02T20:00:00.000Z');
      const atNight = await sizesOf('web');
      const morning = await run('2026-03-03T09:00:00.000Z');

      // Assess
      expect(first).toMatchObject({ action: 'none', recordSizes: { min: 2, desired: 4, max: 8 } });
      expect(changed).toMatchObject({ action: 'none', recordSizes: { min: 3, desired: 5, max: 10 } });
      expect(evening).toMatchObject({ action: 'stop', recordSizes: { min: 3, desired: 5, max: 10 } });
      expect(atNight).toEqual({ sizes: [0, 0, 0], instances: 0 });
      expect(morning).toMatchObject({ action: 'start', targetSizes: { min: 3, desired: 5, max: 10 } });
      expect(await sizesOf('web')).toEqual({ sizes: [3, 5, 10], instances: 5 });
    });
  });
});
