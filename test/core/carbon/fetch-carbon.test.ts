import { describe, expect, it } from 'vitest';
import type { CarbonStore } from '../../../lambdas/core/carbon/carbon-store';
import { fetchCarbon } from '../../../lambdas/core/carbon/fetch-carbon';
import { InMemoryCarbonStore } from '../../../lambdas/core/carbon/in-memory-carbon-store';
import { CarbonProviderError } from '../../../lambdas/core/carbon/provider';
import type { CarbonReading } from '../../../lambdas/core/carbon/reading';
import { UnknownRegionError } from '../../../lambdas/core/carbon/static-reading';
import { FakeProvider } from './fake-provider';

const NOW = new Date('2024-03-06T19:20:00Z');
const OBSERVED = '2024-03-06T19:00:00.000Z';

function cachedReading(region: string, zone: string, grams: number, observedAt: string): CarbonReading {
  return {
    region,
    zone,
    provider: 'electricitymaps',
    signal: 'average',
    gCO2ePerKWh: grams,
    observedAt,
    fetchedAt: observedAt,
    isEstimated: false,
    isForecast: false,
  };
}

describe('Module: fetch-carbon', () => {
  describe('Function: fetchCarbon', () => {
    it('asks each distinct zone once: us-east-1 and us-east-2 share US-MIDA-PJM', async () => {
      // Prepare
      const em = new FakeProvider('electricitymaps', {
        'US-MIDA-PJM': { gCO2ePerKWh: 431, observedAt: OBSERVED },
        DE: { gCO2ePerKWh: 250, observedAt: OBSERVED },
      });

      // Act
      const result = await fetchCarbon(
        ['us-east-1', 'us-east-2', 'eu-central-1'],
        [em],
        new InMemoryCarbonStore(),
        NOW,
        {
          includeForecasts: false,
        },
      );

      // Assess
      expect(em.calls).toEqual([
        { kind: 'latest', zone: 'US-MIDA-PJM' },
        { kind: 'latest', zone: 'DE' },
      ]);
      expect(result.readings.get('us-east-1')?.reading).toMatchObject({ region: 'us-east-1', gCO2ePerKWh: 431 });
      expect(result.readings.get('us-east-2')?.reading).toMatchObject({ region: 'us-east-2', gCO2ePerKWh: 431 });
      expect(result.calls).toHaveLength(2);
    });

    it('keeps at most `concurrency` requests in flight per provider', async () => {
      // Prepare: every call waits a macrotask so calls overlap.
      const zones = ['DE', 'FR', 'SE-SE3', 'IE', 'GB', 'CH', 'ES', 'IT-NO'];
      const em = new FakeProvider(
        'electricitymaps',
        Object.fromEntries(zones.map((zone) => [zone, { gCO2ePerKWh: 100, observedAt: OBSERVED }])),
        'average',
        {},
        () => new Promise((resolve) => setImmediate(resolve)),
      );
      const regions = [
        'eu-central-1',
        'eu-west-3',
        'eu-north-1',
        'eu-west-1',
        'eu-west-2',
        'eu-central-2',
        'eu-south-2',
        'eu-south-1',
      ];

      // Act
      await fetchCarbon(regions, [em], new InMemoryCarbonStore(), NOW, { concurrency: 3, includeForecasts: false });

      // Assess
      expect(em.calls).toHaveLength(8);
      expect(em.maxInFlight).toBe(3);
    });

    it('follows live → next provider → cached → static and records each reason', async () => {
      // Prepare
      const em = new FakeProvider('electricitymaps', {
        DE: new CarbonProviderError('electricitymaps', 'rate-limited', 'HTTP 429 Too Many Requests after 3 attempts'),
        FR: new CarbonProviderError('electricitymaps', 'timeout', 'timed out after 4000 ms'),
        IE: new CarbonProviderError('electricitymaps', 'auth', 'HTTP 401 Unauthorized'),
      });
      const wt = new FakeProvider(
        'watttime',
        { DE: { gCO2ePerKWh: 520, observedAt: '2024-03-06T19:15:00.000Z' } },
        'marginal',
      );
      const store = new InMemoryCarbonStore();
      await store.putReadings([cachedReading('eu-west-3', 'FR', 35, '2024-03-06T18:00:00.000Z')], NOW);

      // Act
      const result = await fetchCarbon(['eu-central-1', 'eu-west-3', 'eu-west-1'], [em, wt], store, NOW, {
        includeForecasts: false,
      });

      // Assess
      const de = result.readings.get('eu-central-1')!;
      expect(de.origin).toBe('live');
      expect(de.reading).toMatchObject({ provider: 'watttime', signal: 'marginal', gCO2ePerKWh: 520 });
      expect(de.fallbackReason).toBe('electricitymaps DE: HTTP 429 Too Many Requests after 3 attempts');
      const fr = result.readings.get('eu-west-3')!;
      expect(fr.origin).toBe('cached');
      expect(fr.reading.gCO2ePerKWh).toBe(35);
      expect(fr.fallbackReason).toBe('electricitymaps FR: timed out after 4000 ms; watttime FR: zone FR is unknown');
      const ie = result.readings.get('eu-west-1')!;
      expect(ie.origin).toBe('static');
      expect(ie.reading.gCO2ePerKWh).toBe(301);
      expect(ie.fallbackReason).toBe(
        'electricitymaps IE: HTTP 401 Unauthorized; watttime IE: zone IE is unknown; no cached reading',
      );
    });

    it('rejects a live value that is absurd, negative, from the future or stale, then tries the next source', async () => {
      // Prepare
      const em = new FakeProvider('electricitymaps', {
        DE: { gCO2ePerKWh: 4200, observedAt: OBSERVED },
        FR: { gCO2ePerKWh: -3, observedAt: OBSERVED },
        IE: { gCO2ePerKWh: 300, observedAt: '2024-03-07T19:00:00.000Z' },
        GB: { gCO2ePerKWh: 150, observedAt: '2024-03-06T10:00:00.000Z' },
      });

      // Act
      const result = await fetchCarbon(
        ['eu-central-1', 'eu-west-3', 'eu-west-1', 'eu-west-2'],
        [em],
        new InMemoryCarbonStore(),
        NOW,
      );

      // Assess
      const origins = [...result.readings.values()].map((s) => s.origin);
      expect(origins).toEqual(['static', 'static', 'static', 'static']);
      expect(result.readings.get('eu-central-1')?.fallbackReason).toContain('4200 gCO2e/kWh is above 3000');
      expect(result.readings.get('eu-west-3')?.fallbackReason).toContain('-3 gCO2e/kWh is negative');
      expect(result.readings.get('eu-west-1')?.fallbackReason).toContain('is 85200 s in the future');
      expect(result.readings.get('eu-west-2')?.fallbackReason).toContain('reading is 33600 s old');
      expect(result.calls.map((c) => c.failureKind)).toEqual(['invalid-value', 'invalid-value', 'future', 'stale']);
      expect(result.liveReadings).toEqual([]);
    });

    it('stores live readings and forecasts, never static ones', async () => {
      // Prepare
      const em = new FakeProvider('electricitymaps', { DE: { gCO2ePerKWh: 250, observedAt: OBSERVED } }, 'average', {
        DE: [250, 240, 230],
      });
      const store = new InMemoryCarbonStore();

      // Act
      const result = await fetchCarbon(['eu-central-1', 'eu-north-1'], [em], store, NOW);

      // Assess
      expect(result.written).toBe(true);
      const stored = await store.latestReadings(['eu-central-1', 'eu-north-1']);
      expect([...stored.keys()]).toEqual(['eu-central-1']);
      const forecast = await store.latestForecast('eu-central-1');
      expect(forecast?.points.map((p) => p.gCO2ePerKWh)).toEqual([250, 240, 230]);
      expect(forecast?.points.every((p) => p.region === 'eu-central-1' && p.isForecast)).toBe(true);
    });

    it('writes nothing when write is false (dry run) but returns what it would store', async () => {
      // Prepare
      const em = new FakeProvider('electricitymaps', { DE: { gCO2ePerKWh: 250, observedAt: OBSERVED } }, 'average', {
        DE: [250],
      });
      const store = new InMemoryCarbonStore();

      // Act
      const result = await fetchCarbon(['eu-central-1'], [em], store, NOW, { write: false });

      // Assess
      expect(result.written).toBe(false);
      expect(result.liveReadings.map((r) => r.gCO2ePerKWh)).toEqual([250]);
      expect(result.forecasts).toHaveLength(1);
      expect((await store.latestReadings(['eu-central-1'])).size).toBe(0);
      expect(await store.latestForecast('eu-central-1')).toBeUndefined();
    });

    it('records a failed forecast without affecting the live reading', async () => {
      // Prepare: no forecast for DE → HTTP 403.
      const em = new FakeProvider('electricitymaps', { DE: { gCO2ePerKWh: 250, observedAt: OBSERVED } });

      // Act
      const result = await fetchCarbon(['eu-central-1'], [em], new InMemoryCarbonStore(), NOW);

      // Assess
      expect(result.regions[0]?.sourced.origin).toBe('live');
      expect(result.regions[0]?.forecastFailure).toBe('electricitymaps DE: HTTP 403 Forbidden');
      expect(result.calls.filter((c) => !c.ok)).toEqual([
        {
          provider: 'electricitymaps',
          zone: 'DE',
          kind: 'forecast',
          ok: false,
          failureKind: 'http',
          reason: 'HTTP 403 Forbidden',
        },
      ]);
    });

    it('keeps going when the store fails, falling back to static and reporting it', async () => {
      // Prepare
      const broken: CarbonStore = {
        putReadings: async () => {
          throw new Error('ProvisionedThroughputExceededException');
        },
        putForecasts: async () => undefined,
        latestReadings: async () => {
          throw new Error('AccessDeniedException');
        },
        latestForecast: async () => undefined,
      };
      const em = new FakeProvider('electricitymaps', {
        DE: { gCO2ePerKWh: 250, observedAt: OBSERVED },
        FR: new CarbonProviderError('electricitymaps', 'network', 'failed to connect (ECONNREFUSED)'),
      });

      // Act
      const result = await fetchCarbon(['eu-central-1', 'eu-west-3'], [em], broken, NOW, { includeForecasts: false });

      // Assess
      expect(result.cacheReadError).toBe('reading the cache failed: AccessDeniedException');
      expect(result.storeErrors).toEqual(['storing readings failed: ProvisionedThroughputExceededException']);
      expect(result.readings.get('eu-central-1')?.origin).toBe('live');
      expect(result.readings.get('eu-west-3')?.fallbackReason).toBe(
        'electricitymaps FR: failed to connect (ECONNREFUSED); reading the cache failed: AccessDeniedException; no cached reading',
      );
    });

    it('uses the static factor for every region with no live provider and says which are unavailable', async () => {
      // Act
      const result = await fetchCarbon(['eu-north-1'], [], new InMemoryCarbonStore(), NOW, {
        unavailable: [{ provider: 'electricitymaps', reason: 'no API key' }],
      });

      // Assess
      expect(result.readings.get('eu-north-1')).toEqual({
        reading: expect.objectContaining({ provider: 'static', gCO2ePerKWh: 20 }),
        origin: 'static',
        fallbackReason: 'electricitymaps: no API key; no cached reading',
      });
    });

    it('honours zone overrides and skips providers that do not cover a region', async () => {
      // Prepare
      const em = new FakeProvider('electricitymaps', { 'US-NW-BPAT': { gCO2ePerKWh: 90, observedAt: OBSERVED } });

      // Act
      const result = await fetchCarbon(['us-west-2', 'cn-north-1'], [em], new InMemoryCarbonStore(), NOW, {
        zoneOverrides: { 'us-west-2': 'US-NW-BPAT' },
        includeForecasts: false,
      });

      // Assess
      expect(em.calls).toEqual([{ kind: 'latest', zone: 'US-NW-BPAT' }]);
      expect(result.readings.get('us-west-2')?.reading.zone).toBe('US-NW-BPAT');
      expect(result.readings.get('cn-north-1')?.fallbackReason).toBe(
        'electricitymaps: does not cover cn-north-1; no cached reading',
      );
    });

    it('throws UnknownRegionError before making any request', async () => {
      // Prepare
      const em = new FakeProvider('electricitymaps', {});

      // Act / Assess
      await expect(fetchCarbon(['eu-central-1', 'xx-nowhere-1'], [em], new InMemoryCarbonStore(), NOW)).rejects.toThrow(
        UnknownRegionError,
      );
      expect(em.calls).toEqual([]);
    });
  });
});
