import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { DynamoCarbonStore } from '../../lambdas/adapters/dynamodb/carbon-store';
import { DynamoJobStore } from '../../lambdas/adapters/dynamodb/job-store';
import type { CarbonForecast, CarbonReading } from '../../lambdas/core/carbon/reading';
import { zoneForRegion } from '../../lambdas/core/carbon/region-facts';
import { fixedClock } from '../../lambdas/core/clock';
import { createDispatcherHandler, dispatcherWiringFromEnvironment } from '../../lambdas/handlers/dispatcher';
import { EnvironmentError, eventBusRegion, parseWorkerFunctions } from '../../lambdas/handlers/shared/environment';
import { InvalidEventError } from '../../lambdas/handlers/shared/events';
import { createTestTable } from '../support/dynamodb';
import { loggedFigures } from '../support/emf';
import { functionConfigEnv } from '../support/function-config';

const lambdaMock = mockClient(LambdaClient);
const schedulerMock = mockClient(SchedulerClient);
const now = new Date('2026-11-21T12:00:00Z');
const ACCOUNT = '123456789012';
const workerArn = (region: string) => `arn:aws:lambda:${region}:${ACCOUNT}:function:carbon-aware-scheduler-worker`;
const REGIONS = ['eu-north-1', 'eu-west-3', 'eu-central-1', 'us-east-1', 'us-west-2'];
const DISPATCHER_ARN = `arn:aws:lambda:eu-central-1:${ACCOUNT}:function:carbon-aware-scheduler-dispatcher`;
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/deferral-scheduler`;
const context = { invokedFunctionArn: DISPATCHER_ARN };

let table: Awaited<ReturnType<typeof createTestTable>>;

function reading(region: string, g: number, ageMinutes: number): CarbonReading {
  const observedAt = new Date(now.getTime() - ageMinutes * 60_000).toISOString();
  return {
    region,
    zone: zoneForRegion(region)!,
    provider: 'electricitymaps',
    signal: 'average',
    gCO2ePerKWh: g,
    observedAt,
    fetchedAt: observedAt,
    isEstimated: false,
    isForecast: false,
  };
}

function hourlyForecast(region: string, values: number[]): CarbonForecast {
  const zone = zoneForRegion(region)!;
  return {
    region,
    zone,
    provider: 'electricitymaps',
    signal: 'average',
    generatedAt: now.toISOString(),
    points: values.map((g, i) => {
      const at = new Date(now.getTime() + i * 3_600_000).toISOString();
      return { ...reading(region, g, 0), observedAt: at, fetchedAt: now.toISOString(), isForecast: true };
    }),
  };
}

function environment(overrides: Record<string, string | undefined> = {}) {
  return {
    ...functionConfigEnv({ homeRegion: 'eu-central-1' }),
    TABLE_NAME: table.tableName,
    WORKER_FUNCTIONS: JSON.stringify(Object.fromEntries(REGIONS.map((r) => [r, workerArn(r)]))),
    DISPATCH_SCHEDULE_GROUP: 'carbon-aware-scheduler-deferrals',
    DISPATCH_SCHEDULER_ROLE_ARN: ROLE_ARN,
    ...overrides,
  };
}

function handlerFor(env = environment(), jobIds: string[] = ['uuid-1']) {
  const wiring = dispatcherWiringFromEnvironment(env, {
    doc: table.doc,
    clock: fixedClock(now),
    newJobId: () => jobIds.shift()!,
  });
  return createDispatcherHandler(() => wiring);
}

/** EMF metrics and `metrics` log figures written to stdout while the spy is active. */
function emitted(spy: MockInstance): { name: string; value: unknown; dimensions: Record<string, string> }[] {
  const lines = spy.mock.calls.flatMap((call) => String(call[0]).split('\n'));
  const logged = loggedFigures(lines).map(({ name, value, dimensions: { service: _service, ...dimensions } }) => ({
    name,
    value,
    dimensions,
  }));
  return [...emf(lines), ...logged];
}

function emf(lines: readonly string[]): { name: string; value: unknown; dimensions: Record<string, string> }[] {
  return lines
    .filter((line) => line.includes('"_aws"'))
    .flatMap((line) => {
      const doc = JSON.parse(line) as Record<string, unknown> & {
        _aws: { CloudWatchMetrics: { Dimensions: string[][]; Metrics: { Name: string }[] }[] };
      };
      const directive = doc._aws.CloudWatchMetrics[0]!;
      const dimensions = Object.fromEntries((directive.Dimensions[0] ?? []).map((d) => [d, String(doc[d])]));
      return directive.Metrics.map((m) => ({ name: m.Name, value: doc[m.Name], dimensions }));
    });
}

describe('Handler: dispatcher', () => {
  let stdout: MockInstance;

  beforeAll(async () => {
    table = await createTestTable();
    // eu-north-1 25 g, eu-west-3 40 g, home 350 g, us-east-1 420 g (20 min old); us-west-2 has no data (static 204 g).
    const carbon = new DynamoCarbonStore(table.doc, table.tableName, { ttlMinutes: 2880 });
    await carbon.putReadings(
      [
        reading('eu-north-1', 25, 20),
        reading('eu-west-3', 40, 20),
        reading('eu-central-1', 350, 20),
        reading('us-east-1', 420, 20),
      ],
      now,
    );
    // eu-north-1 is forecast at 10 g from 14:00 for two hours.
    await carbon.putForecasts([hourlyForecast('eu-north-1', [25, 25, 10, 10, 30, 30])], now);
  });
  afterAll(async () => {
    await table.drop();
  });
  beforeEach(() => {
    lambdaMock.on(InvokeCommand).resolves({ StatusCode: 202 });
    schedulerMock.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:aws:scheduler:eu-central-1:1:schedule/x' });
    stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    lambdaMock.reset();
    schedulerMock.reset();
    stdout.mockRestore();
  });

  it('dispatches a direct job to the cleanest region, records the decision and emits metrics', async () => {
    // Prepare
    const handler = handlerFor(environment(), ['direct-1']);

    // Act
    const response = await handler({ job: { kind: 'report-location', estimatedKWh: 1 } }, context);

    // Assess
    expect(response).toMatchObject({
      jobId: 'direct-1',
      action: 'dispatched',
      chosenRegion: 'eu-north-1',
      recorded: true,
    });
    expect(response.candidates.map((c) => [c.region, c.gCO2ePerKWh, c.origin])).toEqual([
      ['eu-north-1', 25, 'cached'],
      ['eu-west-3', 40, 'cached'],
      ['us-west-2', 204, 'static'],
      ['eu-central-1', 350, 'cached'],
      ['us-east-1', 420, 'cached'],
    ]);
    expect(lambdaMock).toHaveReceivedCommandTimes(InvokeCommand, 1);
    expect(lambdaMock).toHaveReceivedCommandWith(InvokeCommand, {
      FunctionName: workerArn('eu-north-1'),
      InvocationType: 'Event',
    });
    const stored = await new DynamoJobStore(table.doc, table.tableName).getJob('direct-1');
    // 1 kWh × (350 − 25) g.
    expect(stored.decision?.emissions?.savedGrams).toBe(325);
    expect(emitted(stdout)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'DispatchedJobs',
          value: 1,
          dimensions: expect.objectContaining({ Region: 'eu-north-1' }),
        }),
        expect.objectContaining({ name: 'DispatchCarbonSaved', value: 325 }),
      ]),
    );
  });

  it('accepts an EventBridge JobRequested envelope', async () => {
    // Prepare
    const handler = handlerFor(environment(), ['unused']);
    const event = {
      version: '0',
      id: 'e-1',
      'detail-type': 'JobRequested',
      source: 'carbon-aware-scheduler',
      account: ACCOUNT,
      time: '2026-11-21T12:00:00Z',
      region: 'eu-central-1',
      resources: [],
      detail: { job: { kind: 'report-location', id: 'from-bus' }, regions: ['eu-west-3', 'us-east-1'] },
    };

    // Act
    const response = await handler(event, context);

    // Assess
    expect(response).toMatchObject({ jobId: 'from-bus', chosenRegion: 'eu-west-3' });
    expect(lambdaMock).toHaveReceivedCommandWith(InvokeCommand, { FunctionName: workerArn('eu-west-3') });
  });

  it('falls back to the next region when the cleanest worker rejects the invoke, recording both', async () => {
    // Prepare
    lambdaMock
      .on(InvokeCommand, { FunctionName: workerArn('eu-north-1') })
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' }));
    const handler = handlerFor(environment(), ['fallback-1']);

    // Act
    const response = await handler({ job: { kind: 'report-location' } }, context);

    // Assess
    expect(lambdaMock).toHaveReceivedCommandTimes(InvokeCommand, 2);
    expect(lambdaMock.commandCalls(InvokeCommand).map((call) => call.args[0].input.FunctionName)).toEqual([
      workerArn('eu-north-1'),
      workerArn('eu-west-3'),
    ]);
    expect(response.chosenRegion).toBe('eu-west-3');
    const stored = await new DynamoJobStore(table.doc, table.tableName).getJob('fallback-1');
    expect(stored.decision?.attempts.map((a) => [a.region, a.outcome, a.error])).toEqual([
      ['eu-north-1', 'failed', 'worker in eu-north-1: TooManyRequestsException: Rate exceeded'],
      ['eu-west-3', 'invoked', undefined],
    ]);
    expect(emitted(stdout)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'DispatchInvokeErrors',
          value: 1,
          dimensions: expect.objectContaining({ Region: 'eu-north-1' }),
        }),
        expect.objectContaining({
          name: 'DispatchedJobs',
          dimensions: expect.objectContaining({ Region: 'eu-west-3' }),
        }),
      ]),
    );
  });

  it('returns, records and counts a failed decision when every invoke fails (an operational failure)', async () => {
    // Prepare
    lambdaMock
      .on(InvokeCommand)
      .rejects(Object.assign(new Error('Function not found'), { name: 'ResourceNotFoundException' }));
    const handler = handlerFor(environment(), ['failed-1']);

    // Act
    const response = await handler({ job: { kind: 'report-location' }, regions: ['eu-north-1', 'us-east-1'] }, context);

    // Assess
    expect(response).toMatchObject({ jobId: 'failed-1', action: 'failed', recorded: true });
    expect(response.attempts.map((a) => [a.region, a.outcome])).toEqual([
      ['eu-north-1', 'failed'],
      ['us-east-1', 'failed'],
    ]);
    const stored = await new DynamoJobStore(table.doc, table.tableName).getJob('failed-1');
    expect(stored.decision?.action).toBe('failed');
    expect(stored.decision?.attempts).toHaveLength(2);
    expect(emitted(stdout).filter((m) => m.name === 'DispatchFailures')).toEqual([
      { name: 'DispatchFailures', value: 1, dimensions: expect.not.objectContaining({ Region: expect.anything() }) },
    ]);
  });

  it('defers a job with a deadline to the cleaner forecast slot with a one-time schedule', async () => {
    // Prepare
    const handler = handlerFor(environment(), ['deferred-1']);
    const job = { kind: 'report-location', durationMinutes: 60 };

    // Act
    const response = await handler({ job, deadline: '2026-11-21T20:00:00Z' }, context);

    // Assess: eu-north-1 is 25 g now and forecast at 10 g from 14:00: 60% cleaner.
    expect(lambdaMock).not.toHaveReceivedCommand(InvokeCommand);
    expect(schedulerMock).toHaveReceivedCommandTimes(CreateScheduleCommand, 1);
    expect(schedulerMock.commandCalls(CreateScheduleCommand)[0]!.args[0].input).toEqual({
      Name: 'job-deferred-1',
      GroupName: 'carbon-aware-scheduler-deferrals',
      ScheduleExpression: 'at(2026-11-21T14:00:00)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      State: 'ENABLED',
      Description: 'carbon-aware-scheduler: deferred job deferred-1 (report-location), expected eu-north-1',
      Target: {
        Arn: DISPATCHER_ARN,
        RoleArn: ROLE_ARN,
        Input: JSON.stringify({
          job: { ...job, id: 'deferred-1' },
          deadline: '2026-11-21T20:00:00Z',
          noDefer: true,
          deferredFrom: {
            scheduleName: 'job-deferred-1',
            decidedAt: '2026-11-21T12:00:00.000Z',
            plannedStart: '2026-11-21T14:00:00.000Z',
          },
        }),
      },
    });
    expect(response).toMatchObject({ action: 'deferred', runAt: '2026-11-21T14:00:00.000Z', recorded: true });
    expect(emitted(stdout)).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'DeferredJobs', value: 1 })]),
    );
  });

  it('the deferral schedule input is itself a valid dispatcher event that runs without deferring again', async () => {
    // Prepare
    const handler = handlerFor(environment(), ['deferred-2']);
    await handler({ job: { kind: 'report-location', durationMinutes: 60 }, deadline: '2026-11-21T20:00:00Z' }, context);
    const input = JSON.parse(schedulerMock.commandCalls(CreateScheduleCommand)[0]!.args[0].input.Target!.Input!);

    // Act
    const response = await handlerFor(environment(), [])(input, context);

    // Assess
    expect(response).toMatchObject({ jobId: 'deferred-2', action: 'dispatched', chosenRegion: 'eu-north-1' });
    expect(schedulerMock).toHaveReceivedCommandTimes(CreateScheduleCommand, 1);
  });

  it('says why a job runs now when time shifting is not configured', async () => {
    // Prepare
    const handler = handlerFor(environment({ DISPATCH_SCHEDULE_GROUP: undefined }), ['no-group-1']);

    // Act
    const response = await handler({ job: { kind: 'report-location' }, deadline: '2026-11-21T20:00:00Z' }, context);

    // Assess
    expect(schedulerMock).not.toHaveReceivedCommand(CreateScheduleCommand);
    expect(response.deferralNote).toBe('runs now: time shifting is not configured (DISPATCH_SCHEDULE_GROUP not set)');
  });

  it('config dryRun: a real request is planned only, nothing invoked, written or counted', async () => {
    // Prepare
    const handler = handlerFor(environment({ ...functionConfigEnv({ homeRegion: 'eu-central-1', dryRun: true }) }), [
      'config-dry-1',
    ]);

    // Act
    const response = await handler({ job: { kind: 'report-location' }, dryRun: false }, context);

    // Assess
    expect(response).toMatchObject({ action: 'planned', dryRun: true, recorded: false, chosenRegion: 'eu-north-1' });
    expect(lambdaMock).not.toHaveReceivedCommand(InvokeCommand);
    expect(await new DynamoJobStore(table.doc, table.tableName).getJob('config-dry-1')).toEqual({});
    expect(emitted(stdout)).toEqual([]);
  });

  it('dry run: returns the ranking, choice and deferral without invoking, scheduling or writing', async () => {
    // Prepare
    const handler = handlerFor(environment(), ['dry-1']);

    // Act
    const response = await handler(
      { job: { kind: 'report-location', durationMinutes: 60 }, deadline: '2026-11-21T20:00:00Z', dryRun: true },
      context,
    );

    // Assess
    expect(response).toMatchObject({
      action: 'planned',
      recorded: false,
      deferral: { start: '2026-11-21T14:00:00.000Z' },
    });
    expect(lambdaMock).not.toHaveReceivedCommand(InvokeCommand);
    expect(schedulerMock).not.toHaveReceivedCommand(CreateScheduleCommand);
    expect(await new DynamoJobStore(table.doc, table.tableName).getJob('dry-1')).toEqual({});
    expect(emitted(stdout)).toEqual([]);
  });

  it.each([
    [{ job: { estimatedKWh: 1 } }, 'Invalid event: job.kind: job.kind is required'],
    [{ job: { kind: 'x' }, regions: ['eu-north-1', 'moon-1'] }, 'Invalid event: regions: unknown AWS region "moon-1"'],
    [{ job: { kind: 'x' }, regions: ['ap-south-1'] }, 'Invalid event: regions: region "ap-south-1" is not allowed'],
    [{ dryRun: true }, 'Invalid event: job: Invalid input: expected object, received undefined'],
    [{ job: { kind: 'x' }, at: '2026-11-21T12:00:00Z' }, 'Invalid event: at is only allowed with "dryRun": true'],
    [
      { version: '0', source: 'someone-else', 'detail-type': 'JobRequested', detail: { job: { kind: 'x' } } },
      'Invalid event: id: Invalid input',
    ],
  ])('rejects %j with a clear message and invokes nothing', async (event, message) => {
    // Prepare
    const handler = handlerFor();

    // Act
    const act = handler(event, context);

    // Assess
    await expect(act).rejects.toThrow(InvalidEventError);
    await expect(act).rejects.toThrow(message);
    expect(lambdaMock).not.toHaveReceivedCommand(InvokeCommand);
  });
});

describe('Module: shared/environment', () => {
  describe('Function: parseWorkerFunctions', () => {
    it('reads a region → ARN map and checks each ARN is in its region', () => {
      // Act / Assess
      expect(parseWorkerFunctions(JSON.stringify({ 'eu-north-1': workerArn('eu-north-1') }))).toEqual({
        'eu-north-1': workerArn('eu-north-1'),
      });
      expect(() => parseWorkerFunctions(undefined)).toThrow(EnvironmentError);
      expect(() => parseWorkerFunctions('{')).toThrow(/WORKER_FUNCTIONS: is not valid JSON/);
      expect(() => parseWorkerFunctions(JSON.stringify({ 'eu-west-3': workerArn('eu-north-1') }))).toThrow(
        `environment variable WORKER_FUNCTIONS: eu-west-3: ${workerArn('eu-north-1')} is in region eu-north-1, not eu-west-3`,
      );
      expect(() => parseWorkerFunctions(JSON.stringify({ 'eu-west-3': 'worker' }))).toThrow(
        /"worker" is not a Lambda function ARN/,
      );
    });
  });

  describe('Function: eventBusRegion', () => {
    it('reads the region of an event bus ARN', () => {
      // Act / Assess
      expect(eventBusRegion(`arn:aws:events:eu-central-1:${ACCOUNT}:event-bus/default`)).toBe('eu-central-1');
      expect(() => eventBusRegion('default')).toThrow(/HOME_EVENT_BUS_ARN: "default" is not an event bus ARN/);
    });
  });
});
