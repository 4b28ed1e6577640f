import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoCarbonStore } from '../../lambdas/adapters/dynamodb/carbon-store';
import { DynamoInstanceStateStore } from '../../lambdas/adapters/dynamodb/instance-state-store';
import { DynamoJobStore } from '../../lambdas/adapters/dynamodb/job-store';
import { DynamoSavingsStore } from '../../lambdas/adapters/dynamodb/savings-store';
import { jobIdForKey } from '../../lambdas/core/api/routes';
import type { CarbonReading } from '../../lambdas/core/carbon/reading';
import { fixedClock } from '../../lambdas/core/clock';
import type { DispatchDecision } from '../../lambdas/core/dispatch/decision';
import { apiWiringFromEnvironment, createApiHandler, parseApiEvent } from '../../lambdas/handlers/api';
import { parseDispatcherEvent } from '../../lambdas/handlers/dispatcher';
import { InvalidEventError } from '../../lambdas/handlers/shared/events';
import { apiEvent } from '../support/api-event';
import { createTestTable } from '../support/dynamodb';
import { functionConfigEnv } from '../support/function-config';
import { openApiProblems } from '../support/openapi';

const NOW = '2026-11-21T12:00:00.000Z';
const eventBridge = mockClient(EventBridgeClient);
const cloudWatch = mockClient(CloudWatchClient);
let table: Awaited<ReturnType<typeof createTestTable>>;

const CONFIG = {
  homeRegion: 'eu-central-1',
  managedRegions: ['eu-central-1'],
  workerRegions: ['eu-north-1', 'eu-central-1'],
  carbonThresholds: { 'eu-central-1': 250, 'eu-north-1': 100 },
  priceOverrides: { 'm5.large': 0.1 },
  schedulingIntervalMinutes: 5,
};

const reading = (region: string, zone: string, g: number, observedAt: string): CarbonReading => ({
  region,
  zone,
  provider: 'electricitymaps',
  signal: 'average',
  gCO2ePerKWh: g,
  observedAt,
  fetchedAt: observedAt,
  isEstimated: false,
  isForecast: false,
});

const decision = {
  jobId: 'job-1',
  kind: 'report-location',
  decidedAt: '2026-11-21T11:00:00.000Z',
  action: 'dispatched',
  dryRun: false,
  reason: 'eu-north-1 is the cleanest',
  request: { regions: ['eu-north-1', 'eu-central-1'], maxDeferMinutes: 0, minImprovementPercent: 10, noDefer: false },
  candidates: [],
  home: { region: 'eu-central-1', gCO2ePerKWh: 300, provider: 'electricitymaps', origin: 'cached', ageSeconds: 60 },
  averageGCO2ePerKWh: 165,
  energy: { kWh: 1, basis: 'estimatedKWh', durationMinutes: 60, detail: 'as given' },
  chosenRegion: 'eu-north-1',
  runAt: '2026-11-21T11:00:00.000Z',
  attempts: [{ region: 'eu-north-1', at: '2026-11-21T11:00:00.000Z', outcome: 'invoked' }],
  deferralNote: 'no deadline',
  emissions: { homeGrams: 300, chosenGrams: 30, savedGrams: 270, homeKWh: 1, chosenKWh: 1 },
  jobBytes: 30,
} as unknown as DispatchDecision;

function handler(overrides: { reads?: object } = {}) {
  const wiring = apiWiringFromEnvironment(
    {
      ...functionConfigEnv(CONFIG),
      TABLE_NAME: table.tableName,
      API_ALARM_NAME_PREFIX: 'CarbonAwareScheduler-ControlPlane-',
    },
    {
      doc: table.doc,
      eventBridge: new EventBridgeClient({ region: 'eu-central-1' }),
      cloudWatch: new CloudWatchClient({ region: 'eu-central-1' }),
      clock: fixedClock(NOW),
      telemetry: { logger: new Logger({ logLevel: 'SILENT' }), metrics: new Metrics({ namespace: 'Test' }) },
      newJobId: () => 'api-generated-1',
    },
  );
  return createApiHandler(
    // The override shadows some reads and keeps the others (prototype methods included)
    overrides.reads ? { ...wiring, reads: Object.assign(Object.create(wiring.reads), overrides.reads) } : wiring,
  );
}

