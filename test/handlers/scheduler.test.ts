import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import {
  DescribeInstancesCommand,
  type DescribeInstancesCommandInput,
  EC2Client,
  ModifyInstanceAttributeCommand,
  StartInstancesCommand,
  type StartInstancesCommandInput,
  StopInstancesCommand,
} from '@aws-sdk/client-ec2';
import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DynamoInstanceStateStore } from '../../lambdas/adapters/dynamodb/instance-state-store';
import { Ec2Fleet, ec2ClientFactory } from '../../lambdas/adapters/ec2/fleet';
import { staticPriceBook } from '../../lambdas/core/accounting/price-book';
import { InMemoryCarbonStore } from '../../lambdas/core/carbon/in-memory-carbon-store';
import { carbonLookupFromStore } from '../../lambdas/core/carbon/lookup';
import type { CarbonReading } from '../../lambdas/core/carbon/reading';
import { fixedClock } from '../../lambdas/core/clock';
import { createSchedulerHandler, schedulerWiringFromEnvironment } from '../../lambdas/handlers/scheduler';
import { InvalidEventError } from '../../lambdas/handlers/shared/events';
import { createTestTable } from '../support/dynamodb';
import { captureEmf } from '../support/emf';
import { functionConfigEnv } from '../support/function-config';

const ec2Mock = mockClient(EC2Client);
const tables: Awaited<ReturnType<typeof createTestTable>>[] = [];

afterEach(() => {
  vi.restoreAllMocks();
});

afterAll(async () => {
  await Promise.all(tables.map((t) => t.drop()));
});

/** Monday 2026-03-02 09:00 UTC, as an EventBridge scheduled event. */
const SCHEDULED_EVENT = {
  version: '0',
  id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: '2026-03-02T09:00:00Z',
  region: 'eu-central-1',
  resources: ['arn:aws:events:eu-central-1:123456789012:rule/carbon-scheduler'],
  detail: {},
};

type Tags = Record<string, string>;

function described(id: string, tags: Tags, state = 'stopped', extra: Record<string, unknown> = {}) {
  return {
    InstanceId: id,
    InstanceType: 'm5.large',
    State: { Code: state === 'running' ? 16 : 80, Name: state },
    Placement: { AvailabilityZone: 'eu-central-1a' },
    Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    HibernationOptions: { Configured: false },
    ...extra,
  };
}

function reading(region: string, gCO2ePerKWh: number, observedAt: string): CarbonReading {
  return {
    region,
    zone: 'DE',
    provider: 'electricitymaps',
    signal: 'average',
    gCO2ePerKWh,
    observedAt,
    fetchedAt: observedAt,
    isEstimated: false,
    isForecast: false,
  };
}

interface Setup {
  config?: Record<string, unknown>;
  carbon?: CarbonReading[];
  /** The run's clock; default Monday 2026-03-02 09:00:00 UTC. */
  clock?: () => Date;
  logger?: Logger;
  /** Ports replacing the test defaults. */
  ports?: Record<string, unknown>;
}

/** A handler on a fresh dynalite table, the real EC2 adapter (mocked client) and an in-memory carbon cache. */
async function setupHandler(options: Setup = {}) {
  const table = await createTestTable();
  tables.push(table);
  const carbonStore = new InMemoryCarbonStore();
  await carbonStore.putReadings(options.carbon ?? [], new Date('2026-03-02T08:58:00Z'));
  const metrics = new Metrics({ namespace: 'Test', serviceName: 'scheduler' });
  const emf = captureEmf();
  /** The EMF metric values and `metrics` log figures the run printed, with the dimensions besides `service`. */
  const recorded = () =>
    [...emf.metrics(), ...emf.logged()].map(({ name, value, dimensions: { service, ...dimensions } }) => {
      expect(service).toBe('scheduler');
      return { name, value, dimensions };
    });
  const handler = createSchedulerHandler(
    schedulerWiringFromEnvironment(
      { ...functionConfigEnv({ managedRegions: ['eu-central-1'], ...options.config }), TABLE_NAME: table.tableName },
      {
        doc: table.doc,
        clock: options.clock ?? fixedClock('2026-03-02T09:00:00Z'),
        telemetry: { metrics, logger: options.logger ?? new Logger({ logLevel: 'SILENT' }) },
        ports: (config) => ({
          fleet: new Ec2Fleet(ec2ClientFactory({ maxAttempts: 1 })),
          carbon: carbonLookupFromStore(carbonStore, { maxCachedAgeSeconds: config.carbon.maxDataAgeMinutes * 60 }),
          forecast: undefined,
          prices: staticPriceBook({ 'eu-central-1': { 'm5.large': 0.115 } }),
          prefetchPrices: undefined,
          rightsizing: undefined,
          ...options.ports,
        }),
      },
    ),
  );
  const items = async () =>
    ((await table.doc.send(new ScanCommand({ TableName: table.tableName }))).Items ?? []) as Record<string, unknown>[];
  return { handler, table, recorded, items, emf };
}

