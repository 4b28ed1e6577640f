import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fixedClock } from '../../lambdas/core/clock';
import { carbonFetcherWiringFromEnvironment, createCarbonFetcherHandler } from '../../lambdas/handlers/carbon-fetcher';
import { createDispatcherHandler, dispatcherWiringFromEnvironment } from '../../lambdas/handlers/dispatcher';
import { createTestTable } from '../support/dynamodb';
import { functionConfigEnv } from '../support/function-config';
import { providerFixture, type ReplayServer, startReplayServer } from '../support/replay-server';

/**
 * The whole carbon path with real handlers: the fetcher reads a loopback Electricity Maps server replaying the
 * recorded `/carbon-intensity/latest` body (one value per zone, chosen by hand), stores the readings in DynamoDB
 * (dynalite), and the dispatcher's dry run ranks the worker regions from that table.
 */
const NOW = '2026-11-21T12:00:00.000Z';
const OBSERVED = '2026-11-21T11:30:00.000Z'; // 30 min old: inside Electricity Maps' 90-minute grace, no penalty
const GRAMS: Record<string, number> = { 'SE-SE3': 30, FR: 55, 'US-NW-PACW': 180, DE: 250, 'US-MIDA-PJM': 431 };
const CONFIG = {
  homeRegion: 'eu-central-1',
  carbon: { providers: ['electricitymaps', 'static'], secrets: { electricitymaps: 'cas/em' }, maxRetries: 0 },
};
const ACCOUNT = '123456789012';
const WORKERS = ['eu-north-1', 'eu-west-3', 'eu-central-1', 'us-east-1', 'us-west-2'];
const latest = providerFixture<Record<string, unknown>>('electricitymaps-latest.json');
const lambdaMock = mockClient(LambdaClient);

let server: ReplayServer;
let table: Awaited<ReturnType<typeof createTestTable>>;

beforeAll(async () => {
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  table = await createTestTable();
  server = await startReplayServer([
    {
      path: '/v3/carbon-intensity/latest',
      respond: (request) => {
        const grams = GRAMS[request.query.zone ?? ''];
        return grams === undefined
          ? { status: 404, body: { message: 'unknown zone' } }
          : {
              body: {
                ...latest,
                zone: request.query.zone,
                carbonIntensity: grams,
                datetime: OBSERVED,
                isEstimated: false,
              },
            };
      },
    },
    { path: '/v3/carbon-intensity/forecast', respond: () => ({ status: 404, body: { message: 'no forecast' } }) },
  ]);
});

afterAll(async () => {
  vi.restoreAllMocks();
  lambdaMock.reset();
  await server.close();
  await table.drop();
});

describe('Module: carbon fetcher → table → dispatcher', () => {
  it('dry-run dispatch ranks the worker regions by the replayed intensities the fetcher stored', async () => {
    // Prepare
    const fetcher = createCarbonFetcherHandler(
      carbonFetcherWiringFromEnvironment(
        { ...functionConfigEnv(CONFIG), TABLE_NAME: table.tableName, ELECTRICITYMAPS_API_URL: server.url },
        {
          doc: table.doc,
          clock: fixedClock(NOW),
          readSecret: async () => 'em-key',
          telemetry: {
            metrics: new Metrics({ namespace: 'CarbonAwareScheduler', serviceName: 'carbon-fetcher' }),
            logger: new Logger({ serviceName: 'carbon-fetcher', logLevel: 'SILENT' }),
          },
          http: { sleep: async () => undefined },
        },
      ),
    );
    const wiring = dispatcherWiringFromEnvironment(
      {
        ...functionConfigEnv(CONFIG),
        TABLE_NAME: table.tableName,
        WORKER_FUNCTIONS: JSON.stringify(
          Object.fromEntries(
            WORKERS.map((r) => [r, `arn:aws:lambda:${r}:${ACCOUNT}:function:carbon-aware-scheduler-worker`]),
          ),
        ),
        DISPATCH_SCHEDULE_GROUP: 'carbon-aware-scheduler-deferrals',
        DISPATCH_SCHEDULER_ROLE_ARN: `arn:aws:iam::${ACCOUNT}:role/deferral-scheduler`,
      },
      { doc: table.doc, clock: fixedClock(NOW), newJobId: () => 'job-e2e' },
    );
    const dispatcher = createDispatcherHandler(() => wiring);

    // Act
    const fetched = await fetcher({});
    const decision = await dispatcher(
      { job: { kind: 'report-location', durationMinutes: 30 }, dryRun: true },
      { invokedFunctionArn: `arn:aws:lambda:eu-central-1:${ACCOUNT}:function:dispatcher` },
    );

    // Assess: one live Electricity Maps request per distinct zone, all stored
    expect(fetched.stored).toBe(true);
    expect(server.requests.filter((r) => r.path === '/v3/carbon-intensity/latest')).toHaveLength(5);
    // By hand: SE-SE3 30 < FR 55 < US-NW-PACW 180 < DE 250 < US-MIDA-PJM 431, no age penalty at 30 min
    const candidates = (decision as unknown as { candidates: Record<string, unknown>[] }).candidates;
    expect(candidates.map((c) => [c.region, c.gCO2ePerKWh, c.adjustedGCO2ePerKWh, c.provider, c.origin])).toEqual([
      ['eu-north-1', 30, 30, 'electricitymaps', 'cached'],
      ['eu-west-3', 55, 55, 'electricitymaps', 'cached'],
      ['us-west-2', 180, 180, 'electricitymaps', 'cached'],
      ['eu-central-1', 250, 250, 'electricitymaps', 'cached'],
      ['us-east-1', 431, 431, 'electricitymaps', 'cached'],
    ]);
    expect(decision).toMatchObject({ action: 'planned', chosenRegion: 'eu-north-1', recorded: false });
    expect(lambdaMock).not.toHaveReceivedCommand(InvokeCommand);
  });
});
