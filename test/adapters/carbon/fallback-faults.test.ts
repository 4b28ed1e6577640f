import { afterEach, describe, expect, it } from 'vitest';
import { ElectricityMapsProvider } from '../../../lambdas/adapters/carbon/electricity-maps';
import { SecretValue } from '../../../lambdas/adapters/secrets/secret-value';
import { fetchCarbon } from '../../../lambdas/core/carbon/fetch-carbon';
import { InMemoryCarbonStore } from '../../../lambdas/core/carbon/in-memory-carbon-store';
import type { CarbonReading } from '../../../lambdas/core/carbon/reading';
import {
  providerFixture,
  type ReplayResponse,
  type ReplayServer,
  recordingSleep,
  refusedUrl,
  startReplayServer,
} from '../../support/replay-server';

// The recorded /latest body is for US-CAR-DUK at 19:00; replayed for DE (eu-central-1) with the zone replaced.
const NOW = new Date('2024-03-06T19:20:00Z');
const recorded = { ...providerFixture<Record<string, unknown>>('electricitymaps-latest.json'), zone: 'DE' };
const CACHED: CarbonReading = {
  region: 'eu-central-1',
  zone: 'DE',
  provider: 'electricitymaps',
  signal: 'average',
  gCO2ePerKWh: 333,
  observedAt: '2024-03-06T18:00:00.000Z',
  fetchedAt: '2024-03-06T18:05:00.000Z',
  isEstimated: false,
  isForecast: false,
};

let server: ReplayServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function run(response: ReplayResponse | 'refused', withCache: boolean) {
  let baseUrl: string;
  if (response === 'refused') {
    baseUrl = await refusedUrl();
  } else {
    server = await startReplayServer([{ path: '/v3/carbon-intensity/latest', responses: [response] }]);
    baseUrl = server.url;
  }
  const provider = new ElectricityMapsProvider({
    baseUrl,
    apiKey: new SecretValue('k'),
    // Long enough that a loaded CI machine answers every non-timeout case in time.
    http: { timeoutMs: 1000, maxRetries: 1, sleep: recordingSleep().sleep },
  });
  const store = new InMemoryCarbonStore();
  if (withCache) await store.putReadings([CACHED], NOW);
  const result = await fetchCarbon(['eu-central-1'], [provider], store, NOW, { includeForecasts: false });
  return result.readings.get('eu-central-1')!;
}

describe('Module: fetch-carbon with Electricity Maps faults', () => {
  describe('Function: fetchCarbon', () => {
    it('uses the recorded live reading when the provider answers', async () => {
      // Act
      const sourced = await run({ body: recorded }, true);

      // Assess
      expect(sourced).toMatchObject({ origin: 'live', reading: { gCO2ePerKWh: 216, zone: 'DE' } });
    });

    it.each<[string, ReplayResponse | 'refused', string]>([
      ['timeout', { delayMs: 2500, body: recorded }, 'timed out after 1000 ms'],
      ['connection refused', 'refused', 'failed to connect (ECONNREFUSED)'],
      [
        'HTTP 401',
        { status: 401, body: { message: 'Invalid auth-token' } },
        'HTTP 401 Unauthorized: Invalid auth-token',
      ],
      ['HTTP 403', { status: 403 }, 'HTTP 403 Forbidden'],
      ['HTTP 429', { status: 429, headers: { 'retry-after': '1' } }, 'HTTP 429 Too Many Requests after 2 attempts'],
      ['HTTP 500', { status: 500 }, 'HTTP 500 Internal Server Error after 2 attempts'],
      ['malformed JSON', { raw: '{"zone":"DE","carbonIntensity":' }, 'returned a body that is not JSON'],
      ['missing value', { body: { ...recorded, carbonIntensity: null } }, 'carbonIntensity is missing'],
      ['negative value', { body: { ...recorded, carbonIntensity: -40 } }, 'carbonIntensity -40 gCO2e/kWh is negative'],
      ['absurd value', { body: { ...recorded, carbonIntensity: 3500 } }, '3500 gCO2e/kWh is above 3000'],
      [
        'reading from the future',
        { body: { ...recorded, datetime: '2024-03-06T23:00:00.000Z' } },
        'is 13200 s in the future',
      ],
      ['stale reading', { body: { ...recorded, datetime: '2024-03-06T12:00:00.000Z' } }, 'reading is 26400 s old'],
      [
        'unknown zone',
        { status: 404, body: { message: "Zone 'DE' does not exist." } },
        'zone DE is unknown to Electricity Maps',
      ],
    ])('falls back to the cached reading on %s and records why', async (_name, response, reason) => {
      // Act
      const sourced = await run(response, true);

      // Assess
      expect(sourced.origin).toBe('cached');
      expect(sourced.reading.gCO2ePerKWh).toBe(333);
      expect(sourced.fallbackReason).toMatch(/^electricitymaps DE: /);
      expect(sourced.fallbackReason).toContain(reason);
    });

    it('falls back to the static factor (342 g for DE) when there is no cached reading either', async () => {
      // Act
      const sourced = await run({ status: 503 }, false);

      // Assess
      expect(sourced.origin).toBe('static');
      expect(sourced.reading.gCO2ePerKWh).toBe(342);
      expect(sourced.fallbackReason).toBe(
        'electricitymaps DE: GET /v3/carbon-intensity/latest → HTTP 503 Service Unavailable after 2 attempts; no cached reading',
      );
    });
  });
});
