import { describe, expect, it } from 'vitest';
import type { CarbonStore } from '../../../lambdas/core/carbon/carbon-store';
import { InMemoryCarbonStore } from '../../../lambdas/core/carbon/in-memory-carbon-store';
import {
  carbonLookupFromStore,
  forecastLookupFromStore,
  lookupOptionsFromConfig,
} from '../../../lambdas/core/carbon/lookup';
import type { CarbonForecast, CarbonReading } from '../../../lambdas/core/carbon/reading';
import { resolveConfig } from '../../../lambdas/core/config/resolve';

const NOW = new Date('2024-03-06T19:20:00Z');

function reading(
  region: string,
  zone: string,
  grams: number,
  observedAt: string,
  provider: CarbonReading['provider'] = 'electricitymaps',
): CarbonReading {
  return {
    region,
    zone,
    provider,
    signal: provider === 'watttime' ? 'marginal' : 'average',
    gCO2ePerKWh: grams,
    observedAt,
    fetchedAt: observedAt,
    isEstimated: false,
    isForecast: false,
  };
}

describe('Module: lookup', () => {
  describe('Function: carbonLookupFromStore', () => {
    it('returns the cached reading where fresh enough and the static factor elsewhere, for every region', async () => {
      // Prepare
      const store = new InMemoryCarbonStore();
      await store.putReadings(
        [
          reading('eu-central-1', 'DE', 512, '2024-03-06T19:00:00.000Z'),
          reading('us-east-1', 'PJM_DC', 410, '2024-03-06T19:15:00.000Z', 'watttime'),
          reading('eu-west-1', 'IE', 280, '2024-03-06T15:00:00.000Z'),
        ],
        NOW,
      );
      const lookup = carbonLookupFromStore(store);

      // Act
      const found = await lookup(['eu-central-1', 'us-east-1', 'eu-west-1', 'eu-north-1'], NOW);

      // Assess
      expect(found.get('eu-central-1')).toMatchObject({ origin: 'cached', reading: { gCO2ePerKWh: 512 } });
      expect(found.get('eu-central-1')?.fallbackReason).toBeUndefined();
      expect(found.get('us-east-1')).toMatchObject({ origin: 'cached', reading: { provider: 'watttime' } });
      expect(found.get('eu-west-1')).toMatchObject({
        origin: 'static',
        reading: { gCO2ePerKWh: 301 },
        fallbackReason: 'cached electricitymaps reading: reading is 15600 s old, older than the 7200 s limit',
      });
      expect(found.get('eu-north-1')).toMatchObject({
        origin: 'static',
        reading: { gCO2ePerKWh: 20 },
        fallbackReason: 'no cached reading',
      });
    });

    it('takes the maximum age from the config (carbon.maxDataAgeMinutes)', async () => {
      // Prepare: 4 h 20 min old reading, limit 300 min.
      const store = new InMemoryCarbonStore();
      await store.putReadings([reading('eu-west-1', 'IE', 280, '2024-03-06T15:00:00.000Z')], NOW);
      const config = resolveConfig({ carbon: { maxDataAgeMinutes: 300 } });

      // Act
      const found = await carbonLookupFromStore(store, lookupOptionsFromConfig(config.carbon))(['eu-west-1'], NOW);

      // Assess
      expect(found.get('eu-west-1')?.origin).toBe('cached');
    });

    it('discards a cached reading of the old zone after carbon.zoneOverrides changed', async () => {
      // Prepare
      const store = new InMemoryCarbonStore();
      await store.putReadings([reading('us-west-2', 'US-NW-PACW', 150, '2024-03-06T19:00:00.000Z')], NOW);
      const lookup = carbonLookupFromStore(store, { zoneOverrides: { 'us-west-2': 'US-NW-BPAT' } });

      // Act
      const found = await lookup(['us-west-2'], NOW);

      // Assess
      expect(found.get('us-west-2')).toMatchObject({
        origin: 'static',
        reading: { zone: 'US-NW-BPAT', gCO2ePerKWh: 204 },
      });
    });

    it('falls back to static for every region when the store fails, naming the failure', async () => {
      // Prepare
      const broken: CarbonStore = {
        putReadings: async () => undefined,
        putForecasts: async () => undefined,
        latestReadings: async () => {
          throw new Error('ResourceNotFoundException: table missing');
        },
        latestForecast: async () => undefined,
      };

      // Act
      const found = await carbonLookupFromStore(broken)(['eu-central-1'], NOW);

      // Assess
      expect(found.get('eu-central-1')).toMatchObject({
        origin: 'static',
        fallbackReason: 'cache unavailable: ResourceNotFoundException: table missing; no cached reading',
      });
    });
  });

  describe('Function: forecastLookupFromStore', () => {
    it('returns the stored forecast from the interval containing now', async () => {
      // Prepare: hourly points 18:00, 19:00, 20:00, 21:00; at 19:20 the 18:00 point is over.
      const points = ['18', '19', '20', '21'].map((hour, i) => ({
        ...reading('eu-central-1', 'DE', 500 - i * 10, `2024-03-06T${hour}:00:00.000Z`),
        isForecast: true,
      }));
      const forecast: CarbonForecast = {
        region: 'eu-central-1',
        zone: 'DE',
        provider: 'electricitymaps',
        signal: 'average',
        generatedAt: '2024-03-06T18:00:00.000Z',
        points,
      };
      const store = new InMemoryCarbonStore();
      await store.putForecasts([forecast], NOW);

      // Act
      const found = await forecastLookupFromStore(store)('eu-central-1', NOW);

      // Assess
      expect(found?.points.map((p) => p.gCO2ePerKWh)).toEqual([490, 480, 470]);
      expect(await forecastLookupFromStore(store)('eu-central-1', new Date('2024-03-06T22:30:00Z'))).toBeUndefined();
      expect(await forecastLookupFromStore(store)('eu-west-1', NOW)).toBeUndefined();
    });
  });
});
