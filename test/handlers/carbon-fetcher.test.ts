import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WattTimeTokenCache } from '../../lambdas/adapters/carbon/watttime-token-cache';
import { DynamoCarbonStore } from '../../lambdas/adapters/dynamodb/carbon-store';
import type { CarbonStore } from '../../lambdas/core/carbon/carbon-store';
import type { CarbonReading } from '../../lambdas/core/carbon/reading';
import { fixedClock } from '../../lambdas/core/clock';
import {
  CarbonCacheWriteError,
  type CarbonFetcherWiring,
  type CarbonFetcherWiringOverrides,
  carbonFetcherWiringFromEnvironment,
  createCarbonFetcherHandler,
} from '../../lambdas/handlers/carbon-fetcher';
import { InvalidEventError } from '../../lambdas/handlers/shared/events';
import { createTestTable } from '../support/dynamodb';
import { functionConfigEnv } from '../support/function-config';
import { providerFixture, type ReplayServer, startReplayServer } from '../support/replay-server';

const NOW = '2024-03-06T19:20:00.000Z';
const EM_KEY = 'em-secret-key-7f3a';
const WT_PASSWORD = 'wt-secret-password-91c2';
const latest = providerFixture<Record<string, unknown>>('electricitymaps-latest.json');
const forecast = providerFixture<Record<string, unknown>>('electricitymaps-forecast-de.json');

// carbonRegions of this config: eu-central-1, eu-west-2, us-east-1, us-east-2 (zones DE, GB, US-MIDA-PJM twice).
const CONFIG = {
  homeRegion: 'eu-central-1',
  workerRegions: ['eu-central-1', 'us-east-1', 'us-east-2', 'eu-west-2'],
  carbon: { secrets: { electricitymaps: 'cas/electricitymaps', watttime: 'cas/watttime' }, maxRetries: 0 },
};

const EM_VALUES: Record<string, number> = { DE: 250, GB: 120, 'US-MIDA-PJM': 431 };

/** The scheduled event of the fetcher's EventBridge rule. */
const SCHEDULED = {
  version: '0',
  id: '5b1c7b1e-2f6e-4a11-9d8f-0c2a3b4d5e6f',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: NOW,
  region: 'eu-central-1',
  resources: ['arn:aws:events:eu-central-1:123456789012:rule/CarbonFetchSchedule'],
  detail: {},
};

let server: ReplayServer;
let table: Awaited<ReturnType<typeof createTestTable>>;
let stdout: string[];
let logs: string[];

beforeEach(async () => {
  table = await createTestTable();
  stdout = [];
  logs = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    stdout.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => {
    logs.push(String(chunk));
    return true;
  });
  server = await startReplayServer([
    {
      path: '/v3/carbon-intensity/latest',
      respond: (request) => {
        const zone = request.query.zone ?? '';
        const grams = EM_VALUES[zone];
        return grams === undefined
          ? { status: 404, body: { message: 'unknown zone' } }
          : {
              body: {
                ...latest,
                zone,
                carbonIntensity: grams,
                datetime: '2024-03-06T19:00:00.000Z',
                isEstimated: false,
              },
            };
      },
    },
    {
      path: '/v3/carbon-intensity/forecast',
      respond: (request) => ({
        body: {
          zone: request.query.zone,
          // The recorded DE forecast values, moved to start at 19:00 on the test day.
          forecast: (forecast.forecast as { carbonIntensity: number }[]).slice(0, 24).map((p, hour) => ({
            carbonIntensity: p.carbonIntensity,
            datetime: new Date(Date.parse('2024-03-06T19:00:00Z') + hour * 3_600_000).toISOString(),
          })),
          updatedAt: '2024-03-06T18:52:00.000Z',
        },
      }),
    },
  ]);
});

afterEach(async () => {
  vi.restoreAllMocks();
  await server.close();
  await table.drop();
});

