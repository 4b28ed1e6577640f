import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandInput } from '@aws-sdk/client-cloudwatch';
import {
  DescribeInstancesCommand,
  DescribeInstanceTypesCommand,
  type DescribeInstanceTypesCommandInput,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { InMemoryRecommendationStore } from '../../lambdas/adapters/dynamodb/recommendation-store';
import { InstanceTypeCatalog } from '../../lambdas/adapters/ec2/instance-types';
import { METRICS } from '../../lambdas/contract';
import { fixedClock } from '../../lambdas/core/clock';
import { resolveConfig } from '../../lambdas/core/config/resolve';
import { familySizes } from '../../lambdas/core/ec2/instance-specs';
import { parseQueryId } from '../../lambdas/core/rightsizing/metric-queries';
import {
  createRightsizerHandler,
  type RightsizerResponse,
  type RightsizerWiring,
  rightsizerWiringFromEnvironment,
} from '../../lambdas/handlers/rightsizer';
import { EnvironmentError } from '../../lambdas/handlers/shared/environment';
import { InvalidEventError } from '../../lambdas/handlers/shared/events';
import { loggedFigures } from '../support/emf';
import { functionConfigEnv } from '../support/function-config';

// The deployed function's Powertools service name (set by the CDK construct), before the handler module loads.
vi.hoisted(() => {
  process.env.POWERTOOLS_SERVICE_NAME = 'rightsizer';
});

/** The response of a run that analysed (fails the test otherwise). */
function ran(response: RightsizerResponse) {
  if (!('regions' in response)) throw new Error(`expected a run, got ${JSON.stringify(response)}`);
  return response;
}

/** One invocation of the handler built on `wiring`. */
const handle = (event: unknown, wiring: RightsizerWiring) => createRightsizerHandler(wiring)(event);

const ec2Mock = mockClient(EC2Client);
const cwMock = mockClient(CloudWatchClient);

// Window for at = Monday 2026-11-16: 2026-11-02 … 2026-11-15; weekdays below.
const AT = '2026-11-16T05:00:00Z';
const WEEKDAYS = ['02', '03', '04', '05', '06', '09', '10', '11', '12', '13'].map(
  (d) => new Date(`2026-11-${d}T00:00:00Z`),
);

const instance = (id: string, type: string, tags: Record<string, string>, state = 'running') => ({
  InstanceId: id,
  InstanceType: type,
  State: { Name: state },
  Placement: { AvailabilityZone: 'eu-central-1a' },
  Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
});

/** DescribeInstanceTypes answered from the bundled snapshot for the requested `family.*` filters. */
function describeTypesFromSnapshot(input: DescribeInstanceTypesCommandInput) {
  const families = (input.Filters?.[0]?.Values ?? []).map((v) => v.replace(/\.\*$/, ''));
  return {
    InstanceTypes: families.flatMap((family) =>
      familySizes(family).map((s) => ({
        InstanceType: s.instanceType as never,
        VCpuInfo: { DefaultVCpus: s.vcpu },
        MemoryInfo: { SizeInMiB: s.memoryGiB * 1024 },
        ProcessorInfo: { SupportedArchitectures: [s.arch as never] },
      })),
    ),
  };
}

/** Every instance: daily p95 10%, average 5%, memory 20% on the 10 weekdays. */
function metricsFake(input: GetMetricDataCommandInput) {
  return {
    MetricDataResults: (input.MetricDataQueries ?? []).map((q) => {
      const kind = parseQueryId(q.Id ?? '')?.kind;
      const value = kind === 'cpu' ? 10 : kind === 'avg' ? 5 : 20;
      return { Id: q.Id, Timestamps: WEEKDAYS, Values: WEEKDAYS.map(() => value), StatusCode: 'Complete' as const };
    }),
  };
}

function deps(overrides: Partial<RightsizerWiring> = {}): RightsizerWiring & { store: InMemoryRecommendationStore } {
  const ec2 = new EC2Client({ region: 'eu-central-1', maxAttempts: 1 });
  return {
    config: resolveConfig({
      homeRegion: 'eu-central-1',
      managedRegions: ['eu-central-1'],
      rightsizing: { allowAutoResize: true },
    }),
    telemetry: {
      logger: new Logger({ logLevel: 'SILENT' }),
      metrics: new Metrics({ namespace: 'CarbonAwareScheduler', serviceName: 'rightsizer' }),
    },
    ec2: () => ec2,
    cloudWatch: () => new CloudWatchClient({ region: 'eu-central-1', maxAttempts: 1 }),
    catalog: new InstanceTypeCatalog({ clientFor: () => ec2 }),
    priceBook: undefined,
    store: new InMemoryRecommendationStore(),
    clock: fixedClock(AT),
    ...overrides,
  } as RightsizerWiring & { store: InMemoryRecommendationStore };
}

describe('Module: rightsizer handler', () => {
  let stdout: MockInstance<typeof process.stdout.write>;

  beforeEach(() => {
    ec2Mock.reset();
    cwMock.reset();
    ec2Mock.on(DescribeInstanceTypesCommand).callsFake(describeTypesFromSnapshot);
    cwMock.on(GetMetricDataCommand).callsFake(metricsFake);
    stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });

  afterEach(() => {
    stdout.mockRestore();
  });

  describe('Function: handle', () => {
    it('discovers tagged instances over DescribeInstances pages, stores recommendations and emits Region metrics', async () => {
      // Prepare
      ec2Mock
        .on(DescribeInstancesCommand)
        .resolvesOnce({
          Reservations: [
            { Instances: [instance('i-0aaa00001', 'm5.2xlarge', { Schedule: 'office-hours', Rightsize: 'auto' })] },
            { Instances: [instance('i-0aaa00002', 'm5.xlarge', { Schedule: 'office-hours', Rightsize: 'off' })] },
          ],
          NextToken: 'page-2',
        } as never)
        .resolvesOnce({
          Reservations: [
            {
              Instances: [
                instance('i-0aaa00003', 't3.large', { Schedule: 'office-hours', Rightsize: 'banana' }),
                instance('i-0aaa00004', 'm5.xlarge', { Schedule: 'office-hours' }, 'terminated'),
              ],
            },
          ],
        } as never);
      const d = deps();

      // Act
      const result = await handle({}, d);

      // Assess
      expect(ec2Mock).toHaveReceivedCommandTimes(DescribeInstancesCommand, 2);
      expect(ec2Mock).toHaveReceivedCommandWith(DescribeInstancesCommand, {
        Filters: [{ Name: 'tag-key', Values: ['Schedule', 'Rightsize'] }],
      });
      expect(ec2Mock).toHaveReceivedNthCommandWith(DescribeInstancesCommand, 2, { NextToken: 'page-2' });
      expect(result).toMatchObject({ dryRun: false });
      const summary = ran(result).regions[0]!;
      expect(summary).toMatchObject({
        region: 'eu-central-1',
        discovered: 3,
        analysed: 1,
        recommendations: 1,
        pendingApply: 1,
      });
      expect(summary.skipped).toEqual([
        { instanceId: 'i-0aaa00002', reason: 'Rightsize mode is off' },
        {
          instanceId: 'i-0aaa00003',
          reason: 'tag Rightsize="banana" is not valid; allowed: "recommend", "auto", "off"',
        },
      ]);
      // p95 10% on m5.2xlarge (8 vCPU): m5.large would be 40%, but memory 20% of 32 = 6.4 GiB + 20% = 7.68 ≤ 8 GiB.
      const stored = await d.store.get('eu-central-1', 'i-0aaa00001');
      expect(stored).toMatchObject({
        outcome: 'downsize',
        status: 'pending-apply',
        proposed: { instanceType: 'm5.large' },
      });
      expect(await d.store.pendingAutoResizes('eu-central-1')).toEqual(
        new Map([
          [
            'i-0aaa00001',
            {
              targetInstanceType: 'm5.large',
              recommendationId: 'i-0aaa00001:m5.2xlarge->m5.large',
              fromInstanceType: 'm5.2xlarge',
            },
          ],
        ]),
      );
      // `metrics` log line: the catalogue's dimension set, service + Region (what the dashboard's rightsizing widget
      // queries); eu-central-1 m5.2xlarge 0.46 → m5.large 0.115 over 217.26 h = 74.96 USD.
      const lines = stdout.mock.calls.flatMap((c) => String(c[0]).split('\n'));
      const logged = loggedFigures(lines);
      for (const name of ['RightsizingRecommendations', 'RightsizingMonthlySavings'] as const) {
        const figure = logged.find((f) => f.name === name);
        expect(Object.keys(figure?.dimensions ?? {}).sort()).toEqual(['service', ...METRICS[name].dimensions].sort());
        expect(figure?.dimensions).toMatchObject({ service: METRICS[name].service, Region: 'eu-central-1' });
      }
      expect(logged.find((f) => f.name === 'RightsizingRecommendations')?.value).toBe(1);
      expect(logged.find((f) => f.name === 'RightsizingMonthlySavings')?.value).toBeCloseTo(74.96, 2);
      expect(lines.filter((line) => line.includes('"_aws"'))).toEqual([]);
    });

    it('writes nothing and emits no metrics on a dry run, and returns the recommendations', async () => {
      // Prepare
      ec2Mock.on(DescribeInstancesCommand).resolves({
        Reservations: [{ Instances: [instance('i-0bbb00001', 'm5.2xlarge', { Schedule: 'office-hours' })] }],
      } as never);
      const d = deps();

      // Act
      const result = await handle({ at: AT, dryRun: true }, d);

      // Assess
      expect(result).toMatchObject({ dryRun: true });
      expect(ran(result).recommendations).toEqual([
        expect.objectContaining({ instanceId: 'i-0bbb00001', status: 'open' }),
      ]);
      expect(await d.store.list('eu-central-1')).toEqual([]);
      expect(stdout.mock.calls.some((c) => String(c[0]).includes('RightsizingRecommendations'))).toBe(false);
    });

    it('batches GetMetricData at ≤ 500 queries per call: 400 instances × 3 queries → 3 calls', async () => {
      // Prepare
      const instances = Array.from({ length: 400 }, (_, i) =>
        instance(`i-${(0x20000000 + i).toString(16)}`, 'm5.xlarge', { Schedule: 'office-hours' }),
      );
      ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: instances }] } as never);

      // Act
      await handle({ at: AT, dryRun: true }, deps());

      // Assess
      expect(cwMock).toHaveReceivedCommandTimes(GetMetricDataCommand, 3);
      for (const call of cwMock.commandCalls(GetMetricDataCommand)) {
        expect(call.args[0].input.MetricDataQueries!.length).toBeLessThanOrEqual(500);
      }
    });

    it('caches DescribeInstanceTypes across invocations and falls back to the snapshot when it fails', async () => {
      // Prepare
      ec2Mock.on(DescribeInstancesCommand).resolves({
        Reservations: [{ Instances: [instance('i-0ccc00001', 'm5.2xlarge', { Schedule: 'office-hours' })] }],
      } as never);
      const shared = deps();
      await handle({ at: AT, dryRun: true }, shared);
      const callsAfterFirst = ec2Mock.commandCalls(DescribeInstanceTypesCommand).length;

      // Act
      await handle({ at: AT, dryRun: true }, shared);
      ec2Mock
        .on(DescribeInstanceTypesCommand)
        .rejects(Object.assign(new Error('denied'), { name: 'UnauthorizedOperation' }));
      const fresh = deps();
      const fallback = await handle({ at: AT, dryRun: true }, fresh);

      // Assess
      expect(callsAfterFirst).toBe(1);
      expect(ec2Mock.commandCalls(DescribeInstanceTypesCommand).length).toBe(2);
      const region = ran(fallback).regions[0]!;
      expect(region.notes[0]).toContain(
        'DescribeInstanceTypes failed (UnauthorizedOperation: denied); using the bundled snapshot',
      );
      expect(region.recommendations).toBe(1);
    });

    it('records GetMetricData failures as the reason for missing data', async () => {
      // Prepare
      ec2Mock.on(DescribeInstancesCommand).resolves({
        Reservations: [{ Instances: [instance('i-0ddd00001', 'm5.2xlarge', { Schedule: 'office-hours' })] }],
      } as never);
      cwMock.on(GetMetricDataCommand).rejects(Object.assign(new Error('no'), { name: 'AccessDenied' }));

      // Act
      const result = await handle({ at: AT, dryRun: true }, deps());

      // Assess
      const rec = ran(result).recommendations![0]!;
      expect(rec.outcome).toBe('insufficient-data');
      expect(rec.reason).toBe('no CPU data: GetMetricData failed: AccessDenied: no');
    });

    it.each([
      [{ dryRun: 'yes' }, /dryRun/],
      [{ instanceIds: ['web-1'] }, /instance id/],
      [{ regions: ['us-west-2'] }, /not managed/],
      [{ at: AT }, /at is only allowed with "dryRun": true/],
      [{ dryrun: true }, /Unrecognized key: "dryrun"/],
    ])('rejects the malformed event %j with InvalidEventError, without acting', async (event, message) => {
      // Act
      const act = handle(event, deps());

      // Assess
      await expect(act).rejects.toThrow(InvalidEventError);
      await expect(act).rejects.toThrow(message);
      expect(ec2Mock).not.toHaveReceivedCommand(DescribeInstancesCommand);
    });

    it('config dryRun: an explicit "dryRun": false still writes and publishes nothing', async () => {
      // Prepare
      ec2Mock.on(DescribeInstancesCommand).resolves({
        Reservations: [{ Instances: [instance('i-0eee00001', 'm5.2xlarge', { Schedule: 'office-hours' })] }],
      } as never);
      const d = deps({ config: resolveConfig({ homeRegion: 'eu-central-1', dryRun: true }) });

      // Act
      const result = await handle({ dryRun: false }, d);

      // Assess
      expect(result).toMatchObject({ dryRun: true });
      expect(await d.store.list('eu-central-1')).toEqual([]);
      expect(stdout.mock.calls.some((c) => String(c[0]).includes('RightsizingRecommendations'))).toBe(false);
    });

    it('is wired from its environment once: config, TABLE_NAME and PRICE_SOURCE', () => {
      // Prepare
      const env = { ...functionConfigEnv({ homeRegion: 'eu-west-1' }), TABLE_NAME: 'state', PRICE_SOURCE: 'snapshot' };

      // Act
      const wiring = rightsizerWiringFromEnvironment(env);

      // Assess
      expect(wiring.config.homeRegion).toBe('eu-west-1');
      expect(wiring.priceBook).toBeUndefined();
      expect(() => rightsizerWiringFromEnvironment({ ...env, TABLE_NAME: undefined })).toThrow(EnvironmentError);
      expect(() => rightsizerWiringFromEnvironment({ ...env, PRICE_SOURCE: 'cheap' })).toThrow(
        'environment variable PRICE_SOURCE: "cheap"; expected price-list-api or snapshot',
      );
    });
  });

  describe('Time rule (docs/run-safety.md)', () => {
    const scheduled = (time: string) => ({
      version: '0',
      id: 'e-1',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '123456789012',
      time,
      region: 'eu-central-1',
      resources: [],
      detail: {},
    });

    it('skips a scheduled delivery more than an hour from the clock (a late retry, a replay); acts on one on time', async () => {
      ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [] } as never);

      // the clock is 2026-11-16T05:00:00Z: 61 min old is stale, 10 min old is on time
      const late = await handle(scheduled('2026-11-16T03:59:00Z'), deps());
      const describedAfterLate = ec2Mock.commandCalls(DescribeInstancesCommand).length;
      const onTime = await handle(scheduled('2026-11-16T04:50:00Z'), deps());

      expect(late).toEqual({
        dryRun: false,
        skipped:
          'stale delivery: the event time 2026-11-16T03:59:00.000Z is 3660 s from the clock, more than 60 min; nothing done',
      });
      expect(describedAfterLate).toBe(0);
      expect(onTime).not.toHaveProperty('skipped');
    });
  });
});
