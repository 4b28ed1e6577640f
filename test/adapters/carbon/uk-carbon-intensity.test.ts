import { afterEach, describe, expect, it } from 'vitest';
import {
  parseUkForecast,
  parseUkNationalCurrent,
  parseUkRegionalCurrent,
  UkCarbonIntensityProvider,
  ukApiTime,
} from '../../../lambdas/adapters/carbon/uk-carbon-intensity';
import { CarbonProviderError } from '../../../lambdas/core/carbon/provider';
import { providerFixture, type ReplayServer, startReplayServer } from '../../support/replay-server';

const FETCHED = new Date('2023-03-15T01:40:00Z');
const current = providerFixture('uk-intensity-current.json');
const day = providerFixture<{ data: { intensity: { forecast: number } }[] }>('uk-national-24h.json');
const regional = providerFixture('uk-regional-9.json');

let server: ReplayServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('Module: uk-carbon-intensity', () => {
  describe('Function: parseUkNationalCurrent', () => {
    it('uses the actual value of the recorded half hour (178 g, forecast was 188)', () => {
      // Act
      const reading = parseUkNationalCurrent(current, FETCHED);

      // Assess
      expect(reading).toEqual({
        zone: 'GB',
        provider: 'uk-carbon-intensity',
        signal: 'average',
        gCO2ePerKWh: 178,
        observedAt: '2023-03-15T01:30:00.000Z',
        fetchedAt: '2023-03-15T01:40:00.000Z',
        isEstimated: false,
        isForecast: false,
      });
    });

    it('uses the forecast, marked estimated, while the actual value is not yet published', () => {
      // Prepare: the recorded 03:00 half hour has actual null, forecast 191.
      const last = day.data[day.data.length - 1];

      // Act
      const reading = parseUkNationalCurrent({ data: [last] }, FETCHED);

      // Assess
      expect(reading).toMatchObject({ gCO2ePerKWh: 191, isEstimated: true, observedAt: '2023-03-15T03:00:00.000Z' });
    });

    it.each([
      [{ data: [] }, 'malformed'],
      [{ data: [{ from: '2023-03-15T01:30Z', intensity: { forecast: null, actual: null } }] }, 'invalid-value'],
      [{ data: [{ from: '2023-03-15T01:30Z', intensity: { actual: -1 } }] }, 'invalid-value'],
      [{ error: { code: '400 Bad Request' } }, 'malformed'],
    ])('rejects a bad body (%#)', (body, kind) => {
      // Act / Assess
      expect(() => parseUkNationalCurrent(body, FETCHED)).toThrow(CarbonProviderError);
      try {
        parseUkNationalCurrent(body, FETCHED);
      } catch (error) {
        expect((error as CarbonProviderError).kind).toBe(kind);
      }
    });
  });

  describe('Function: parseUkRegionalCurrent', () => {
    it('reads the recorded East Midlands (region 9) forecast, 312 g, as estimated', () => {
      // Act
      const reading = parseUkRegionalCurrent(regional, 9, FETCHED);

      // Assess
      expect(reading).toMatchObject({
        zone: 'GB-REGION-9',
        gCO2ePerKWh: 312,
        observedAt: '2023-09-02T16:00:00.000Z',
        isEstimated: true,
      });
    });

    it('rejects an answer for another region', () => {
      // Act / Assess
      expect(() => parseUkRegionalCurrent(regional, 13, FETCHED)).toThrow(/answered for region 9 instead of 13/);
    });
  });

  describe('Function: parseUkForecast', () => {
    it('reads 48 half-hourly forecast points from the recorded 24 h body', () => {
      // Act
      const parsed = parseUkForecast(day, 'GB', FETCHED);

      // Assess
      expect(parsed.points).toHaveLength(48);
      expect(parsed.points[0]).toMatchObject({
        gCO2ePerKWh: 72,
        observedAt: '2023-03-14T03:30:00.000Z',
        isForecast: true,
      });
      expect(parsed.points[47]).toMatchObject({ gCO2ePerKWh: 191, observedAt: '2023-03-15T03:00:00.000Z' });
    });

    it('reads the regional forecast shape whose data is one object', () => {
      // Prepare
      const body = { data: (regional as { data: unknown[] }).data[0] };

      // Act
      const parsed = parseUkForecast(body, 'GB-REGION-9', FETCHED);

      // Assess
      expect(parsed.points.map((p) => p.gCO2ePerKWh)).toEqual([312]);
    });
  });

  describe('Class: UkCarbonIntensityProvider', () => {
    it('serves only eu-west-2 and asks /intensity and /intensity/{from}/fw24h without any key', async () => {
      // Prepare
      server = await startReplayServer([
        { path: '/intensity', responses: [{ body: current }] },
        { path: '/intensity/2023-03-15T01:40Z/fw24h', responses: [{ body: day }] },
      ]);
      const uk = new UkCarbonIntensityProvider({ baseUrl: server.url, http: { timeoutMs: 2000, maxRetries: 0 } });

      // Act
      const reading = await uk.latest('GB', FETCHED);
      const forecast = await uk.forecast('GB', FETCHED);

      // Assess
      expect(uk.zoneFor('eu-west-2')).toBe('GB');
      expect(uk.zoneFor('eu-west-1')).toBeNull();
      expect(reading.gCO2ePerKWh).toBe(178);
      expect(forecast.points).toHaveLength(48);
      expect(server.requests.map((r) => r.headers.authorization ?? null)).toEqual([null, null]);
    });

    it('asks /regional/regionid/{id} when a GB region is configured', async () => {
      // Prepare
      server = await startReplayServer([{ path: '/regional/regionid/9', responses: [{ body: regional }] }]);
      const uk = new UkCarbonIntensityProvider({
        baseUrl: server.url,
        http: { timeoutMs: 2000, maxRetries: 0 },
        regionId: 9,
      });

      // Act
      const reading = await uk.latest('GB-REGION-9', FETCHED);

      // Assess
      expect(uk.zoneFor('eu-west-2')).toBe('GB-REGION-9');
      expect(reading.gCO2ePerKWh).toBe(312);
    });

    it('formats path times as YYYY-MM-DDTHH:mmZ', () => {
      // Assess
      expect(ukApiTime(new Date('2023-03-14T03:31:59.999Z'))).toBe('2023-03-14T03:31Z');
    });
  });
});