/** The fetcher's wiring from its environment (default: CONFIG and the replay server), with test replacements. */
function deps(
  overrides: { env?: Record<string, string | undefined> } & CarbonFetcherWiringOverrides = {},
): CarbonFetcherWiring {
  const { env, ...replacements } = overrides;
  return carbonFetcherWiringFromEnvironment(
    {
      ...(env ?? {
        ...functionConfigEnv(CONFIG),
        ELECTRICITYMAPS_API_URL: server.url,
        WATTTIME_API_URL: server.url,
        UK_CARBON_INTENSITY_API_URL: server.url,
      }),
      TABLE_NAME: table.tableName,
    },
    {
      doc: table.doc,
      clock: fixedClock(NOW),
      readSecret: async (name) =>
        name === 'cas/electricitymaps' ? EM_KEY : JSON.stringify({ username: 'freddo', password: WT_PASSWORD }),
      telemetry: {
        metrics: new Metrics({ namespace: 'CarbonAwareScheduler', serviceName: 'carbon-fetcher' }),
        logger: new Logger({ serviceName: 'carbon-fetcher', logLevel: 'DEBUG' }),
      },
      tokenCache: new WattTimeTokenCache(),
      http: { sleep: async () => undefined },
      ...replacements,
    },
  );
}

function emfLines(): Record<string, unknown>[] {
  return stdout
    .join('')
    .split('\n')
    .filter((line) => line.includes('"_aws"') || line.includes('"message":"metrics"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('Module: carbon-fetcher handler', () => {
  describe('Function: handler', () => {
    it('fetches every config region live, one request per distinct zone, stores readings and forecasts', async () => {
      // Prepare
      const handler = createCarbonFetcherHandler(deps());

      // Act
      const result = await handler({});

      // Assess
      expect(result.regions.map((r) => [r.region, r.origin, r.gCO2ePerKWh, r.ageSeconds])).toEqual([
        ['eu-central-1', 'live', 250, 1200],
        ['eu-west-2', 'live', 120, 1200],
        ['us-east-1', 'live', 431, 1200],
        ['us-east-2', 'live', 431, 1200],
      ]);
      expect(server.count('/v3/carbon-intensity/latest')).toBe(3);
      expect(server.count('/v3/carbon-intensity/forecast')).toBe(3);
      expect(server.requests.every((r) => r.headers['auth-token'] === EM_KEY)).toBe(true);
      expect(result.stored).toBe(true);
      const store = new DynamoCarbonStore(table.doc, table.tableName, { ttlMinutes: 60 });
      const cached = await store.latestReadings(['eu-central-1', 'us-east-2'], new Date(NOW));
      expect(cached.get('us-east-2')?.gCO2ePerKWh).toBe(431);
      const storedForecast = await store.latestForecast('eu-central-1', new Date(NOW));
      expect(storedForecast?.points).toHaveLength(24);
      expect(storedForecast?.points[0]?.gCO2ePerKWh).toBe(557);
    });

    it('emits CarbonDataAge per Region as EMF, and CarbonIntensity per Region as a `metrics` log field', async () => {
      // Prepare
      const handler = createCarbonFetcherHandler(deps());

      // Act
      await handler({});

      // Assess: the alarm reads CarbonDataAge (EMF); the dashboard reads the intensity from the log lines.
      const lines = emfLines();
      const ages = lines.filter((l) => l.Region && '_aws' in l).map((l) => [l.Region, l.CarbonDataAge]);
      expect(ages).toEqual([
        ['eu-central-1', 1200],
        ['eu-west-2', 1200],
        ['us-east-1', 1200],
        ['us-east-2', 1200],
      ]);
      const logged = lines.filter((l) => l.message === 'metrics');
      expect(logged.filter((l) => l.Region).map((l) => [l.Region, l.CarbonIntensity])).toEqual([
        ['eu-central-1', 250],
        ['eu-west-2', 120],
        ['us-east-1', 431],
        ['us-east-2', 431],
      ]);
      // No provider failed: a Count of 0 is not logged (a sum over no line is 0).
      expect(lines.filter((l) => l.Provider)).toEqual([]);
    });

    it('in a dry run returns the readings it would store and writes nothing (no items, no metrics)', async () => {
      // Prepare
      const handler = createCarbonFetcherHandler(deps());

      // Act
      const result = await handler({ dryRun: true });

      // Assess
      expect(result.dryRun).toBe(true);
      expect(result.stored).toBe(false);
      expect(result.readings.map((r) => [r.region, r.gCO2ePerKWh])).toEqual([
        ['eu-central-1', 250],
        ['eu-west-2', 120],
        ['us-east-1', 431],
        ['us-east-2', 431],
      ]);
      expect(result.forecasts).toHaveLength(4);
      const scan = await table.client.send(new ScanCommand({ TableName: table.tableName }));
      expect(scan.Count).toBe(0);
      expect(emfLines()).toEqual([]);
    });

    it('falls back to the cached reading written by an earlier run when the provider fails', async () => {
      // Prepare: an earlier run stored DE at 18:30; now Electricity Maps does not know any zone.
      const store = new DynamoCarbonStore(table.doc, table.tableName, { ttlMinutes: 60 });
      const earlier: CarbonReading = {
        region: 'eu-central-1',
        zone: 'DE',
        provider: 'electricitymaps',
        signal: 'average',
        gCO2ePerKWh: 333,
        observedAt: '2024-03-06T18:30:00.000Z',
        fetchedAt: '2024-03-06T18:35:00.000Z',
        isEstimated: false,
        isForecast: false,
      };
      await store.putReadings([earlier], new Date('2024-03-06T18:35:00Z'));
      EM_VALUES.DE = Number.NaN;
      const handler = createCarbonFetcherHandler(
        deps({
          env: {
            ...functionConfigEnv({
              ...CONFIG,
              carbon: { providers: ['electricitymaps'], secrets: { electricitymaps: 'cas/electricitymaps' } },
            }),
            ELECTRICITYMAPS_API_URL: server.url,
          },
        }),
      );

      // Act
      const result = await handler({});
      EM_VALUES.DE = 250;

      // Assess
      const de = result.regions.find((r) => r.region === 'eu-central-1');
      expect(de).toMatchObject({ origin: 'cached', gCO2ePerKWh: 333, ageSeconds: 3000 });
      expect(de?.fallbackReason).toBe('electricitymaps DE: carbonIntensity is missing');
      expect(result.providerFailures).toEqual({ electricitymaps: 1 });
      expect(result.forecastFailures).toEqual({ electricitymaps: 0 });
    });

    it('uses static factors with reasons when no secret is configured, and never makes a keyed request', async () => {
      // Prepare
      const handler = createCarbonFetcherHandler(
        deps({
          env: {
            ...functionConfigEnv({
              homeRegion: 'eu-north-1',
              workerRegions: ['eu-north-1'],
              carbon: { providers: ['electricitymaps', 'watttime', 'static'] },
            }),
          },
        }),
      );

      // Act
      const result = await handler({ dryRun: true, at: '2026-01-01T00:00:00Z' });

      // Assess
      expect(result.at).toBe('2026-01-01T00:00:00.000Z');
      expect(result.regions).toEqual([
        {
          region: 'eu-north-1',
          zone: 'SE-SE3',
          provider: 'static',
          signal: 'average',
          gCO2ePerKWh: 20,
          observedAt: '2026-01-01T00:00:00.000Z',
          ageSeconds: 0,
          origin: 'static',
          fallbackReason:
            'electricitymaps: no API key (config carbon.secrets.electricitymaps is not set); ' +
            'watttime: no credentials (config carbon.secrets.watttime is not set); no cached reading',
        },
      ]);
      expect(server.count()).toBe(0);
    });

    it('never writes a secret to the logs or the result', async () => {
      // Prepare: make every request fail so reasons and warnings are logged.
      const handler = createCarbonFetcherHandler(
        deps({
          env: {
            ...functionConfigEnv(CONFIG),
            ELECTRICITYMAPS_API_URL: `${server.url}/nowhere`,
            WATTTIME_API_URL: `${server.url}/nowhere`,
            UK_CARBON_INTENSITY_API_URL: `${server.url}/nowhere`,
          },
        }),
      );

      // Act
      const result = await handler({});

      // Assess
      const everything = `${stdout.join('')}\n${logs.join('')}\n${JSON.stringify(result)}`;
      expect(result.regions.every((r) => r.origin === 'static')).toBe(true);
      expect(everything).toContain('carbon fallback');
      expect(everything).toContain('HTTP 404');
      expect(everything).not.toContain(EM_KEY);
      expect(everything).not.toContain(WT_PASSWORD);
      expect(everything).not.toContain(Buffer.from(`freddo:${WT_PASSWORD}`).toString('base64'));
    });

    it('keeps within the Lambda time: slow providers are cut off and the regions fall back', async () => {
      // Prepare: 11 s left → 1 s for providers (10 s reserved); Electricity Maps answers after 3 s.
      await server.close();
      server = await startReplayServer([
        { path: '/v3/carbon-intensity/latest', responses: [{ delayMs: 3000, body: latest }] },
      ]);
      const config = {
        homeRegion: 'eu-central-1',
        carbon: { providers: ['electricitymaps'], secrets: { electricitymaps: 'cas/electricitymaps' } },
      };
      const handler = createCarbonFetcherHandler(
        deps({ env: { ...functionConfigEnv(config), ELECTRICITYMAPS_API_URL: server.url } }),
      );
      const started = Date.now();

      // Act
      const result = await handler({ dryRun: true }, { getRemainingTimeInMillis: () => 11_000 });

      // Assess
      expect(Date.now() - started).toBeLessThan(2500);
      expect(result.regions[0]).toMatchObject({
        region: 'eu-central-1',
        origin: 'static',
        fallbackReason:
          "electricitymaps DE: GET /v3/carbon-intensity/latest not completed: the run's time budget is used up; no cached reading",
      });
    });

    it('rejects a malformed event before doing anything', async () => {
      // Prepare
      const handler = createCarbonFetcherHandler(deps());

      // Act / Assess
      await expect(handler({ dryRun: 'yes' })).rejects.toThrow(InvalidEventError);
      await expect(handler({ at: 'tomorrow' })).rejects.toThrow(/at must be an ISO-8601 date-time/);
      await expect(handler({ at: '2026-01-01T00:00:00Z' })).rejects.toThrow(
        'Invalid event: at is only allowed with "dryRun": true',
      );
      await expect(handler({ dryrun: true })).rejects.toThrow('Unrecognized key: "dryrun"');
      await expect(handler({ ...SCHEDULED, source: 'aws.ec2' })).rejects.toThrow('source must be "aws.events"');
      expect(server.count()).toBe(0);
    });

    it('runs for real on its EventBridge scheduled event, and only reads on config dryRun', async () => {
      // Prepare
      const real = createCarbonFetcherHandler(deps());
      const configuredDry = createCarbonFetcherHandler(
        deps({ env: { ...functionConfigEnv({ ...CONFIG, dryRun: true }), ELECTRICITYMAPS_API_URL: server.url } }),
      );

      // Act
      const ran = await real(SCHEDULED);
      const emittedByRealRun = emfLines().length;
      const dry = await configuredDry({ dryRun: false });

      // Assess
      expect(ran).toMatchObject({ dryRun: false, stored: true });
      expect(emittedByRealRun).toBeGreaterThan(0);
      expect(dry).toMatchObject({ dryRun: true, stored: false });
      expect(emfLines()).toHaveLength(emittedByRealRun);
    });

    it('fails the invocation after publishing metrics when the cache cannot be written', async () => {
      // Prepare
      const failing: CarbonStore = {
        putReadings: async () => {
          throw new Error('AccessDeniedException: dynamodb:PutItem');
        },
        putForecasts: async () => undefined,
        latestReadings: async () => new Map(),
        latestForecast: async () => undefined,
      };
      const handler = createCarbonFetcherHandler(deps({ store: failing }));

      // Act / Assess
      await expect(handler({})).rejects.toThrow(CarbonCacheWriteError);
      expect(emfLines().filter((l) => l.Region && '_aws' in l)).toHaveLength(4);
    });
  });
});
