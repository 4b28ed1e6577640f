import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiResponse } from '../../lambdas/core/api/router';
import { apiEvent } from '../support/api-event';
import { openApiProblems } from '../support/openapi';
import { type AwsProxy, startAwsProxy } from './support/aws-proxy';
import {
  type ElectricityMapsReplay,
  ensureElectricityMapsSecret,
  startElectricityMapsReplay,
  traceByRegion,
} from './support/carbon-replay';
import { putEventsAccepted, putEventsEntries } from './support/event-routing';
import { clearTable, controlPlane, deployment, launch, localFunction, terminateAll } from './support/fixture';
import type { LocalLambda } from './support/local-lambda';

/**
 * The deployed API bundle (docs/api.md) against real stored data: the deployed carbon fetcher stores readings and a
 * forecast from a loopback Electricity Maps, one real scheduler tick stops three `office-hours` instances and
 * records them, the dispatcher decides a job the API submitted; then every route of the deployed API function is
 * invoked in-process with API Gateway HTTP API events, and each answer is checked against docs/openapi.json.
 */
const AT = '2026-12-01T22:00:00Z'; // Tuesday 23:00 Berlin: office-hours instances stop
const HOME = 'eu-central-1';

describe('Integration: the deployed sustainability API over stored data', () => {
  const d = deployment();
  let replay: ElectricityMapsReplay;
  let proxy: AwsProxy;
  let fetcher: LocalLambda;
  let scheduler: LocalLambda;
  let dispatcher: LocalLambda;
  let api: LocalLambda;
  let ids: string[] = [];

  /** Invoke the deployed API with an HTTP API event and check the answer against the OpenAPI document. */
  async function call(method: string, url: string, route: string, body?: object) {
    const run = await api.invoke<ApiResponse>(apiEvent(method, url, body ? { body } : {}), { at: new Date(AT) });
    expect(run.error, `${method} ${url}`).toBeUndefined();
    const response = run.result!;
    expect(openApiProblems(method, route, response), `${method} ${url} → ${response.body}`).toEqual([]);
    return { status: response.statusCode, json: JSON.parse(response.body) };
  }

  beforeAll(async () => {
    await terminateAll([HOME]);
    await clearTable();
    await ensureElectricityMapsSecret();
    replay = await startElectricityMapsReplay(
      traceByRegion('2026-12-01T22:00:00.000Z', {
        'eu-central-1': { g: 400, forecast: [400, 120, 110, 380] },
        'eu-north-1': { g: 30 },
        'eu-west-1': { g: 300 },
        'eu-west-3': { g: 60 },
        'us-east-1': { g: 380 },
        'us-west-2': { g: 150 },
      }),
    );
    proxy = await startAwsProxy({ target: d.endpoint });
    // moto fails PutEvents matching a rule with a Lambda target: the proxy answers them as EventBridge would.
    proxy.inject({
      match: { service: 'events', action: 'PutEvents' },
      fault: {
        kind: 'answer',
        respond: (call) => ({
          status: 200,
          headers: { 'content-type': 'application/x-amz-json-1.1' },
          body: putEventsAccepted(call.body),
        }),
      },
    });
    fetcher = localFunction('CarbonFetcher', { extraEnvironment: replay.environment });
    scheduler = localFunction('Scheduler');
    dispatcher = localFunction('Dispatcher', { endpoint: proxy.url });
    api = localFunction('SustainabilityApiFunction', { endpoint: proxy.url });
    ids = await launch(HOME, 3, 'm5.large', { Schedule: 'office-hours' });
    const fetched = await fetcher.invoke({}, { at: new Date(AT) });
    expect(fetched.error).toBeUndefined();
    const tick = await scheduler.invoke({ dryRun: false, confirmRealRun: true }, { at: new Date(AT) });
    expect(tick.error).toBeUndefined();
  });

  afterAll(async () => {
    for (const fn of [fetcher, scheduler, dispatcher, api]) await fn?.stop();
    await replay?.close();
    await proxy?.close();
    await terminateAll([HOME]);
  });

  it('is deployed in the control plane with its URL output', () => {
    // Assess
    expect(controlPlane(d).outputs.ApiUrl).toMatch(/^https:\/\/.+/);
  });

  it('GET /v1/health, /v1/regions, /v1/regions/{region} and /v1/forecast/{region} answer the fetched data', async () => {
    // Act
    const health = await call('GET', '/v1/health', '/v1/health');
    const regions = await call('GET', '/v1/regions', '/v1/regions');
    const home = await call('GET', `/v1/regions/${HOME}`, '/v1/regions/{region}');
    const forecast = await call('GET', `/v1/forecast/${HOME}?durationMinutes=120`, '/v1/forecast/{region}');

    // Assess
    expect(health.json.regions.find((r: { region: string }) => r.region === HOME)).toMatchObject({
      provider: 'electricitymaps',
      fresh: true,
    });
    expect(health.json.scheduler.find((s: { region: string }) => s.region === HOME)).toMatchObject({
      lastRunAt: '2026-12-01T22:00:00.000Z',
      onTime: true,
    });
    expect(regions.json.regions[0]).toMatchObject({ region: 'eu-north-1', gCO2ePerKWh: 30, origin: 'cached' });
    expect(home.json).toMatchObject({ region: HOME, zone: 'DE', gCO2ePerKWh: 400, aboveThreshold: true });
    // 2 h from 23:00 UTC (120, 110) averages 115; from now (400, 120) 260
    // (the simulated clock runs on from 22:00 in real time, so "now" is a fraction of a second later)
    expect(forecast.json.bestWindow).toMatchObject({ start: '2026-12-01T23:00:00.000Z', meanGCO2ePerKWh: 115 });
    expect(forecast.json.bestWindow.nowGCO2ePerKWh).toBeCloseTo(260, 2);
  });

  it('GET /v1/instances, /v1/instances/{id} and /v1/metrics answer what the scheduler tick recorded', async () => {
    // Act
    const list = await call('GET', `/v1/instances?region=${HOME}&schedule=office-hours`, '/v1/instances');
    const one = await call('GET', `/v1/instances/${ids[0]}`, '/v1/instances/{id}');
    const missing = await call('GET', '/v1/instances/i-00000000000000000', '/v1/instances/{id}');
    const metrics = await call('GET', '/v1/metrics', '/v1/metrics');

    // Assess
    expect(list.json.items.map((i: { instanceId: string }) => i.instanceId).sort()).toEqual([...ids].sort());
    expect(
      list.json.items.every(
        (i: { state: string; lastAction: string }) => i.state === 'stopped' && i.lastAction === 'stop',
      ),
    ).toBe(true);
    expect(one.json.history.map((h: { action: string; outcome: string }) => [h.action, h.outcome])).toEqual([
      ['stop', 'ok'],
    ]);
    expect(one.json.footprint.gCO2ePerKWh).toBe(400);
    expect(missing.status).toBe(404);
    expect(metrics.json.today.actions).toBe(3);
  });

  it('POST /v1/estimate, POST /v1/jobs and GET /v1/jobs/{id}: a job submitted through the API is decided by the dispatcher', async () => {
    // Act
    const estimate = await call('POST', '/v1/estimate', '/v1/estimate', {
      kWh: 1,
      regions: ['eu-north-1', 'eu-west-3'],
    });
    proxy.clearCalls();
    const submitted = await call('POST', '/v1/jobs', '/v1/jobs', {
      job: { kind: 'report-location', estimatedKWh: 0.5 },
      idempotencyKey: 'integration-1',
    });
    const puts = proxy.find({ service: 'events', action: 'PutEvents' });
    const entry = putEventsEntries(puts[0]!.body)[0]!;
    // route the event to the deployed dispatcher as the JobRequested rule would
    const decided = await dispatcher.invoke(
      {
        version: '0',
        id: 'evt-api',
        'detail-type': entry.DetailType,
        source: entry.Source,
        account: d.account.accountId,
        time: AT,
        region: HOME,
        resources: [],
        detail: JSON.parse(entry.Detail!),
      },
      { at: new Date(AT) },
    );
    const job = await call('GET', `/v1/jobs/${submitted.json.jobId}`, '/v1/jobs/{id}');
    const again = await call('POST', '/v1/jobs', '/v1/jobs', {
      job: { kind: 'report-location', estimatedKWh: 0.5 },
      idempotencyKey: 'integration-1',
    });

    // Assess: 1 kWh at 400 g at home, 30 g in eu-north-1
    expect(estimate.json.now).toMatchObject({ region: HOME, emissionsGrams: 400 });
    expect(estimate.json.bestRegion).toMatchObject({ region: 'eu-north-1', emissionsGrams: 30, savingsGrams: 370 });
    expect(submitted.status).toBe(202);
    expect(puts).toHaveLength(1);
    expect(entry).toMatchObject({ Source: 'carbon-aware-scheduler', DetailType: 'JobRequested' });
    expect(decided.error).toBeUndefined();
    expect(job.json).toMatchObject({ jobId: submitted.json.jobId, status: 'dispatched', region: 'eu-north-1' });
    expect(again).toMatchObject({ status: 200, json: { status: 'exists' } });
  });

  it('GET /v1/reports answers the report of the stored data as JSON and CSV; bad dates are a 400', async () => {
    // Act
    const report = await call('GET', '/v1/reports?from=2026-12-01&to=2026-12-02', '/v1/reports');
    const csv = await api.invoke<ApiResponse>(apiEvent('GET', '/v1/reports?from=2026-12-01&to=2026-12-02&format=csv'), {
      at: new Date(AT),
    });
    const bad = await call('GET', '/v1/reports?from=2026-12-02&to=2026-12-01', '/v1/reports');

    // Assess
    expect(report.json.period).toMatchObject({ from: '2026-12-01', to: '2026-12-01', days: 1 });
    expect(report.json.totals.stops).toBe(3);
    expect(report.json.totals.dispatchedJobs).toBe(1);
    expect(csv.result!.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(openApiProblems('GET', '/v1/reports', csv.result!)).toEqual([]);
    expect(bad.status).toBe(400);
  });
});