function describeReturns(...pages: ReturnType<typeof described>[][]) {
  const stub = ec2Mock.on(DescribeInstancesCommand);
  pages.forEach((instances, i) => {
    stub.resolvesOnce({
      Reservations: [{ Instances: instances as never }],
      ...(i < pages.length - 1 ? { NextToken: `page-${i + 2}` } : {}),
    });
  });
}

describe('Module: scheduler handler', () => {
  beforeEach(() => {
    ec2Mock.reset();
    ec2Mock.on(StartInstancesCommand).resolves({});
    ec2Mock.on(StopInstancesCommand).resolves({});
    ec2Mock.on(ModifyInstanceAttributeCommand).resolves({});
  });

  describe('Function: handler', () => {
    it('describes only tagged instances, page by page, then starts and stops in one call each', async () => {
      // Prepare: Monday 09:00; carbon-aware at 350 g > 300 in eu-central-1 (cached 2 min ago)
      const { handler, recorded } = await setupHandler({
        carbon: [reading('eu-central-1', 350, '2026-03-02T08:58:00Z')],
      });
      describeReturns(
        [
          described('i-office1', { Schedule: 'office-hours' }),
          described('i-office2', { Schedule: 'Office Hours + Weekend Shutdown' }),
          described('i-green', { Schedule: 'carbon-aware' }, 'running'),
        ],
        [
          described('i-always', { Schedule: 'always-on', ScheduleOverride: 'stopped' }, 'running'),
          described('i-asg', { Schedule: 'office-hours', 'aws:autoscaling:groupName': 'web' }),
          described('i-spot', { Schedule: 'office-hours' }, 'stopped', { InstanceLifecycle: 'spot' }),
          described('i-bad', { Schedule: 'tea-time' }),
        ],
      );

      // Act
      const result = await handler(SCHEDULED_EVENT, { awsRequestId: 'req-1' });

      // Assess
      const filters = [
        { Name: 'tag-key', Values: ['Schedule'] },
        { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
      ];
      expect(ec2Mock.commandCalls(DescribeInstancesCommand).map((c) => c.args[0].input)).toEqual([
        { Filters: filters, MaxResults: 1000 },
        { Filters: filters, MaxResults: 1000, NextToken: 'page-2' },
      ]);
      expect(ec2Mock.commandCalls(StartInstancesCommand).map((c) => c.args[0].input)).toEqual([
        { InstanceIds: ['i-office1', 'i-office2'] },
      ]);
      expect(ec2Mock.commandCalls(StopInstancesCommand).map((c) => c.args[0].input)).toEqual([
        { InstanceIds: ['i-green'] },
      ]);
      expect(ec2Mock).not.toHaveReceivedCommand(ModifyInstanceAttributeCommand);
      expect(result.status).toBe('completed');
      expect(result.tick).toBe('2026-03-02T09:00:00.000Z');
      expect(result.totals).toMatchObject({ instances: 7, managed: 4, start: 2, stop: 1, invalidTags: 1, skipped: 2 });
      const green = result.plan.find((p) => p.instanceId === 'i-green');
      expect(green?.reason).toContain('350 gCO2e/kWh (electricitymaps, cached, 2 min old), threshold 300');
      expect(green?.carbon).toEqual({
        gCO2ePerKWh: 350,
        provider: 'electricitymaps',
        ageSeconds: 120,
        origin: 'cached',
      });
      expect(result.plan.find((p) => p.instanceId === 'i-always')?.action).toBe('none');

      const metric = (name: string, dims: Record<string, string>) =>
        recorded().find((m) => m.name === name && JSON.stringify(m.dimensions) === JSON.stringify(dims))?.value;
      expect(metric('InstanceStartup', { Region: 'eu-central-1' })).toBe(2);
      expect(metric('InstanceShutdown', { Region: 'eu-central-1' })).toBe(1);
      expect(metric('ManagedInstances', { Region: 'eu-central-1' })).toBe(4);
      expect(metric('ManagedInstances', { Region: 'eu-central-1', State: 'running' })).toBe(3);
      expect(metric('ManagedInstances', { Region: 'eu-central-1', State: 'stopped' })).toBe(1);
      expect(metric('InvalidScheduleTags', { Region: 'eu-central-1' })).toBe(1);
      // A Count of 0 is left out of the `metrics` log line (a sum over no line is 0).
      expect(metric('ActionErrors', { Region: 'eu-central-1', Action: 'start' })).toBeUndefined();
      expect(metric('ActionFailures', {})).toBe(0);
      expect(
        recorded().every((m) =>
          Object.keys(m.dimensions).every((k) => ['Region', 'Action', 'State', 'Period'].includes(k)),
        ),
      ).toBe(true);
      // Running totals for the dashboard: nothing was stopped before this first run, so all are 0
      for (const Period of ['Today', 'Month', 'Total']) {
        expect(metric('CostSavingsTotal', { Period })).toBe(0);
        expect(metric('CarbonAvoidedTotal', { Period })).toBe(0);
      }
    });

    it('bisects a failing StartInstances batch and records the failure for the next run', async () => {
      // Prepare
      const { handler, table, recorded } = await setupHandler();
      describeReturns([
        described('i-1', { Schedule: 'office-hours' }),
        described('i-2', { Schedule: 'office-hours' }),
        described('i-3', { Schedule: 'office-hours' }),
        described('i-4', { Schedule: 'office-hours' }),
      ]);
      ec2Mock.on(StartInstancesCommand).callsFake((input: StartInstancesCommandInput) => {
        if (input.InstanceIds?.includes('i-3')) {
          throw Object.assign(new Error('Insufficient capacity.'), { name: 'InsufficientInstanceCapacity' });
        }
        return {};
      });

      // Act
      const result = await handler(SCHEDULED_EVENT);

      // Assess: [1,2,3,4] ✗ → [1,2] ✓ → [3,4] ✗ → [3] ✗ → [4] ✓
      expect(ec2Mock.commandCalls(StartInstancesCommand).map((c) => c.args[0].input.InstanceIds)).toEqual([
        ['i-1', 'i-2', 'i-3', 'i-4'],
        ['i-1', 'i-2'],
        ['i-3', 'i-4'],
        ['i-3'],
        ['i-4'],
      ]);
      expect(result.totals.failed).toBe(1);
      // The run-level total the ActionFailures alarm reads, with no dimension but the default service
      expect(recorded().filter((m) => m.name === 'ActionFailures')).toEqual([
        { name: 'ActionFailures', value: 1, dimensions: {} },
      ]);
      const state = await new DynamoInstanceStateStore(table.doc, table.tableName).loadRegion('eu-central-1');
      expect(state.instances.get('i-3')).toMatchObject({
        state: 'start_failed',
        lastError: 'InsufficientInstanceCapacity: Insufficient capacity.',
      });
      expect(state.instances.get('i-4')?.state).toBe('running');
    });

    it('hibernates instances configured for it in their own StopInstances call', async () => {
      // Prepare: 20:00, schedule asks for hibernation
      const { handler } = await setupHandler({
        config: { schedules: [{ name: 'dev', periods: [{ begintime: '08:00', endtime: '18:00' }], hibernate: true }] },
        clock: fixedClock('2026-03-02T20:00:10Z'),
      });
      describeReturns([
        described('i-h', { Schedule: 'dev' }, 'running', { HibernationOptions: { Configured: true } }),
        described('i-n', { Schedule: 'dev' }, 'running'),
      ]);

      // Act
      await handler({ ...SCHEDULED_EVENT, time: '2026-03-02T20:00:00Z' });

      // Assess
      expect(ec2Mock.commandCalls(StopInstancesCommand).map((c) => c.args[0].input)).toEqual([
        { InstanceIds: ['i-h'], Hibernate: true },
        { InstanceIds: ['i-n'] },
      ]);
    });

    it('takes no second action when the same tick runs twice', async () => {
      // Prepare: EC2 keeps reporting the instance stopped (the start is still in progress)
      let clockAt = '2026-03-02T09:00:05Z';
      const { handler } = await setupHandler({ clock: () => new Date(clockAt) });
      ec2Mock.on(DescribeInstancesCommand).resolves({
        Reservations: [{ Instances: [described('i-1', { Schedule: 'office-hours' }) as never] }],
      });

      // Act
      const first = await handler(SCHEDULED_EVENT);
      clockAt = '2026-03-02T09:02:10Z';
      const second = await handler({ ...SCHEDULED_EVENT, id: 'redelivered', time: '2026-03-02T09:02:00Z' });

      // Assess
      expect(ec2Mock).toHaveReceivedCommandTimes(StartInstancesCommand, 1);
      expect(first.totals.start).toBe(1);
      expect(second.totals.start).toBe(0);
      expect(second.plan[0]?.reason).toContain('no state change (stored running)');
    });

    it('lets only one of two overlapping runs act (lease)', async () => {
      // Prepare: run A blocks inside DescribeInstances until run B has finished
      const { handler } = await setupHandler();
      let releaseA!: () => void;
      const gate = new Promise<void>((resolve) => {
        releaseA = resolve;
      });
      let describedOnce!: () => void;
      const aInside = new Promise<void>((resolve) => {
        describedOnce = resolve;
      });
      ec2Mock.on(DescribeInstancesCommand).callsFake(async (_input: DescribeInstancesCommandInput) => {
        describedOnce();
        await gate;
        return { Reservations: [{ Instances: [described('i-1', { Schedule: 'office-hours' })] }] };
      });

      // Act
      const runA = handler(SCHEDULED_EVENT, { awsRequestId: 'run-a' });
      await aInside;
      const b = await handler(SCHEDULED_EVENT, { awsRequestId: 'run-b' });
      releaseA();
      const a = await runA;

      // Assess
      expect(b.status).toBe('skipped');
      expect(b.skippedReason).toContain('run-a');
      expect(a.status).toBe('completed');
      expect(ec2Mock).toHaveReceivedCommandTimes(DescribeInstancesCommand, 1);
      expect(ec2Mock).toHaveReceivedCommandTimes(StartInstancesCommand, 1);
    });

    it('dry run: returns the plan, mutates nothing, writes nothing, takes no lease', async () => {
      // Prepare
      const { handler, items } = await setupHandler();
      describeReturns([
        described('i-1', { Schedule: 'office-hours' }),
        described('i-2', { Schedule: 'office-hours' }, 'running'),
      ]);

      // Act
      const result = await handler({ dryRun: true, at: '2026-03-07T12:00:00Z' });

      // Assess: Saturday: i-2 would be stopped
      expect(result.dryRun).toBe(true);
      expect(result.at).toBe('2026-03-07T12:00:00.000Z');
      expect(result.plan.map((p) => [p.instanceId, p.desired, p.action, p.result])).toEqual([
        ['i-1', 'stopped', 'none', undefined],
        ['i-2', 'stopped', 'stop', 'planned'],
      ]);
      expect(ec2Mock).not.toHaveReceivedCommand(StartInstancesCommand);
      expect(ec2Mock).not.toHaveReceivedCommand(StopInstancesCommand);
      expect(ec2Mock).not.toHaveReceivedCommand(ModifyInstanceAttributeCommand);
      expect(await items()).toEqual([]);
    });

    it('config dryRun makes every run a dry run', async () => {
      // Prepare
      const { handler, items } = await setupHandler({ config: { dryRun: true } });
      describeReturns([described('i-1', { Schedule: 'office-hours' })]);

      // Act
      const result = await handler(SCHEDULED_EVENT);

      // Assess
      expect(result.dryRun).toBe(true);
      expect(result.plan[0]).toMatchObject({ action: 'start', result: 'planned' });
      expect(ec2Mock).not.toHaveReceivedCommand(StartInstancesCommand);
      expect(await items()).toEqual([]);
    });

    it('without live or cached carbon data, carbon-aware instances are not stopped', async () => {
      // Prepare: no reading in the cache → static annual factor
      const { handler } = await setupHandler();
      describeReturns([described('i-green', { Schedule: 'carbon-aware' }, 'running')]);

      // Act
      const result = await handler(SCHEDULED_EVENT);

      // Assess
      expect(ec2Mock).not.toHaveReceivedCommand(StopInstancesCommand);
      expect(result.plan[0]?.carbon.origin).toBe('static');
      expect(result.plan[0]?.reason).toContain('pause-when-dirty holds');
    });

    it('records state and history, and keeps a failed region from stopping the others', async () => {
      // Prepare: eu-west-1 denies DescribeInstances
      const { handler, table } = await setupHandler({ config: { managedRegions: ['eu-central-1', 'eu-west-1'] } });
      ec2Mock.on(DescribeInstancesCommand).callsFake(async (_input, getClient) => {
        const region = await getClient().config.region();
        if (region === 'eu-west-1') {
          throw Object.assign(new Error('You are not authorized to perform this operation.'), {
            name: 'UnauthorizedOperation',
          });
        }
        return { Reservations: [{ Instances: [described('i-1', { Schedule: 'office-hours' })] }] };
      });

      // Act
      const result = await handler(SCHEDULED_EVENT);

      // Assess
      expect(result.errors).toEqual([
        { region: 'eu-west-1', message: 'UnauthorizedOperation: You are not authorized to perform this operation.' },
      ]);
      expect(ec2Mock).toHaveReceivedCommandWith(StartInstancesCommand, { InstanceIds: ['i-1'] });
      const history = await table.doc.send(
        new QueryCommand({
          TableName: table.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': 'HISTORY#eu-central-1#i-1' },
        }),
      );
      expect(history.Items?.map((i) => i.sk)).toEqual(['2026-03-02T09:00:00.000Z#start']);
    });

    it('rejects malformed events and `at` on a real run', async () => {
      // Prepare
      const { handler } = await setupHandler();

      // Act & Assess
      await expect(handler({ dryrun: true })).rejects.toThrow(InvalidEventError);
      await expect(handler({ dryRun: false, confirmRealRun: true, at: '2026-03-02T09:00:00Z' })).rejects.toThrow(
        /only allowed with "dryRun": true/,
      );
      // A console event must say what it is: {} or {"dryRun": false} alone would be a real run by accident
      await expect(handler({})).rejects.toThrow(/a real run from the console needs/);
      await expect(handler({ dryRun: false })).rejects.toThrow(/confirmRealRun/);
      await expect(handler({ at: '2026-03-02T09:00:00Z' })).rejects.toThrow(InvalidEventError);
      await expect(handler({ dryRun: 'yes' })).rejects.toThrow(/dryRun/);
      expect(ec2Mock).not.toHaveReceivedAnyCommand();
    });
  });

  describe('Time, overlap and stale deliveries (docs/run-safety.md)', () => {
    const at = (iso: string) => ({ ...SCHEDULED_EVENT, id: `event-${iso}`, time: iso });

    it('forged time in range: acts at the clock (truncated to the minute), not at the event time', async () => {
      const { handler } = await setupHandler({ clock: fixedClock('2026-03-02T12:00:40Z') });
      describeReturns([described('i-1', { Schedule: 'office-hours' })]);

      const result = await handler(at('2026-03-02T11:57:00Z'));

      expect(result).toMatchObject({
        status: 'completed',
        at: '2026-03-02T12:00:00.000Z',
        tick: '2026-03-02T12:00:00.000Z',
      });
      expect(ec2Mock).toHaveReceivedCommandWith(StartInstancesCommand, { InstanceIds: ['i-1'] });
    });

    it('forged time far in the future (Saturday): skipped, never acts as of Saturday or at all', async () => {
      const { handler, items, recorded } = await setupHandler();

      const result = await handler(at('2026-03-07T12:00:00Z'));

      // Saturday 12:00 − Monday 09:00 = 5 d 3 h = 442,800 s ahead of the clock
      expect(result).toMatchObject({ status: 'skipped', at: '2026-03-02T09:00:00.000Z' });
      expect(result.skippedReason).toContain('442800 s ahead of the clock');
      expect(ec2Mock).not.toHaveReceivedAnyCommand();
      expect(await items()).toEqual([]);
      expect(recorded()).toEqual([{ name: 'StaleEventsSkipped', value: 1, dimensions: {} }]);
    });

    it('forged or replayed time far in the past: skipped as stale, StaleEventsSkipped = 1, nothing read or written', async () => {
      const { handler, items, recorded } = await setupHandler();

      const result = await handler(at('2026-02-28T03:00:00Z'));

      // Monday 09:00 − Saturday 03:00 = 54 h = 194,400 s > one 5-minute interval
      expect(result).toMatchObject({ status: 'skipped', at: '2026-03-02T09:00:00.000Z', planEntries: 0 });
      expect(result.skippedReason).toContain('194400 s old');
      expect(ec2Mock).not.toHaveReceivedAnyCommand();
      expect(await items()).toEqual([]);
      expect(recorded()).toEqual([{ name: 'StaleEventsSkipped', value: 1, dimensions: {} }]);
    });

    it('an event exactly one interval old still runs; one second more is stale', async () => {
      const { handler } = await setupHandler({ clock: fixedClock('2026-03-02T09:05:00Z') });
      ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [] });

      const onTime = await handler(at('2026-03-02T09:00:00Z'));
      const late = await handler(at('2026-03-02T08:59:59Z'));

      expect([onTime.status, late.status]).toEqual(['completed', 'skipped']);
    });

    it('overlapping runs with event times 10 min apart, older first: the newer one is skipped by the renewed lease', async () => {
      // Run A (event 09:00, clock 09:00) hangs in DescribeInstances for 10 minutes, renewing its lease every 50 s;
      // run B (event 09:10) arrives at 09:10.
      vi.useFakeTimers({ now: new Date('2026-03-02T09:00:00Z'), toFake: ['Date', 'setInterval', 'clearInterval'] });
      try {
        const { handler, table } = await setupHandler({ clock: () => new Date() });
        let releaseA!: () => void;
        const gate = new Promise<void>((resolve) => {
          releaseA = resolve;
        });
        let aInside!: () => void;
        const inside = new Promise<void>((resolve) => {
          aInside = resolve;
        });
        ec2Mock.on(DescribeInstancesCommand).callsFake(async () => {
          aInside();
          await gate;
          return { Reservations: [{ Instances: [described('i-1', { Schedule: 'office-hours' })] }] };
        });

        // A 15-minute Lambda timeout, so the run deadline (docs/run-safety.md) is not what stops A.
        const fifteenMinutesFrom = Date.now() + 15 * 60_000;
        const runA = handler(at('2026-03-02T09:00:00Z'), {
          awsRequestId: 'run-a',
          getRemainingTimeInMillis: () => fifteenMinutesFrom - Date.now(),
        });
        await inside;
        for (let i = 0; i < 12; i += 1) await vi.advanceTimersByTimeAsync(50_000);
        const b = await handler(at('2026-03-02T09:10:00Z'), { awsRequestId: 'run-b' });
        releaseA();
        const a = await runA;

        expect(b.status).toBe('skipped');
        expect(b.skippedReason).toContain('run-a');
        expect(a.status).toBe('completed');
        expect(ec2Mock).toHaveReceivedCommandTimes(StartInstancesCommand, 1);
        const lease = (await table.doc.send(new ScanCommand({ TableName: table.tableName }))).Items?.find(
          (item) => item.pk === 'LEASE',
        );
        expect(lease).toMatchObject({ holder: 'run-a', fencingToken: 1, leaseExpiresAt: 0 });
      } finally {
        vi.useRealTimers();
      }
    });

    it('overlapping runs with event times 10 min apart, newer first: the older delivery is stale and skipped', async () => {
      let clockAt = '2026-03-02T09:10:05Z';
      const { handler } = await setupHandler({ clock: () => new Date(clockAt) });
      let releaseB!: () => void;
      const gate = new Promise<void>((resolve) => {
        releaseB = resolve;
      });
      let bInside!: () => void;
      const inside = new Promise<void>((resolve) => {
        bInside = resolve;
      });
      ec2Mock.on(DescribeInstancesCommand).callsFake(async () => {
        bInside();
        await gate;
        return { Reservations: [{ Instances: [described('i-1', { Schedule: 'office-hours' })] }] };
      });

      const runB = handler(at('2026-03-02T09:10:00Z'), { awsRequestId: 'run-b' });
      await inside;
      clockAt = '2026-03-02T09:11:00Z';
      const a = await handler(at('2026-03-02T09:00:00Z'), { awsRequestId: 'run-a' });
      releaseB();
      const b = await runB;

      expect(a.status).toBe('skipped');
      expect(a.skippedReason).toContain('stale delivery');
      expect(b.status).toBe('completed');
      expect(ec2Mock).toHaveReceivedCommandTimes(DescribeInstancesCommand, 1);
      expect(ec2Mock).toHaveReceivedCommandTimes(StartInstancesCommand, 1);
    });

    it('a retry of a timed-out run overlapping the next tick: the crashed lease lapsed, the retry is stale, the tick acts', async () => {
      // Run A (event 09:00) took the lease at 09:00 and was killed at its timeout (no release, no renewal).
      let clockAt = '2026-03-02T09:05:30Z';
      const { handler, table } = await setupHandler({ clock: () => new Date(clockAt) });
      const { DynamoLease, leaseTiming } = await import('../../lambdas/adapters/dynamodb/lease');
      await new DynamoLease(table.doc, table.tableName).acquire(
        'run-a',
        new Date('2026-03-02T09:00:00Z'),
        leaseTiming(5).ttlSeconds,
      );
      ec2Mock.on(DescribeInstancesCommand).resolves({
        Reservations: [{ Instances: [described('i-1', { Schedule: 'office-hours' }) as never] }],
      });

      // Lambda's retry of A (same request id and event) and the 09:05 tick arrive together at 09:05:30
      const [retry, tick] = await Promise.all([
        handler(at('2026-03-02T09:00:00Z'), { awsRequestId: 'run-a' }),
        handler(at('2026-03-02T09:05:00Z'), { awsRequestId: 'run-b' }),
      ]);
      clockAt = '2026-03-02T09:10:02Z';
      const nextTick = await handler(at('2026-03-02T09:10:00Z'), { awsRequestId: 'run-c' });

      // 09:05:30 − 09:00:00 = 330 s > 300 s: stale. A's lease (09:00 + 150 s = 09:02:30) had lapsed.
      expect(retry).toMatchObject({ status: 'skipped' });
      expect(retry.skippedReason).toContain('330 s old');
      expect(tick.status).toBe('completed');
      expect(nextTick.status).toBe('completed');
      expect(ec2Mock).toHaveReceivedCommandTimes(StartInstancesCommand, 1);
    });

    it('a retry within the interval overlapping the next tick: only one of them acts', async () => {
      const { handler } = await setupHandler({ clock: fixedClock('2026-03-02T09:04:50Z') });
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      ec2Mock.on(DescribeInstancesCommand).callsFake(async () => {
        await gate;
        return { Reservations: [{ Instances: [described('i-1', { Schedule: 'office-hours' })] }] };
      });

      const runs = Promise.all([
        handler(at('2026-03-02T09:00:00Z'), { awsRequestId: 'run-a' }),
        handler(at('2026-03-02T09:05:00Z'), { awsRequestId: 'run-b' }),
      ]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      release();
      const statuses = (await runs).map((r) => r.status).sort();

      expect(statuses).toEqual(['completed', 'skipped']);
      expect(ec2Mock).toHaveReceivedCommandTimes(DescribeInstancesCommand, 1);
    });
  });

  describe('Logs and bounded output (docs/run-safety.md)', () => {
    /** The JSON log lines Powertools printed (stdout and stderr). */
    function captureLogs() {
      const chunks: string[] = [];
      const record = (chunk: unknown) => {
        chunks.push(String(chunk));
        return true;
      };
      vi.spyOn(process.stderr, 'write').mockImplementation(record);
      return () =>
        chunks
          .join('')
          .split('\n')
          .filter((line) => line.startsWith('{') && !line.includes('"_aws"'))
          .map((line) => JSON.parse(line) as Record<string, unknown>);
    }

    it('region failures, warnings and price fallbacks reach the log with their text, not under `message`', async () => {
      const stderr = captureLogs();
      const { handler, recorded, emf } = await setupHandler({
        config: { managedRegions: ['eu-central-1', 'eu-west-1'] },
        logger: new Logger({ serviceName: 'scheduler', logLevel: 'INFO' }),
        ports: {
          prefetchPrices: async () => ({
            fetched: 0,
            cached: 0,
            fellBack: [
              {
                region: 'eu-central-1',
                instanceType: 'm5.large',
                reason: 'Price List API error: ThrottlingException: Rate exceeded',
              },
            ],
          }),
        },
      });
      ec2Mock.on(DescribeInstancesCommand).callsFake(async (_input, getClient) => {
        const region = await getClient().config.region();
        if (region === 'eu-west-1') {
          throw Object.assign(new Error('You are not authorized to perform this operation.'), {
            name: 'UnauthorizedOperation',
          });
        }
        return { Reservations: [{ Instances: [described('i-1', { Schedule: 'office-hours' })] }] };
      });

      await handler(SCHEDULED_EVENT);

      const logs = [
        ...stderr(),
        ...emf
          .lines()
          .filter((l) => l.startsWith('{') && !l.includes('"_aws"'))
          .map((l) => JSON.parse(l) as Record<string, unknown>),
      ];
      const failed = logs.find((l) => l.message === 'scheduler region failed');
      expect(failed).toMatchObject({
        level: 'ERROR',
        region: 'eu-west-1',
        error: 'UnauthorizedOperation: You are not authorized to perform this operation.',
      });
      expect(logs.find((l) => l.message === 'price from the bundled snapshot')).toMatchObject({
        level: 'WARN',
        region: 'eu-central-1',
        instanceType: 'm5.large',
        detail: 'Price List API error: ThrottlingException: Rate exceeded',
      });
      expect(recorded().filter((m) => m.name === 'PriceFallbacks')).toEqual([
        { name: 'PriceFallbacks', value: 1, dimensions: { Region: 'eu-central-1' } },
      ]);
    });

    it('a 100,000-instance dry run returns under 1 MB: totals, counts per region and action, the first 500 entries, where the rest are', async () => {
      const { InMemoryFleet } = await import('../../lambdas/adapters/ec2/in-memory-fleet');
      const instances = Array.from({ length: 100_000 }, (_, i) => ({
        instanceId: `i-${String(i).padStart(17, '0')}`,
        region: 'eu-central-1',
        instanceType: 'm5.large',
        state: (i % 2 === 0 ? 'stopped' : 'running') as 'stopped' | 'running',
        tags: { Schedule: i % 4 < 2 ? 'office-hours' : 'always-on' },
        hibernationConfigured: false,
      }));
      const { handler } = await setupHandler({ ports: { fleet: new InMemoryFleet(instances) } });

      const result = await handler({ dryRun: true });
      const bytes = Buffer.byteLength(JSON.stringify(result));

      // i % 4: 0 stopped office → start; 1 running office → none; 2 stopped always-on → start; 3 running → none
      expect(bytes).toBeLessThan(1_000_000);
      expect(result.planEntries).toBe(100_000);
      expect(result.plan).toHaveLength(500);
      expect(result.totals).toMatchObject({ instances: 100_000, start: 50_000, stop: 0 });
      expect(result.countsByRegion).toEqual({
        'eu-central-1': { start: 50_000, stop: 0, resize: 0, none: 50_000, failed: 0 },
      });
      expect(result.truncated).toEqual({
        logMessage: 'scheduler decision',
        tick: '2026-03-02T09:00:00.000Z',
        query: 'carbon-aware-scheduler/scheduler-run-decisions',
      });
    }, 120_000);
  });
});
