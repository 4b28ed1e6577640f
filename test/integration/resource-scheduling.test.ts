import {
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  CreateLaunchConfigurationCommand,
  DeleteAutoScalingGroupCommand,
  DeleteLaunchConfigurationCommand,
  DescribeAutoScalingGroupsCommand,
  UpdateAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  CreateDBClusterCommand,
  CreateDBInstanceCommand,
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  RDSClient,
  StartDBInstanceCommand,
  StopDBClusterCommand,
  StopDBInstanceCommand,
} from '@aws-sdk/client-rds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schedulingEventDetailSchema } from '../../lambdas/core/events/scheduling-events';
import { type AwsProxy, callJson, startAwsProxy } from './support/aws-proxy';
import { clientConfig } from './support/deployment';
import {
  anImage,
  clearTable,
  deployment,
  instances,
  launch,
  localFunction,
  tableItems,
  terminateAll,
} from './support/fixture';
import { byHand, itemsWithPrefix } from './support/scenario';

/**
 * The deployed scheduler bundle, run in-process against moto through the recording proxy, schedules a small web
 * stack (docs/resources.md): in eu-central-1 the application `shop` (an Aurora PostgreSQL cluster, an RDS
 * PostgreSQL DB instance, an Auto Scaling group and an EC2 instance, started in that order by their
 * `ScheduleStartOrder` tags 0–3), and in eu-west-1 a lone Auto Scaling group; all on `office-hours`
 * (Mon–Fri 08:00–18:00 in the scenario's timezone, Europe/Berlin: 07:00–17:00Z in November).
 *
 * Hand-worked expectations (moto starts and stops databases at once and sizes groups at once, so "up" is true at
 * the next run):
 * - Mon 2026-11-23 07:00Z: only the cluster starts (order 0); the DB instance, the group and the instance wait for
 *   it (`order.wait`). The lone group in eu-west-1 has no application and nothing recorded: started at 1-1-1
 *   (`asg.restore-default`: min 1, desired 1, max max(1, 0)).
 * - 07:05Z: the DB instance; 07:10Z: the shop group, to its `ScheduleSizes` tag 1-2-3 (`asg.restore-tag`);
 *   07:15Z: the EC2 instance.
 * - 10:00Z after a person set the shop group to 2-3-4: no action, the sizes are recorded (`asg.sizes-changed`).
 * - 17:00Z: everything stops (groups to 0-0-0, the group recording 2-3-4).
 * - Mon 2026-11-30 17:05Z, outside the period, the DB instance is found `available` (RDS restarted it after 7 days
 *   stopped; the test starts it by hand): stopped again, rule `rds.auto-restarted`.
 * - Tue 2026-12-01 07:00Z, 07:05Z, 07:10Z: cluster, DB instance, then the shop group restored to 2-3-4 (the
 *   person's sizes), not 1-2-3.
 * Every action is one `Scheduling Action` event on the home region's default bus (the proxy answers PutEvents and
 * keeps the entries).
 */

const HOME = 'eu-central-1';
const WEST = 'eu-west-1';
const SHOP = { Schedule: 'office-hours', ScheduleApplication: 'shop' };

interface PlanLine {
  resourceType?: string;
  id?: string;
  instanceId?: string;
  action: string;
  result?: string;
  rule?: string;
  reason: string;
}
interface SchedulerResult {
  status: string;
  plan: PlanLine[];
  errors: unknown[];
  warnings: { region: string; message: string }[];
}
interface EventEntry {
  Source: string;
  DetailType: string;
  Detail: string;
  EventBusName: string;
}