/** Call the handler and check the response against docs/openapi.json for `route`. */
async function call(method: string, url: string, route: string, options: Parameters<typeof apiEvent>[2] = {}) {
  const response = await handler()(apiEvent(method, url, options));
  expect(
    openApiProblems(method, route, response),
    `${method} ${url} → ${response.statusCode} ${response.body}`,
  ).toEqual([]);
  return {
    ...response,
    json: response.headers['content-type']?.includes('json') ? JSON.parse(response.body) : undefined,
  };
}

describe('Handler: api', () => {
  beforeAll(async () => {
    table = await createTestTable();
    const now = new Date(NOW);
    const carbon = new DynamoCarbonStore(table.doc, table.tableName, { ttlMinutes: 60 * 24 });
    await carbon.putReadings(
      [
        reading('eu-north-1', 'SE-SE3', 30, '2026-11-21T11:00:00.000Z'),
        reading('eu-central-1', 'DE', 300, '2026-11-21T11:00:00.000Z'),
      ],
      now,
    );
    // Forecast of eu-central-1: 300 now, 100 from 13:00 to 15:00, 400 after.
    const point = (t: string, g: number) => ({
      ...reading('eu-central-1', 'DE', g, t),
      isForecast: true,
      isEstimated: true,
    });
    await carbon.putForecasts(
      [
        {
          region: 'eu-central-1',
          zone: 'DE',
          provider: 'electricitymaps',
          signal: 'average',
          generatedAt: '2026-11-21T11:30:00.000Z',
          points: [
            point('2026-11-21T12:00:00.000Z', 300),
            point('2026-11-21T13:00:00.000Z', 100),
            point('2026-11-21T14:00:00.000Z', 100),
            point('2026-11-21T15:00:00.000Z', 400),
          ],
        },
      ],
      now,
    );
    const base = {
      region: 'eu-central-1',
      schedule: 'office-hours',
      instanceType: 'm5.large',
      savedUsd: 1.5,
      savedGCO2e: 900,
      savedKWh: 3,
      stoppedHours: 15,
      firstSeenAt: '2026-11-01T00:00:00.000Z',
      updatedAt: '2026-11-21T07:00:00.000Z',
    };
    await new DynamoInstanceStateStore(table.doc, table.tableName).saveRegion(
      'eu-central-1',
      {
        instances: [
          {
            ...base,
            instanceId: 'i-0000000000000000a',
            state: 'running',
            lastAction: 'start',
            lastActionAt: '2026-11-21T07:00:00.000Z',
            lastReason: 'office hours began',
          },
          { ...base, instanceId: 'i-0000000000000000b', state: 'stopped', schedule: 'nightly' },
        ],
        history: [
          {
            region: 'eu-central-1',
            instanceId: 'i-0000000000000000a',
            at: '2026-11-21T07:00:00.000Z',
            action: 'start',
            outcome: 'ok',
            schedule: 'office-hours',
            instanceType: 'm5.large',
            reason: 'office hours began',
            gCO2ePerKWh: 310,
            carbonProvider: 'electricitymaps',
          },
          {
            region: 'eu-central-1',
            instanceId: 'i-0000000000000000a',
            at: '2026-11-20T19:00:00.000Z',
            action: 'stop',
            outcome: 'ok',
            schedule: 'office-hours',
            instanceType: 'm5.large',
            reason: 'office hours ended',
            gCO2ePerKWh: 320,
            carbonProvider: 'electricitymaps',
          },
          {
            region: 'eu-central-1',
            instanceId: 'i-0000000000000000a',
            at: '2026-10-30T19:00:00.000Z',
            action: 'stop',
            outcome: 'ok',
            schedule: 'office-hours',
            instanceType: 'm5.large',
            reason: 'office hours ended',
            gCO2ePerKWh: 320,
            carbonProvider: 'electricitymaps',
          },
        ],
        run: {
          region: 'eu-central-1',
          lastRunAt: '2026-11-21T11:55:00.000Z',
          lastTick: '2026-11-21T11:55:00.000Z',
          intensityHours: 1000,
        },
      },
      now,
    );
    const savings = new DynamoSavingsStore(table.doc, table.tableName);
    await savings.addRunningTotals({ usd: 2, gCO2e: 1000 }, new Date('2026-10-31T10:00:00Z'));
    await savings.addRunningTotals({ usd: 1, gCO2e: 500 }, new Date('2026-11-20T10:00:00Z'));
    await savings.addRunningTotals({ usd: 0.25, gCO2e: 100 }, now);
    const jobs = new DynamoJobStore(table.doc, table.tableName);
    await jobs.putDecision(decision);
    await jobs.putOutcome(
      {
        jobId: 'job-1',
        kind: 'report-location',
        region: 'eu-north-1',
        startedAt: '2026-11-21T11:00:01.000Z',
        endedAt: '2026-11-21T11:00:02.000Z',
        durationMs: 1000,
        outcome: 'ok',
        attempt: 1,
        decidedAt: decision.decidedAt,
      } as never,
      new Date('2026-11-21T11:00:03Z'),
    );
  });
  afterAll(async () => {
    await table.drop();
  });
  beforeEach(() => {
    eventBridge.reset();
    cloudWatch.reset();
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'evt-1' }] });
    cloudWatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        {
          AlarmName: 'SchedulerErrors',
          StateValue: 'ALARM',
          StateReason: 'Threshold crossed',
          StateUpdatedTimestamp: new Date('2026-11-21T11:50:00Z'),
        },
      ],
    });
  });

  it('parses an HTTP API v2 event, refuses any other event', () => {
    // Act
    const request = parseApiEvent(apiEvent('GET', '/v1/instances?limit=2&region=eu-central-1'));

    // Assess
    expect(request).toMatchObject({
      method: 'GET',
      path: '/v1/instances',
      query: { limit: '2', region: 'eu-central-1' },
    });
    expect(() => parseApiEvent({ 'detail-type': 'Scheduled Event' })).toThrow(InvalidEventError);
  });

  it('GET /v1/regions ranks the configured regions by adjusted intensity with threshold and quality', async () => {
    // Act
    const { statusCode, json } = await call('GET', '/v1/regions', '/v1/regions');

    // Assess: readings 1 h old are inside Electricity Maps' 90 min grace, so adjusted = reported
    expect(statusCode).toBe(200);
    expect(json.regions.map((r: { region: string }) => r.region)).toEqual(['eu-north-1', 'eu-central-1']);
    expect(json.regions[0]).toMatchObject({
      zone: 'SE-SE3',
      provider: 'electricitymaps',
      origin: 'cached',
      gCO2ePerKWh: 30,
      adjustedGCO2ePerKWh: 30,
      ageSeconds: 3600,
      threshold: 100,
      aboveThreshold: false,
    });
    expect(json.regions[1]).toMatchObject({ gCO2ePerKWh: 300, threshold: 250, aboveThreshold: true });
  });

  it('GET /v1/regions/{region} answers one region; an unknown region is a 404 naming it, a malformed one a 400', async () => {
    // Act
    const one = await call('GET', '/v1/regions/eu-north-1', '/v1/regions/{region}');
    const unknown = await call('GET', '/v1/regions/xx-nowhere-9', '/v1/regions/{region}');
    const bad = await call('GET', '/v1/regions/Frankfurt', '/v1/regions/{region}');

    // Assess
    expect(one.json).toMatchObject({ region: 'eu-north-1', gCO2ePerKWh: 30, quality: 'excellent' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toBe('application/problem+json');
    expect(unknown.json.detail).toContain('region "xx-nowhere-9" was not found');
    expect(bad.statusCode).toBe(400);
    expect(bad.json.errors).toEqual([
      { field: 'path.region', message: 'must be an AWS region code such as eu-north-1' },
    ]);
  });

  it('GET /v1/forecast/{region} finds the cleanest window of the job duration; a region without forecast is a 404', async () => {
    // Act
    const two = await call('GET', '/v1/forecast/eu-central-1?durationMinutes=120', '/v1/forecast/{region}');
    const none = await call('GET', '/v1/forecast/eu-north-1', '/v1/forecast/{region}');
    const bad = await call('GET', '/v1/forecast/eu-central-1?durationMinutes=0', '/v1/forecast/{region}');

    // Assess: 2 h from 13:00 averages 100; from now it averages (300 + 100) / 2 = 200 → 50 % cleaner
    expect(two.json.points).toHaveLength(4);
    expect(two.json.bestWindow).toEqual({
      start: '2026-11-21T13:00:00.000Z',
      end: '2026-11-21T15:00:00.000Z',
      meanGCO2ePerKWh: 100,
      nowGCO2ePerKWh: 200,
      savingsPercent: 50,
    });
    expect(none.statusCode).toBe(404);
    expect(none.json.detail).toContain('forecast of region "eu-north-1" was not found');
    expect(bad.statusCode).toBe(400);
    expect(bad.json.errors[0]).toEqual({
      field: 'query.durationMinutes',
      message: 'durationMinutes must be at least 1',
    });
  });

  it('GET /v1/instances lists instances with their footprint, filters and pages with a token', async () => {
    // Act
    const all = await call('GET', '/v1/instances', '/v1/instances');
    const first = await call('GET', '/v1/instances?limit=1', '/v1/instances');
    const second = await call('GET', `/v1/instances?limit=1&nextToken=${first.json.nextToken}`, '/v1/instances');
    const nightly = await call('GET', '/v1/instances?schedule=nightly', '/v1/instances');
    const badToken = await call('GET', '/v1/instances?nextToken=bogus', '/v1/instances');
    const notManaged = await call('GET', '/v1/instances?region=us-east-1', '/v1/instances');

    // Assess: m5.large, 2 vCPU Skylake at 50 %: 2 × (0.6130 + 0.5 × 3.4912) W = 4.7172 W × PUE 1.135 × 24 h
    // = 0.12850 kWh/day; at 300 g/kWh 38.55 g/day; $0.10/h × 24 = $2.40/day
    expect(all.json.items.map((i: { instanceId: string }) => i.instanceId)).toEqual([
      'i-0000000000000000a',
      'i-0000000000000000b',
    ]);
    const footprint = all.json.items[0].footprint;
    expect(footprint.kWhPerDayRunning).toBeCloseTo(0.1285, 4);
    expect(footprint.gCO2ePerDayRunning).toBeCloseTo(38.55, 1);
    expect(footprint.usdPerDayRunning).toBeCloseTo(2.4, 10);
    expect(footprint.avoided).toEqual({ usd: 1.5, gCO2e: 900, kWh: 3, stoppedHours: 15 });
    expect(all.json.items[0]).toMatchObject({
      state: 'running',
      lastAction: 'start',
      lastReason: 'office hours began',
    });
    expect(all.json.nextToken).toBeUndefined();
    expect(first.json.items.map((i: { instanceId: string }) => i.instanceId)).toEqual(['i-0000000000000000a']);
    expect(second.json.items.map((i: { instanceId: string }) => i.instanceId)).toEqual(['i-0000000000000000b']);
    expect(second.json.nextToken).toBeUndefined();
    expect(nightly.json.items.map((i: { instanceId: string }) => i.instanceId)).toEqual(['i-0000000000000000b']);
    expect(badToken.statusCode).toBe(400);
    expect(badToken.json.errors[0].field).toBe('query.nextToken');
    expect(notManaged.statusCode).toBe(400);
    expect(notManaged.json.detail).toContain('us-east-1 is not a managed region');
  });

  it('GET /v1/instances/{id} adds the last actions, newest first; an unknown instance is a 404 naming it', async () => {
    // Act
    const one = await call('GET', '/v1/instances/i-0000000000000000a', '/v1/instances/{id}');
    const missing = await call('GET', '/v1/instances/i-0000000000000000f', '/v1/instances/{id}');

    // Assess
    expect(one.json.history.map((h: { at: string }) => h.at)).toEqual([
      '2026-11-21T07:00:00.000Z',
      '2026-11-20T19:00:00.000Z',
      '2026-10-30T19:00:00.000Z',
    ]);
    expect(missing.statusCode).toBe(404);
    expect(missing.json.detail).toContain('instance "i-0000000000000000f" was not found');
  });

  it('GET /v1/metrics answers the running totals and the counts of actions and jobs', async () => {
    // Act
    const { json } = await call('GET', '/v1/metrics', '/v1/metrics');

    // Assess: totals added on Oct 31 (2 $, 1000 g), Nov 20 (1 $, 500 g) and today (0.25 $, 100 g)
    expect(json.today).toEqual({ usdSaved: 0.25, gCO2eAvoided: 100, actions: 1, jobs: 1 });
    expect(json.month).toEqual({ usdSaved: 1.25, gCO2eAvoided: 600, actions: 2, jobs: 1 });
    expect(json.allTime).toEqual({ usdSaved: 3.25, gCO2eAvoided: 1600, actions: 3, jobs: 1 });
    expect(json.countsSince).toBe('2026-08-24T00:00:00.000Z');
  });

  it('POST /v1/estimate compares the job in every candidate region; bad bodies are answered with the field', async () => {
    // Act
    const ok = await call('POST', '/v1/estimate', '/v1/estimate', {
      body: { kWh: 10, region: 'eu-central-1', regions: ['eu-north-1'], windowHours: 6 },
    });
    const both = await call('POST', '/v1/estimate', '/v1/estimate', {
      body: { kWh: 10, instanceType: 'm5.large', hours: 1 },
    });
    const notJson = await call('POST', '/v1/estimate', '/v1/estimate', { body: '{"kWh": ' });
    const wrongType = await call('POST', '/v1/estimate', '/v1/estimate', {
      body: 'kWh=10',
      headers: { 'content-type': 'text/plain' },
    });
    const huge = await call('POST', '/v1/estimate', '/v1/estimate', { body: { kWh: 1, pad: 'x'.repeat(70_000) } });

    // Assess: 10 kWh at 300 g = 3000 g at home, 300 g in eu-north-1 → 2700 g (90 %) saved. A kWh job without
    // duration runs the worker timeout (5 min): its cleanest start in the forecast is 13:00 at 100 g → 1000 g
    expect(ok.json.now).toMatchObject({ region: 'eu-central-1', kWh: 10, emissionsGrams: 3000, usd: null });
    expect(ok.json.bestRegion).toMatchObject({
      region: 'eu-north-1',
      emissionsGrams: 300,
      savingsGrams: 2700,
      savingsPercent: 90,
    });
    expect(ok.json.energyBasis).toBe('estimatedKWh');
    expect(ok.json.bestTime).toMatchObject({
      region: 'eu-central-1',
      start: '2026-11-21T13:00:00.000Z',
      emissionsGrams: 1000,
    });
    expect(both.statusCode).toBe(400);
    expect(both.json.errors).toEqual([
      { field: 'body.kWh', message: 'give either kWh or instanceType with hours, not both' },
    ]);
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json.detail).toMatch(/^body: not valid JSON/);
    expect(wrongType.statusCode).toBe(415);
    expect(huge.statusCode).toBe(413);
    expect(huge.json.detail).toContain('at most 65536');
  });

  it('POST /v1/jobs puts the JobRequested event the dispatcher accepts, once per idempotency key', async () => {
    // Act
    const submitted = await call('POST', '/v1/jobs', '/v1/jobs', {
      body: {
        job: { kind: 'report-location', estimatedKWh: 0.5 },
        idempotencyKey: 'ci-build-42',
        regions: ['eu-north-1'],
      },
    });

    // Assess
    const id = jobIdForKey('ci-build-42');
    expect(submitted.statusCode).toBe(202);
    expect(submitted.json).toEqual({ jobId: id, status: 'submitted', location: `/v1/jobs/${id}`, eventId: 'evt-1' });
    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls).toHaveLength(1);
    const entry = calls[0]!.args[0].input.Entries![0]!;
    expect(entry).toMatchObject({ Source: 'carbon-aware-scheduler', DetailType: 'JobRequested' });
    // The dispatcher's own parser accepts the event as EventBridge delivers it
    const parsed = parseDispatcherEvent({
      version: '0',
      id: 'evt-1',
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: '123456789012',
      time: NOW,
      region: 'eu-central-1',
      resources: [],
      detail: JSON.parse(entry.Detail!),
    });
    expect(parsed).toMatchObject({ job: { id, kind: 'report-location', estimatedKWh: 0.5 }, regions: ['eu-north-1'] });

    // Act: the same key once a decision exists
    await new DynamoJobStore(table.doc, table.tableName).putDecision({ ...decision, jobId: id });
    eventBridge.resetHistory();
    const again = await call('POST', '/v1/jobs', '/v1/jobs', {
      body: { job: { kind: 'report-location', estimatedKWh: 0.5 }, idempotencyKey: 'ci-build-42' },
    });

    // Assess
    expect(again.statusCode).toBe(200);
    expect(again.json.status).toBe('exists');
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('POST /v1/jobs refuses regions outside dispatch.allowedRegions and an unknown field, putting nothing', async () => {
    // Act
    const region = await call('POST', '/v1/jobs', '/v1/jobs', {
      body: { job: { kind: 'x' }, regions: ['ap-south-1'] },
    });
    const typo = await call('POST', '/v1/jobs', '/v1/jobs', { body: { job: { kind: 'x' }, region: 'eu-north-1' } });
    const noKind = await call('POST', '/v1/jobs', '/v1/jobs', { body: { job: {} } });

    // Assess
    expect(region.statusCode).toBe(400);
    expect(region.json.detail).toContain('ap-south-1 not allowed by dispatch.allowedRegions');
    expect(typo.statusCode).toBe(400);
    expect(typo.json.detail).toContain('body.region');
    expect(noKind.json.errors[0].field).toBe('body.job.kind');
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('GET /v1/jobs/{id} answers the decision and outcome; an unknown job is a 404 naming it', async () => {
    // Act
    const job = await call('GET', '/v1/jobs/job-1', '/v1/jobs/{id}');
    const missing = await call('GET', '/v1/jobs/job-404', '/v1/jobs/{id}');

    // Assess
    expect(job.json).toMatchObject({
      jobId: 'job-1',
      status: 'succeeded',
      region: 'eu-north-1',
      emissions: { savedGrams: 270 },
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json.detail).toContain('job "job-404" was not found');
  });

  it('GET /v1/reports answers the report model or its CSV; bad dates are a 400 naming the parameter', async () => {
    // Act
    const json = await call('GET', '/v1/reports?from=2026-11-01&to=2026-12-01', '/v1/reports');
    const csv = await call('GET', '/v1/reports?from=2026-11-01&to=2026-12-01&format=csv', '/v1/reports');
    const reversed = await call('GET', '/v1/reports?from=2026-12-01&to=2026-11-01', '/v1/reports');
    const notDay = await call('GET', '/v1/reports?from=2026-13-01&to=2026-12-01', '/v1/reports');
    const missing = await call('GET', '/v1/reports', '/v1/reports');

    // Assess
    expect(json.json.period).toMatchObject({ from: '2026-11-01', to: '2026-11-30', days: 30 });
    expect(json.json.totals.dispatchedJobs).toBe(2);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.body.split('\n')[0]).toContain('day');
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json.detail).toContain('to 2026-11-01 is not after from 2026-12-01');
    expect(notDay.statusCode).toBe(400);
    expect(notDay.json.detail).toContain('"2026-13-01" is not a calendar day');
    expect(missing.json.errors.map((e: { field: string }) => e.field)).toEqual(['query.from', 'query.to']);
  });

  it('GET /v1/health reports freshness, the last scheduler run and open alarms', async () => {
    // Act
    const { json } = await call('GET', '/v1/health', '/v1/health');

    // Assess
    expect(json.regions).toEqual([
      {
        region: 'eu-central-1',
        provider: 'electricitymaps',
        observedAt: '2026-11-21T11:00:00.000Z',
        ageSeconds: 3600,
        fresh: true,
      },
      {
        region: 'eu-north-1',
        provider: 'electricitymaps',
        observedAt: '2026-11-21T11:00:00.000Z',
        ageSeconds: 3600,
        fresh: true,
      },
    ]);
    expect(json.scheduler).toEqual([{ region: 'eu-central-1', lastRunAt: '2026-11-21T11:55:00.000Z', onTime: true }]);
    expect(json.alarms).toEqual([
      { name: 'SchedulerErrors', state: 'ALARM', reason: 'Threshold crossed', since: '2026-11-21T11:50:00.000Z' },
    ]);
    expect(json.status).toBe('degraded');
    expect(cloudWatch.commandCalls(DescribeAlarmsCommand)[0]!.args[0].input).toMatchObject({
      AlarmNamePrefix: 'CarbonAwareScheduler-ControlPlane-',
      StateValue: 'ALARM',
    });
  });

  it('answers an unknown route with 404, a wrong method with 405 and Allow, a failing read with a 500 without stack', async () => {
    // Act
    const unknown = await handler()(apiEvent('GET', '/v1/nothing'));
    const method = await handler()(apiEvent('DELETE', '/v1/regions'));
    const failing = await handler({
      reads: {
        runningTotals: () => Promise.reject(new Error('secret internal detail at Object.<anonymous> (x.ts:1)')),
      },
    })(apiEvent('GET', '/v1/metrics'));

    // Assess
    expect(unknown.statusCode).toBe(404);
    expect(JSON.parse(unknown.body).detail).toContain('no route GET /v1/nothing');
    expect(method.statusCode).toBe(405);
    expect(method.headers.allow).toBe('GET');
    expect(failing.statusCode).toBe(500);
    expect(failing.body).not.toContain('secret');
    expect(JSON.parse(failing.body).detail).toContain('req-1');
    expect(openApiProblems('GET', '/v1/metrics', failing)).toEqual([]);
  });

  it('fails the wiring with the variable named when API_ALARM_NAME_PREFIX is missing', () => {
    // Act / Assess
    expect(() => apiWiringFromEnvironment({ ...functionConfigEnv(CONFIG), TABLE_NAME: 't' })).toThrow(
      'API_ALARM_NAME_PREFIX',
    );
  });
});
