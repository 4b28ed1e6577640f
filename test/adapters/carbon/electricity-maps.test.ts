import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ElectricityMapsProvider,
  parseElectricityMapsForecast,
  parseElectricityMapsHistory,
  parseElectricityMapsLatest,
} from '../../../lambdas/adapters/carbon/electricity-maps';
import { SecretValue } from '../../../lambdas/adapters/secrets/secret-value';
import { CarbonProviderError } from '../../../lambdas/core/carbon/provider';
import { providerFixture, type ReplayServer, startReplayServer } from '../../support/replay-server';

const FETCHED = new Date('2024-03-06T19:20:00Z');
const latest = providerFixture<Record<string, unknown>>('electricitymaps-latest.json');
const history = providerFixture<{ history: Record<string, unknown>[] }>('electricitymaps-history-de.json');
const forecast = providerFixture('electricitymaps-forecast-de.json');

let server: ReplayServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function parseError(run: () => unknown): CarbonProviderError {
  try {
    run();
  } catch (error) {
    if (error instanceof CarbonProviderError) return error;
    throw error;
  }
  throw new Error('expected a CarbonProviderError');
}

describe('Module: electricity-maps', () => {
  describe('Function: parseElectricityMapsLatest', () => {
    it('reads the recorded /latest body: 216 g in US-CAR-DUK for the hour from 19:00, estimated', () => {
      // Act
      const reading = parseElectricityMapsLatest(latest, 'US-CAR-DUK', FETCHED);

      // Assess
      expect(reading).toEqual({
        zone: 'US-CAR-DUK',
        provider: 'electricitymaps',
        signal: 'average',
        gCO2ePerKWh: 216,
        observedAt: '2024-03-06T19:00:00.000Z',
        fetchedAt: '2024-03-06T19:20:00.000Z',
        isEstimated: true,
        isForecast: false,
      });
    });

    it.each([
      [{ ...latest, carbonIntensity: null }, 'invalid-value', 'carbonIntensity is missing'],
      [{ ...latest, carbonIntensity: -12 }, 'invalid-value', 'carbonIntensity -12 gCO2e/kWh is negative'],
      [{ ...latest, carbonIntensity: 216_000 }, 'invalid-value', 'above 3000'],
      [{ ...latest, datetime: 'now' }, 'malformed', 'carbonIntensity datetime "now" is not an ISO-8601 time'],
      [{ zone: 'US-CAR-DUK' }, 'malformed', 'latest body is malformed: datetime'],
      [{ ...latest, zone: 'FR' }, 'unknown-zone', 'answered for zone FR instead of US-CAR-DUK'],
      [[1, 2], 'malformed', 'latest body is malformed'],
    ])('rejects a bad body (%#: %s)', (body, kind, message) => {
      // Act
      const error = parseError(() => parseElectricityMapsLatest(body, 'US-CAR-DUK', FETCHED));

      // Assess
      expect(error.kind).toBe(kind);
      expect(error.message).toContain(message);
    });

    it('either parses a plausible reading or throws CarbonProviderError for any JSON', () => {
      // Assess
      fc.assert(
        fc.property(fc.jsonValue(), (body) => {
          try {
            const reading = parseElectricityMapsLatest(body, 'DE', FETCHED);
            return reading.gCO2ePerKWh >= 0 && reading.gCO2ePerKWh <= 3000;
          } catch (error) {
            return error instanceof CarbonProviderError;
          }
        }),
      );
      fc.assert(
        fc.property(
          fc.record({ zone: fc.constant('DE'), carbonIntensity: fc.anything(), datetime: fc.string() }),
          (body) => {
            try {
              const reading = parseElectricityMapsLatest(body, 'DE', FETCHED);
              return typeof reading.gCO2ePerKWh === 'number' && !Number.isNaN(Date.parse(reading.observedAt));
            } catch (error) {
              return error instanceof CarbonProviderError;
            }
          },
        ),
      );
    });
  });

  describe('Function: parseElectricityMapsHistory', () => {
    it('reads the recorded 24 h of DE, oldest first', () => {
      // Act
      const readings = parseElectricityMapsHistory(history, 'DE', FETCHED);

      // Assess
      expect(readings).toHaveLength(history.history.length);
      expect(readings[0]).toMatchObject({
        gCO2ePerKWh: 599,
        observedAt: '2024-03-05T20:00:00.000Z',
        isEstimated: false,
      });
      expect(readings[1]).toMatchObject({ gCO2ePerKWh: 607, observedAt: '2024-03-05T21:00:00.000Z' });
    });
  });

  describe('Function: parseElectricityMapsForecast', () => {
    it('reads the recorded DE forecast: 48 hourly points from 557 g at 2023-05-02T20:00Z', () => {
      // Act
      const parsed = parseElectricityMapsForecast(forecast, 'DE', FETCHED);

      // Assess
      expect(parsed.generatedAt).toBe('2023-05-02T19:52:09.141Z');
      expect(parsed.points).toHaveLength(48);
      expect(parsed.points[0]).toMatchObject({
        gCO2ePerKWh: 557,
        observedAt: '2023-05-02T20:00:00.000Z',
        isForecast: true,
        isEstimated: true,
      });
      expect(parsed.points[47]).toMatchObject({ gCO2ePerKWh: 590, observedAt: '2023-05-04T19:00:00.000Z' });
    });
  });

  describe('Class: ElectricityMapsProvider', () => {
    it('sends auth-token and shouldUseFallbackCallerLookup=false to each endpoint', async () => {
      // Prepare
      server = await startReplayServer([
        { path: '/v3/carbon-intensity/latest', responses: [{ body: latest }] },
        {
          path: '/v3/carbon-intensity/forecast',
          responses: [{ body: { ...(forecast as object), zone: 'US-CAR-DUK' } }],
        },
        {
          path: '/v3/carbon-intensity/history',
          responses: [{ body: { ...history, zone: 'US-CAR-DUK', history: [] } }],
        },
      ]);
      const provider = new ElectricityMapsProvider({
        baseUrl: server.url,
        apiKey: new SecretValue('em-test-token'),
        http: { timeoutMs: 2000, maxRetries: 0 },
      });

      // Act
      const reading = await provider.latest('US-CAR-DUK', FETCHED);
      await provider.forecast('US-CAR-DUK', FETCHED);
      await provider.history('US-CAR-DUK', FETCHED);

      // Assess
      expect(reading.gCO2ePerKWh).toBe(216);
      expect(server.requests.map((r) => r.path)).toEqual([
        '/v3/carbon-intensity/latest',
        '/v3/carbon-intensity/forecast',
        '/v3/carbon-intensity/history',
      ]);
      for (const request of server.requests) {
        expect(request.headers['auth-token']).toBe('em-test-token');
        expect(request.query).toEqual({ zone: 'US-CAR-DUK', shouldUseFallbackCallerLookup: 'false' });
      }
    });

    it('turns HTTP 404 for a zone into unknown-zone', async () => {
      // Prepare
      server = await startReplayServer([
        {
          path: '/v3/carbon-intensity/latest',
          responses: [{ status: 404, body: { message: "Zone 'XX' does not exist." } }],
        },
      ]);
      const provider = new ElectricityMapsProvider({ baseUrl: server.url, http: { timeoutMs: 2000, maxRetries: 0 } });

      // Act
      const error = await provider.latest('XX', FETCHED).catch((e: unknown) => e as CarbonProviderError);

      // Assess
      expect(error).toBeInstanceOf(CarbonProviderError);
      expect((error as CarbonProviderError).kind).toBe('unknown-zone');
      expect((error as CarbonProviderError).message).toContain('zone XX is unknown to Electricity Maps');
      expect(server.requests[0]?.headers['auth-token']).toBeUndefined();
    });

    it('maps regions through the table and carbon.zoneOverrides', () => {
      // Prepare
      const provider = new ElectricityMapsProvider({ http: { timeoutMs: 2000, maxRetries: 0 } });

      // Assess
      expect(provider.zoneFor('us-east-2')).toBe('US-MIDA-PJM');
      expect(provider.zoneFor('us-west-2', { 'us-west-2': 'US-NW-BPAT' })).toBe('US-NW-BPAT');
      expect(provider.zoneFor('cn-north-1')).toBeNull();
    });
  });
});