describe('Integration: RDS, Aurora and Auto Scaling groups in the deployed scheduler run', () => {
  const d = deployment();
  let proxy: AwsProxy;
  let scheduler: ReturnType<typeof localFunction>;
  const rds = (region: string) => new RDSClient(clientConfig(d.endpoint, d.account, region));
  const autoscaling = (region: string) => new AutoScalingClient(clientConfig(d.endpoint, d.account, region));
  let instanceId = '';

  const entries = (): EventEntry[] =>
    proxy
      .find({ service: 'events', action: 'PutEvents' })
      .flatMap((call) => callJson<{ Entries: EventEntry[] }>(call).Entries);
  const events = () =>
    entries().map((e) => {
      const detail = schedulingEventDetailSchema.parse(JSON.parse(e.Detail));
      return `${e.DetailType} ${detail.resource.region} ${detail.resource.type}/${detail.resource.id} ${detail.action} ${detail.rule}`;
    });
  const dbStatus = async (id: string) =>
    (await rds(HOME).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))).DBInstances?.[0]
      ?.DBInstanceStatus;
  const clusterStatus = async (id: string) =>
    (await rds(HOME).send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }))).DBClusters?.[0]?.Status;
  const sizes = async (region: string, name: string) => {
    const g = (await autoscaling(region).send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] })))
      .AutoScalingGroups![0]!;
    return `${g.MinSize}-${g.DesiredCapacity}-${g.MaxSize}`;
  };
  const ec2State = async () => (await instances(HOME)).get(instanceId)?.State?.Name;
  const run = async (at: string) => {
    proxy.clearCalls();
    const invocation = await scheduler.invoke<SchedulerResult>(
      { dryRun: false, confirmRealRun: true },
      { at: new Date(at) },
    );
    expect(invocation.error).toBeUndefined();
    expect(invocation.result!.errors).toEqual([]);
    return invocation.result!;
  };
  const line = (result: SchedulerResult, id: string) => result.plan.find((p) => p.id === id || p.instanceId === id);

  beforeAll(async () => {
    await terminateAll([HOME, WEST]);
    await clearTable();
    proxy = await startAwsProxy({ target: d.endpoint });
    proxy.inject({
      match: { service: 'events', action: 'PutEvents' },
      fault: {
        kind: 'answer',
        respond: (call) => {
          const n = callJson<{ Entries: unknown[] }>(call).Entries.length;
          return {
            status: 200,
            headers: { 'content-type': 'application/x-amz-json-1.1' },
            body: JSON.stringify({
              FailedEntryCount: 0,
              Entries: Array.from({ length: n }, (_, i) => ({ EventId: `event-${call.seq}-${i}` })),
            }),
          };
        },
      },
    });
    scheduler = localFunction('Scheduler', { endpoint: proxy.url });

    // The shop: Aurora cluster (order 0), DB instance (1), group (2), EC2 instance (3), all stopped.
    await rds(HOME).send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: 'shop-aurora',
        Engine: 'aurora-postgresql',
        MasterUsername: 'admin',
        MasterUserPassword: 'password123',
        Tags: Object.entries({ ...SHOP, ScheduleStartOrder: '0' }).map(([Key, Value]) => ({ Key, Value })),
      }),
    );
    await rds(HOME).send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'shop-aurora-1',
        DBInstanceClass: 'db.r5.large',
        Engine: 'aurora-postgresql',
        DBClusterIdentifier: 'shop-aurora',
      }),
    );
    await rds(HOME).send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'shop-orders',
        DBInstanceClass: 'db.m5.large',
        Engine: 'postgres',
        MasterUsername: 'admin',
        MasterUserPassword: 'password123',
        AllocatedStorage: 20,
        Tags: Object.entries({ ...SHOP, ScheduleStartOrder: '1' }).map(([Key, Value]) => ({ Key, Value })),
      }),
    );
    await rds(HOME).send(new StopDBClusterCommand({ DBClusterIdentifier: 'shop-aurora' }));
    await rds(HOME).send(new StopDBInstanceCommand({ DBInstanceIdentifier: 'shop-orders' }));
    for (const [region, name, tags] of [
      [HOME, 'shop-web', { ...SHOP, ScheduleStartOrder: '2', ScheduleSizes: '1-2-3' }],
      [WEST, 'west-workers', { Schedule: 'office-hours' }],
    ] as const) {
      await autoscaling(region).send(
        new CreateLaunchConfigurationCommand({
          LaunchConfigurationName: `${name}-lc`,
          ImageId: await anImage(region),
          InstanceType: 't3.micro',
        }),
      );
      await autoscaling(region).send(
        new CreateAutoScalingGroupCommand({
          AutoScalingGroupName: name,
          LaunchConfigurationName: `${name}-lc`,
          MinSize: 0,
          DesiredCapacity: 0,
          MaxSize: 0,
          AvailabilityZones: [`${region}a`],
          Tags: Object.entries(tags).map(([Key, Value]) => ({
            Key,
            Value,
            PropagateAtLaunch: false,
            ResourceId: name,
            ResourceType: 'auto-scaling-group',
          })),
        }),
      );
    }
    const [launched] = await launch(HOME, 1, 't3.micro', { ...SHOP, ScheduleStartOrder: '3' });
    instanceId = launched!;
    await byHand(HOME, 'stop', [instanceId]);
  }, 120_000);

  afterAll(async () => {
    await scheduler?.stop();
    await proxy?.close();
    // Leave the account as the other scenarios expect it: no databases, no groups, no instances.
    for (const [region, name] of [
      [HOME, 'shop-web'],
      [WEST, 'west-workers'],
    ] as const) {
      await autoscaling(region)
        .send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: name, ForceDelete: true }))
        .catch(() => undefined);
      await autoscaling(region)
        .send(new DeleteLaunchConfigurationCommand({ LaunchConfigurationName: `${name}-lc` }))
        .catch(() => undefined);
    }
    for (const id of ['shop-orders', 'shop-aurora-1']) {
      await rds(HOME)
        .send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: id, SkipFinalSnapshot: true }))
        .catch(() => undefined);
    }
    await rds(HOME)
      .send(new DeleteDBClusterCommand({ DBClusterIdentifier: 'shop-aurora', SkipFinalSnapshot: true }))
      .catch(() => undefined);
    await terminateAll([HOME, WEST]);
    await clearTable();
  }, 120_000);

  it('Mon 07:00Z: starts only the cluster of the shop (the rest waits for it) and the lone group at 1-1-1', async () => {
    const result = await run('2026-11-23T07:00:00Z');

    expect(await clusterStatus('shop-aurora')).toBe('available');
    expect(await dbStatus('shop-orders')).toBe('stopped');
    expect(await sizes(HOME, 'shop-web')).toBe('0-0-0');
    expect(await ec2State()).toBe('stopped');
    expect(await sizes(WEST, 'west-workers')).toBe('1-1-1');
    expect(line(result, 'shop-orders')).toMatchObject({
      resourceType: 'rds-instance',
      action: 'none',
      rule: 'order.wait',
    });
    expect(line(result, 'shop-web')).toMatchObject({
      resourceType: 'autoscaling-group',
      action: 'none',
      rule: 'order.wait',
    });
    expect(line(result, instanceId)).toMatchObject({ action: 'none' });
    expect(line(result, instanceId)!.reason).toContain('waiting for');
    expect(events().sort()).toEqual(
      [
        'Scheduling Action eu-central-1 rds-cluster/shop-aurora start transition',
        'Scheduling Action eu-west-1 autoscaling-group/west-workers start asg.restore-default',
      ].sort(),
    );
    for (const entry of entries()) {
      expect(entry).toMatchObject({ Source: 'carbon-aware-scheduler' });
      expect(entry.EventBusName).toBe(`arn:aws:events:${HOME}:${d.account.accountId}:event-bus/default`);
    }
  });

  it('07:05Z, 07:10Z, 07:15Z: the DB instance, the group (to its ScheduleSizes 1-2-3), then the EC2 instance', async () => {
    await run('2026-11-23T07:05:00Z');
    expect(await dbStatus('shop-orders')).toBe('available');
    expect(await sizes(HOME, 'shop-web')).toBe('0-0-0');
    expect(events()).toEqual(['Scheduling Action eu-central-1 rds-instance/shop-orders start transition']);

    await run('2026-11-23T07:10:00Z');
    expect(await sizes(HOME, 'shop-web')).toBe('1-2-3');
    expect(await ec2State()).toBe('stopped');
    expect(events()).toEqual(['Scheduling Action eu-central-1 autoscaling-group/shop-web start asg.restore-tag']);

    await run('2026-11-23T07:15:00Z');
    expect(await ec2State()).toBe('running');
    expect(events()).toEqual([`Scheduling Action eu-central-1 ec2-instance/${instanceId} start ec2.decision`]);
  });

  it("10:00Z: keeps a person's change of the group's sizes (2-3-4) and records it", async () => {
    await autoscaling(HOME).send(
      new UpdateAutoScalingGroupCommand({
        AutoScalingGroupName: 'shop-web',
        MinSize: 2,
        DesiredCapacity: 3,
        MaxSize: 4,
      }),
    );
    const result = await run('2026-11-23T10:00:00Z');

    expect(await sizes(HOME, 'shop-web')).toBe('2-3-4');
    expect(line(result, 'shop-web')).toMatchObject({ action: 'none' });
    expect(events()).toEqual([]);
    const record = itemsWithPrefix(await tableItems(), 'RESOURCE#').find((i) => i.sk === 'autoscaling-group/shop-web');
    expect(record).toMatchObject({ pk: `RESOURCE#${HOME}`, sizes: { min: 2, desired: 3, max: 4 }, state: 'running' });
  });

  it('17:00Z: stops everything, each action an event', async () => {
    await run('2026-11-23T17:00:00Z');

    expect(await clusterStatus('shop-aurora')).toBe('stopped');
    expect(await dbStatus('shop-orders')).toBe('stopped');
    expect(await sizes(HOME, 'shop-web')).toBe('0-0-0');
    expect(await sizes(WEST, 'west-workers')).toBe('0-0-0');
    expect(await ec2State()).toBe('stopped');
    expect(events().sort()).toEqual(
      [
        'Scheduling Action eu-central-1 rds-cluster/shop-aurora stop transition',
        'Scheduling Action eu-central-1 rds-instance/shop-orders stop transition',
        'Scheduling Action eu-central-1 autoscaling-group/shop-web stop asg.record-sizes',
        `Scheduling Action eu-central-1 ec2-instance/${instanceId} stop ec2.decision`,
        'Scheduling Action eu-west-1 autoscaling-group/west-workers stop asg.record-sizes',
      ].sort(),
    );
    const history = itemsWithPrefix(await tableItems(), 'RESOURCE_HISTORY#');
    expect(
      history
        .filter((h) => h.action === 'stop')
        .map((h) => h.pk)
        .sort(),
    ).toEqual(
      [
        `RESOURCE_HISTORY#${HOME}#autoscaling-group/shop-web`,
        `RESOURCE_HISTORY#${HOME}#rds-cluster/shop-aurora`,
        `RESOURCE_HISTORY#${HOME}#rds-instance/shop-orders`,
        `RESOURCE_HISTORY#${WEST}#autoscaling-group/west-workers`,
      ].sort(),
    );
  });

  it('Mon 2026-11-30 17:05Z: stops the DB instance RDS restarted after 7 days, with its reason', async () => {
    await rds(HOME).send(new StartDBInstanceCommand({ DBInstanceIdentifier: 'shop-orders' }));
    const result = await run('2026-11-30T17:05:00Z');

    expect(await dbStatus('shop-orders')).toBe('stopped');
    expect(line(result, 'shop-orders')).toMatchObject({ action: 'stop', result: 'ok', rule: 'rds.auto-restarted' });
    expect(line(result, 'shop-orders')!.reason).toContain('7');
    expect(events()).toEqual(['Scheduling Action eu-central-1 rds-instance/shop-orders stop rds.auto-restarted']);
  });

  it("Tue 2026-12-01 07:00–07:10Z: restarts the shop in order, the group to the person's 2-3-4", async () => {
    await run('2026-12-01T07:00:00Z');
    expect(await clusterStatus('shop-aurora')).toBe('available');
    expect(await dbStatus('shop-orders')).toBe('stopped');
    await run('2026-12-01T07:05:00Z');
    expect(await dbStatus('shop-orders')).toBe('available');
    const third = await run('2026-12-01T07:10:00Z');

    expect(await sizes(HOME, 'shop-web')).toBe('2-3-4');
    expect(line(third, 'shop-web')).toMatchObject({ action: 'start', result: 'ok', rule: 'asg.restore-recorded' });
    expect(events()).toEqual(['Scheduling Action eu-central-1 autoscaling-group/shop-web start asg.restore-recorded']);
  });
});
